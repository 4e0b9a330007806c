"""Figures as French users read them: template filters over `pilotage.core.formatting` (the one module that
formats numbers; templates never format by hand)."""

from django import template

from pilotage.core import formatting

register = template.Library()


@register.filter
def euros(value, places=2):
    """1234.5 → « 1 234,50 € »; `euros:0` → « 1 235 € »; None → « — »."""
    return formatting.amount(value, cents=int(places) > 0)


@register.filter
def count(value):
    """12345 → « 12 345 »."""
    return formatting.count(value)


@register.filter
def number(value, places=1):
    """12.345 → « 12,3 »."""
    return formatting.number(value, int(places))


@register.filter
def pct(value, places=1):
    """A value already in percent: 12.345 → « 12,3 % »."""
    return formatting.percent(value, int(places))


@register.filter
def pct_signed(value, places=1):
    """12.345 → « +12,3 % »."""
    return formatting.percent(value, int(places), signed=True)


@register.filter
def share(value, places=1):
    """A fraction: 0.0031 → « 0,3 % »."""
    return formatting.share(value, int(places))


@register.filter
def measure(value, unit):
    """A value in its unit (`formatting.UNITS`): an indicator's value as its catalogue says."""
    return formatting.measure(value, unit)
