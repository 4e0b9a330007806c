import io

import pytest

from pilotage.indicators.models import IndicatorDataset, IndicatorValue
from pilotage.indicators.services import indicator_results_load
from tests.factories import MissionLocaleFactory, UserFactory

pytestmark = pytest.mark.django_db
HEADER = "niveau,code,annee,indicateur,ventilation,valeur"


def load(text, year=2024, wet=True, user=None):
    return indicator_results_load(path_or_file=io.BytesIO(text.encode()), filename="indicateurs.csv", year=year,
                                  acting_user=user, wet_run=wet)  # fmt: skip


@pytest.fixture
def mls(db):
    return MissionLocaleFactory(code="ML1", department_id="13"), MissionLocaleFactory(code="ML2", department_id="83")


def test_a_computed_file_is_loaded_as_a_version(mls):
    user = UserFactory()
    report = load("\n".join([HEADER, "ml,ML1,2024,1,total,120", "ml,ML1,2024,R5,femmes,0.4321", "ml,ML1,2024,9,total,",
                             "national,FR,2024,1,total,500"]), user=user)  # fmt: skip
    # ML1's department and region, absent from the file, are recomputed from it; the nation is kept as sent
    assert report.saved and report.created == 4
    dataset = IndicatorDataset.objects.get()
    assert dataset.is_current and dataset.loaded_by == user
    assert dataset.values.filter(level="ml").count() == 3
    assert dataset.values.get(level="departement", code="13", indicator="1", breakdown="total").value == 120
    assert dataset.values.get(level="national", indicator="1").value == 500
    assert str(IndicatorValue.objects.get(level="ml", indicator="R5").value) == "0.4321000000"
    assert IndicatorValue.objects.get(level="ml", indicator="9").value is None


def test_reloading_the_same_file_makes_no_new_version(mls):
    text = "\n".join([HEADER, "ml,ML1,2024,1,total,120"])
    load(text)
    report = load(text)
    assert report.unchanged == 1 and IndicatorDataset.objects.count() == 1


def test_aggregates_of_one_mission_locale_keep_the_others_and_the_history(mls):
    load("\n".join([HEADER, "ml,ML1,2024,1,total,120", "ml,ML2,2024,1,total,80"]))
    load("\n".join([HEADER, "ml,ML2,2024,1,total,85"]))
    assert IndicatorDataset.objects.count() == 2
    current = IndicatorDataset.objects.get(is_current=True)
    assert {(v.code, int(v.value)) for v in current.values.filter(level="ml")} == {("ML1", 120), ("ML2", 85)}
    old = IndicatorDataset.objects.get(is_current=False)
    assert {(v.code, int(v.value)) for v in old.values.filter(level="ml")} == {("ML1", 120), ("ML2", 80)}
    assert current.values.get(level="national", indicator="1", breakdown="total").value == 205


def test_bad_rows_refuse_the_whole_file(mls):
    report = load("\n".join([
        HEADER,
        "ml,ML1,2024,1,total,120",
        "ml,ML9,2024,1,total,1",
        "commune,X,2024,1,total,1",
        "ml,ML1,2023,1,total,1",
        "ml,ML1,2024,R1,femmes,0.1",
        "ml,ML1,2024,42,total,1",
        "ml,ML2,2024,1,total,12%",
        "ml,ML1,2024,1,total,121",
    ]))  # fmt: skip
    found = {(i.line, i.column) for i in report.errors}
    assert found == {(3, "code"), (4, "niveau"), (5, "annee"), (6, "ventilation"), (7, "indicateur"),
                     (8, "valeur"), (9, "indicateur")}  # fmt: skip
    assert not IndicatorDataset.objects.exists()
    assert "valeur en double (déjà ligne 2)" in str(report.errors[-1])
