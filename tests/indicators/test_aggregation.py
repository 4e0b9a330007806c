"""Upper levels stay the sum of their Missions Locales when some Missions Locales send aggregates."""

import io
from decimal import Decimal

import pytest

from pilotage.indicators.aggregation import entities_to_recompute, recompute_entity, recompute_upper_levels
from pilotage.indicators.models import IndicatorDataset
from pilotage.indicators.services import indicator_results_load
from tests.factories import MissionLocaleFactory

HEADER = "niveau,code,annee,indicateur,ventilation,valeur"
ML_DEPARTMENT = {"ML1": "13", "ML2": "13", "ML3": "83", "ML4": "75"}
REGION_OF = {"13": "93", "83": "93", "75": "11"}


def ml_rows(code, values):
    return {("ml", code, indicator, breakdown): (None if value is None else Decimal(str(value)))
            for (indicator, breakdown), value in values.items()}  # fmt: skip


def test_counts_and_sums_are_summed_and_ratios_recomputed_never_averaged():
    # ML1: 10 of 100 exits without solution (R11 = 0.1); ML2: 30 of 50 (0.6). Mean of ratios 0.35, right: 40/150.
    values = {
        **ml_rows("ML1", {("8.1", "total"): 100, ("8.1.i", "total"): 10, ("9", "total"): "12.5",
                            ("9.1", "total"): 10, ("4", "total"): 300, ("5", "total"): "7.2"}),
        **ml_rows("ML2", {("8.1", "total"): 50, ("8.1.i", "total"): 30, ("9", "total"): "7.5",
                            ("9.1", "total"): 5, ("4", "total"): 150, ("5", "total"): "3.1"}),
    }  # fmt: skip
    rows = recompute_entity(values, "departement", "13", ["ML1", "ML2"])
    assert rows[("departement", "13", "8.1", "total")] == 150
    assert rows[("departement", "13", "R11", "total")] == Decimal("0.2666666667")
    assert rows[("departement", "13", "9", "total")] == Decimal("20.0")
    assert rows[("departement", "13", "R12", "total")] == Decimal("0.75")
    assert rows[("departement", "13", "R13", "total")] == Decimal("30")
    # the mean duration cannot be recomputed from the means: empty, not averaged
    assert rows[("departement", "13", "5", "total")] is None


def test_a_missing_resource_or_a_zero_denominator_gives_an_empty_value():
    values = {
        **ml_rows("ML1", {("9", "total"): 10, ("9.1", "total"): 8, ("8.1", "femmes"): 0, ("8.1.i", "femmes"): 0}),
        **ml_rows("ML2", {("9", "total"): None, ("9.1", "total"): 4, ("8.1", "femmes"): 0, ("8.1.i", "femmes"): 0}),
    }  # fmt: skip
    rows = recompute_entity(values, "departement", "13", ["ML1", "ML2"])
    assert rows[("departement", "13", "9", "total")] is None
    assert rows[("departement", "13", "9.1", "total")] == 12
    assert rows[("departement", "13", "R12", "total")] is None
    assert rows[("departement", "13", "R11", "femmes")] is None


def test_r2_and_r6_parts_are_recovered_from_the_mission_locale_ratios():
    # ML1: `2` = 90 this year, R2 = 90/120 = 0.75 → 120 last year; `3` = 40, R6 = 0.25 → 10 diagnosed first.
    # ML2: `2` = 30, R2 empty (nobody last year) → 0; `3` = 0, R6 empty → 0.
    values = {
        **ml_rows("ML1", {("2", "total"): 90, ("R2", "total"): "0.75", ("3", "total"): 40, ("R6", "total"): "0.25"}),
        **ml_rows("ML2", {("2", "total"): 30, ("R2", "total"): None, ("3", "total"): 0, ("R6", "total"): None}),
    }  # fmt: skip
    rows = recompute_entity(values, "region", "93", ["ML1", "ML2"])
    assert rows[("region", "93", "R2", "total")] == Decimal(1)  # (90 + 30) / (120 + 0)
    assert rows[("region", "93", "R6", "total")] == Decimal("0.25")  # (10 + 0) / (40 + 0)
    # R2 = 0 with `2` = 0 says nothing of last year: the region's R2 cannot be known
    values.update(ml_rows("ML2", {("2", "total"): 0, ("R2", "total"): 0}))
    assert recompute_entity(values, "region", "93", ["ML1", "ML2"])[("region", "93", "R2", "total")] is None


