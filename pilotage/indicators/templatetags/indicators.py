"""Tags of the dashboard's long lists: each builds in one pass the HTML a template loop of includes would (the
national page shows ~40 indicators × 4 columns and ranks ~450 Missions Locales; a loop of includes costs more
than the rest of the page)."""

import html

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from pilotage.core import formatting
from pilotage.indicators.masking import MASKED

register = template.Library()


@register.simple_tag(takes_context=True)
def indicator_value(context, value, unit):
    """An indicator's value in its unit, or the statistical-secret mark when masked (the text of a cell)."""
    if value == MASKED:
        return format_html('<abbr title="secret statistique : moins de {} jeunes">s</abbr>', context["threshold"])
    return formatting.measure(value, unit)


def _text(value) -> str:
    """`value` escaped for HTML as `conditional_escape` does, without its lazy-string wrapper (~450 rows × 4)."""
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))


@register.simple_tag
def ranking_items(rows, unit, year):
    """The <li> of a dashboard's ranking: (Mission Locale, value) rows, each linking to its dashboard of `year`."""
    items = "".join(
        f'<li><a href="/tableau-de-bord/ml/{_text(ml.code)}/?annee={_text(year)}">{_text(ml.display_name)}</a> : '
        f"{_text(formatting.measure(value, unit))}</li>"
        for ml, value in rows
    )
    return mark_safe(items)  # noqa: S308 (every part escaped by _text)
