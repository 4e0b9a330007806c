"""The dashboard's ratio charts: one per ratio, each on its own scale (a ratio of 0,3 % is as readable as 80 %)."""

from decimal import Decimal

from pilotage.core import formatting
from pilotage.indicators.masking import MASKED
from pilotage.indicators.views import ratio_charts


def row(id_, value, region=None, national=None, unit=formatting.SHARE):
    return {"id": id_, "label": f"Libellé {id_}", "unit": unit, "value": value, "region": region, "national": national}


def test_each_ratio_is_drawn_on_its_own_scale():
    rows = [row("1", Decimal("1200")), row("R3", Decimal("0.003"), Decimal("0.006"), MASKED),
            row("R10", Decimal("0.8"), Decimal("0.4"), Decimal("0.2"))]  # fmt: skip
    charts = ratio_charts(rows, benchmarks=["region", "national"])
    assert [c["id"] for c in charts] == ["R3", "R10"]  # counts are not ratios
    small, large = ({b["kind"]: b["width"] for b in c["bars"]} for c in charts)
    assert small == {"value": 50.0, "region": 100.0, "national": 0}  # masked: no bar, the text says « s »
    assert large == {"value": 100.0, "region": 50.0, "national": 25.0}


def test_benchmarks_the_reader_does_not_get_are_not_drawn_and_zero_draws_nothing():
    charts = ratio_charts([row("R5", Decimal("0"), Decimal("0"))], benchmarks=["region"])
    assert [(b["kind"], b["width"]) for b in charts[0]["bars"]] == [("value", 0), ("region", 0)]
    assert ratio_charts([row("R5", None)], benchmarks=[])[0]["bars"] == [
        {"kind": "value", "name": "Valeur", "value": None, "width": 0}
    ]