def test_which_upper_entities_are_recomputed():
    merged = {**ml_rows("ML1", {("1", "total"): 1}), **ml_rows("ML2", {("1", "total"): 1}),
              **ml_rows("ML3", {("1", "total"): 1}), **ml_rows("ML4", {("1", "total"): 1})}  # fmt: skip
    # a Mission Locale's aggregates alone: its department, region and the nation
    only_ml1 = ml_rows("ML1", {("1", "total"): 5})
    assert entities_to_recompute(only_ml1, merged, ML_DEPARTMENT, REGION_OF) == {
        ("departement", "13"), ("region", "93"), ("national", "FR")}  # fmt: skip
    # a regional warehouse output (its MLs and their levels): its own levels kept, the nation recomputed
    region_file = {
        **only_ml1,
        **ml_rows("ML2", {("1", "total"): 1}),
        **ml_rows("ML3", {("1", "total"): 1}),
        ("departement", "13", "1", "total"): Decimal(6),
        ("departement", "83", "1", "total"): Decimal(1),
        ("region", "93", "1", "total"): Decimal(7),
        ("national", "FR", "1", "total"): Decimal(7),
    }
    assert entities_to_recompute(region_file, merged, ML_DEPARTMENT, REGION_OF) == {("national", "FR")}
    # an upper aggregate sent as such (no Mission Locale of it in the file) is kept as sent
    department_file = {("departement", "75", "1", "total"): Decimal(3), **only_ml1}
    assert ("departement", "75") not in entities_to_recompute(department_file, merged, ML_DEPARTMENT, REGION_OF)


def test_recompute_keeps_untouched_entities():
    merged = {
        **ml_rows("ML1", {("1", "total"): 5}),
        **ml_rows("ML4", {("1", "total"): 7}),
        ("departement", "75", "1", "total"): Decimal(7),
        ("national", "FR", "1", "total"): Decimal(999),
    }
    result = recompute_upper_levels(ml_rows("ML1", {("1", "total"): 5}), merged, ml_department=ML_DEPARTMENT,
                                    region_of=REGION_OF)  # fmt: skip
    assert result[("departement", "75", "1", "total")] == 7
    assert result[("national", "FR", "1", "total")] == 12
    assert result[("departement", "13", "1", "total")] == 5


@pytest.mark.django_db
def test_loading_one_mission_locale_aggregates_updates_its_department_region_and_nation():
    MissionLocaleFactory(code="ML1", department_id="13")
    MissionLocaleFactory(code="ML2", department_id="13")
    MissionLocaleFactory(code="ML3", department_id="75")

    def load(*lines):
        text = "\n".join([HEADER, *lines])
        return indicator_results_load(path_or_file=io.BytesIO(text.encode()), filename="f.csv", year=2024,
                                      wet_run=True)  # fmt: skip

    load("ml,ML1,2024,1,total,100", "ml,ML2,2024,1,total,50", "ml,ML3,2024,1,total,20",
         "departement,13,2024,1,total,150", "departement,75,2024,1,total,20", "region,93,2024,1,total,150",
         "region,11,2024,1,total,20", "national,FR,2024,1,total,170")  # fmt: skip
    report = load("ml,ML2,2024,1,total,80")
    assert report.saved
    current = {(v.level, v.code): v.value for v in IndicatorDataset.objects.get(is_current=True).values.filter(
        indicator="1", breakdown="total")}  # fmt: skip
    assert current[("departement", "13")] == 180
    assert current[("region", "93")] == 180
    assert current[("national", "FR")] == 200
    assert current[("departement", "75")] == 20 and current[("region", "11")] == 20


def test_recomputed_levels_match_the_engine_on_a_synthetic_export(tmp_path):
    """From the Missions Locales' published rows alone, every upper figure of the engine is found again,
    but the mean durations 5 and 7 (their counts are not published)."""
    from pilotage.indicators.engine import compute
    from pilotage.indicators.engine.export import load_export
    from pilotage.indicators.engine.synthetic import generate_export
    from pilotage.reference.territories import read_territories

    generate_export(tmp_path / "x", young_people=1500, missions_locales=6)
    export = load_export(tmp_path / "x")
    compute.compute(export.connection, 2024)
    engine = {(n, c, i, v): (None if value is None else Decimal(str(value)).quantize(Decimal("1e-10")))
              for n, c, _, i, v, value in compute.results(export.connection, 2024)}  # fmt: skip
    ml_department = dict(export.connection.execute("SELECT code_ml, departement FROM stg_structures").fetchall())
    region_of = {d["code"]: d["region"] for d in read_territories()[1]}
    ml_only = {key: value for key, value in engine.items() if key[0] == "ml"}
    rebuilt = recompute_upper_levels(ml_only, ml_only, ml_department=ml_department, region_of=region_of)
    uppers = [key for key in engine if key[0] != "ml"]
    assert uppers and set(uppers) == {key for key in rebuilt if key[0] != "ml"}
    compared = [key for key in uppers if key[2] not in ("5", "7") and engine[key] is not None]
    differ = [(key, engine[key], rebuilt[key]) for key in compared if abs(engine[key] - rebuilt[key]) > Decimal("1e-9")]
    assert differ == []
    assert [key for key in uppers if key[2] not in ("5", "7") and (engine[key] is None) != (rebuilt[key] is None)] == []
    assert all(rebuilt[key] is None for key in uppers if key[2] in ("5", "7"))
