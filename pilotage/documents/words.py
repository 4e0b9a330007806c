"""Numbers and amounts in words, in correct French (traditional spelling, as in official documents).

num2words writes plain integers correctly in French (« quatre-vingts », « deux cents », « mille »,
« vingt et un »); its `to="currency"` mode does not (« un million euros », « mille euros, zéro centimes »).
So the integers come from num2words and this module adds the currency rules itself:

- « euro » is singular for zéro and un: « zéro euro », « un euro », « deux euros » ;
- « d'euros » after a number that ends with million/milliard (a noun): « un million d'euros »,
  « deux millions d'euros », but « un million deux cents euros » ;
- cents: « un centime », « cinquante centimes » ; « un euro et cinquante centimes », « cinquante centimes » alone.
"""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from num2words import num2words

CENT = Decimal("0.01")

# Guards on num2words' output: rules it follows today, enforced so that a future version cannot silently
# break a signed document. Each rule is (pattern, replacement).
_FIXES = [
    # « mille » alone never takes « un » before it (« mille », « mille deux cents »; but « vingt et un mille »).
    (re.compile(r"^un mille\b"), "mille"),
    # « mille » is invariable.
    (re.compile(r"\bmilles\b"), "mille"),
    # « quatre-vingt » and « cent » multiplied and ending the number (or before million/milliard) take an s…
    (
        re.compile(
            r"\b(quatre-vingt|(?:deux|trois|quatre|cinq|six|sept|huit|neuf) cent)(?= (?:million|milliard)s?\b|$)"
        ),
        r"\1s",
    ),  # fmt: skip
    # …but not before « mille » nor when followed by another number.
    (re.compile(r"\b(quatre-vingt|cent)s(?= mille\b)"), r"\1"),
]


def number_in_words(n: int) -> str:
    """A whole number in French words: 80 → « quatre-vingts », 1000 → « mille », 21 → « vingt et un »."""
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError("number_in_words attend un entier.")
    text = num2words(n, lang="fr")
    for pattern, replacement in _FIXES:
        text = pattern.sub(replacement, text)
    return text


def _with_noun(count: int, singular: str, plural: str) -> str:
    words = number_in_words(count)
    if count < 2:
        return f"{words} {singular}"
    if re.search(r"\b(millions?|milliards?|billions?|billiards?)$", words):
        return f"{words} d'{plural}"
    return f"{words} {plural}"


def to_amount(value) -> Decimal:
    """A Decimal rounded to the cent (half up); refuses floats, text that is not a number and negative amounts."""
    if isinstance(value, float):
        raise TypeError("Un montant est un Decimal, jamais un float.")
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise ValueError(f"« {value} » n'est pas un montant.") from exc
    if not amount.is_finite():
        raise ValueError(f"« {value} » n'est pas un montant.")
    if amount < 0:
        raise ValueError("Un montant en toutes lettres est positif.")
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def amount_in_words(amount: Decimal) -> str:
    """1234.50 → « mille deux cent trente-quatre euros et cinquante centimes »; 1000000 → « un million d'euros »."""
    amount = to_amount(amount)
    euros = int(amount)
    cents = int((amount - euros) * 100)
    if cents == 0:
        return _with_noun(euros, "euro", "euros")
    cents_words = _with_noun(cents, "centime", "centimes")
    if euros == 0:
        return cents_words
    return f"{_with_noun(euros, 'euro', 'euros')} et {cents_words}"
