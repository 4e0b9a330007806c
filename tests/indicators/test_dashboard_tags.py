"""The dashboard's list tags (indicators/templatetags/indicators.py) write what the template loops wrote."""

from decimal import Decimal
from types import SimpleNamespace

from django.template import Context, Template

from pilotage.core import formatting
from pilotage.indicators.masking import MASKED


def render(text, **context):
    return Template("{% load indicators %}" + text).render(Context(context))


def test_indicator_value_in_its_unit_or_masked():
    assert render("{% indicator_value v u %}", v=Decimal("0.4567"), u=formatting.SHARE, threshold=5) == (
        formatting.measure(Decimal("0.4567"), formatting.SHARE)
    )
    assert render("{% indicator_value v u %}", v=None, u=formatting.COUNT, threshold=5) == formatting.MISSING
    assert render("{% indicator_value v u %}", v=MASKED, u=formatting.COUNT, threshold=11) == (
        '<abbr title="secret statistique : moins de 11 jeunes">s</abbr>'
    )


def test_ranking_items_escape_names_and_keep_the_order():
    rows = [(SimpleNamespace(code="13201S00", display_name="<b>Marseille</b> & co"), Decimal("0.5")),
            (SimpleNamespace(code="83137S00", display_name="Toulon"), Decimal("0.25"))]  # fmt: skip
    html = render("{% ranking_items rows u 2024 %}", rows=rows, u=formatting.SHARE)
    assert html == (
        '<li><a href="/tableau-de-bord/ml/13201S00/?annee=2024">&lt;b&gt;Marseille&lt;/b&gt; &amp; co</a> : '
        f"{formatting.share(Decimal('0.5'))}</li>"
        f'<li><a href="/tableau-de-bord/ml/83137S00/?annee=2024">Toulon</a> : {formatting.share(Decimal("0.25"))}</li>'
    )
