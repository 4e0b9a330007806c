"""Tags of the dashboard's long lists: each builds in one pass the HTML a template loop of includes would (the
national page shows ~40 indicators × 4 columns and ranks ~450 Missions Locales; a loop of includes costs more
than the rest of the page)."""

from django import template
from django.utils.html import format_html, format_html_join

from pilotage.core import formatting
from pilotage.indicators.masking import MASKED

register = template.Library()


@register.simple_tag(takes_context=True)
def indicator_value(context, value, unit):
    """An indicator's value in its unit, or the statistical-secret mark when masked (the text of a cell)."""
    if value == MASKED:
        return format_html('<abbr title="secret statistique : moins de {} jeunes">s</abbr>', context["threshold"])
    return formatting.measure(value, unit)


@register.simple_tag
def ranking_items(rows, unit, year):
    """The <li> of a dashboard's ranking: (Mission Locale, value) rows, each linking to its dashboard of `year`."""
    return format_html_join(
        "",
        '<li><a href="/tableau-de-bord/ml/{}/?annee={}">{}</a> : {}</li>',
        ((ml.code, year, ml.display_name, formatting.measure(value, unit)) for ml, value in rows),
    )
