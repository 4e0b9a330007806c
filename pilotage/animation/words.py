"""Interim `amount_in_words` until `pilotage.documents.words` is on main."""

from decimal import Decimal


def amount_in_words(amount: Decimal) -> str:
    from num2words import num2words

    euros = int(amount)
    cents = int((amount - euros) * 100)
    text = f"{num2words(euros, lang='fr')} euro{'s' if euros > 1 else ''}"
    if cents:
        text += f" et {num2words(cents, lang='fr')} centime{'s' if cents > 1 else ''}"
    return text
