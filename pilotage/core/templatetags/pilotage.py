"""Number formats as French users read them."""

from decimal import Decimal

from django import template

register = template.Library()


def _grouped(value: Decimal, places: int) -> str:
    text = f"{value:,.{places}f}"
    return text.replace(",", "\u202f").replace(".", ",")


@register.filter
def euros(value, places=2):
    """1234.5 → « 1 234,50 € » (narrow no-break spaces); None → « — »."""
    if value is None or value == "":
        return "—"
    return f"{_grouped(Decimal(value), int(places))}\u00a0€"


@register.filter
def pct(value, places=1):
    """12.345 → « 12,3 % », with a sign when asked (`pct_signed`)."""
    if value is None:
        return "—"
    return f"{_grouped(Decimal(value), int(places))}\u00a0%"


@register.filter
def pct_signed(value, places=1):
    if value is None:
        return "—"
    sign = "+" if Decimal(value) > 0 else ""
    return f"{sign}{pct(value, places)}"
