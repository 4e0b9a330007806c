"""182 synthetic answers built from the 2024 state-of-play: the results page and the exports give back every
percentage the seed publishes, with its base (seed 002)."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from pilotage.core.roles import Role
from pilotage.reference.models import MissionLocale
from pilotage.surveys.synthetic import seed_2024_answers
from tests.factories import user_for_role
from tests.surveys.factories import make_survey, submitted

pytestmark = pytest.mark.django_db

#: (question code, answer label in the results, base, published % of the base, or of all respondents « all »)
PUBLISHED = [
    ("convention", "Oui", 182, 86, "base"),  # « 86 % répondent oui »
    ("convention_duree", "Annuelle", 157, 70, "base"),  # « parmi eux, 70 % … annuelle »
    ("convention_duree", "Pluriannuelle", 157, 20, "base"),  # « 20 % … pluriannuelle »
    ("evolution_subvention", "En baisse", 157, 25, "base"),  # « diminution pour un quart »
    ("autres_conventions", "Fonds d'aide aux jeunes (FAJ)", 182, 11, "base"),  # « environ 11 % … convention FAJ »
    ("autres_conventions", "ASE et accompagnement des MNA", 182, 5, "base"),  # « environ 5 % … ASE et MNA »
    ("faj_pluriannuelle", "Oui", 20, 3, "all"),  # « Seulement 3 % indiquent que cette convention est pluriannuelle »
    ("fluidite_techniciens", "Plutôt bonne", 182, 60, "base"),  # « environ 60 % … plutôt bonnes »
    ("fluidite_techniciens", "Très bonne", 182, 22, "base"),  # « environ 22 % … très bonnes »
    ("freq_ase_mna", "Jamais", 182, 15, "base"),  # « environ 15 % répondent jamais »
    ("freq_faj", "Chaque mois", 182, 7, "base"),  # « 7 % … mensuellement »
    ("freq_sante", "Jamais", 182, 40, "base"),  # « 40 % … santé »
    ("freq_handicap", "Jamais", 182, 49, "base"),  # « 49 % … Mon parcours handicap »
    ("freq_obligation_formation", "Jamais", 182, 41, "base"),  # « 41 % … obligation de formation »
    ("freq_indicateurs", "Chaque semaine", 182, 2, "base"),  # « 2 % … hebdomadaire »
    ("freq_indicateurs", "Une fois par an", 182, 60, "base"),  # « 60 % … annuellement »
    ("freq_donnees_individuelles", "Chaque mois", 182, 45, "base"),  # « environ 45 % … mensuellement »
    ("freq_donnees_individuelles", "Chaque semaine", 182, 10, "base"),  # « 10 % … hebdomadaire »
    ("outils_partages", "Non", 182, 67, "base"),  # « 67 % … ne pas bénéficier d'outils »
    ("outils_fonctionnent", "Oui", 60, 60, "base"),  # « Parmi les 60 … 60 % … fonctionnent correctement »
    ("outils_formation", "Bien ou plutôt bien formées", 60, 60, "base"),  # « 60 % … plutôt bien ou bien formés »
    ("evenements_frequence", "Chaque mois", 95, 12, "base"),  # « Parmi les 95 … environ 12 % … mensuellement »
    ("evenements_frequence", "Une fois par an", 95, 40, "base"),  # « 40 % … annuellement »
]


@pytest.fixture
def seed_survey(db):
    admin = user_for_role(Role.NATIONAL_ADMIN)
    survey = make_survey(admin, title="État des lieux 2024")
    mls = MissionLocale.objects.bulk_create(
        MissionLocale(code=f"S{i:05d}S00", name=f"Mission Locale {i}", department_id="13", siret=f"{i:014d}")
        for i in range(182)
    )
    submitted(survey, mls, seed_2024_answers())
    return survey, admin


def rounded(value) -> int:
    return int(Decimal(str(value)).quantize(Decimal("1"), rounding="ROUND_HALF_UP"))


def test_every_question_of_the_template_is_answered_and_every_published_figure_has_a_question(seed_survey):
    survey, _ = seed_survey
    codes = set(survey.questionnaire.questions().values_list("code", flat=True))
    assert {code for code, *_ in PUBLISHED} <= codes
    answered = {code for answers in seed_2024_answers() for code in answers}
    assert answered == codes


def test_the_results_page_states_each_base_and_reproduces_the_published_percentages(client, seed_survey):
    survey, admin = seed_survey
    client.force_login(admin)
    page = client.get(reverse("surveys:results", args=[survey.pk]))
    assert page.status_code == 200
    assert "<strong>182</strong> répondants" in page.content.decode()
    items = {item.question.code: item for _, section in page.context["sections"] for item in section}
    for code, label, base, published, over in PUBLISHED:
        item = items[code]
        assert item.base == base, code
        row = next(r for r in item.rows + item.groups if r.label == label)
        shown = row.pct if over == "base" else row.pct_all
        assert rounded(shown) == published, (code, label, shown)
    html = page.content.decode()
    assert "Base : <strong>95</strong> répondants à cette question" in html  # « parmi les 95 … »
    assert "Base : <strong>60</strong> répondants à cette question" in html  # « parmi les 60 … »
    assert '<td class="pilotage-number">86\u202f%</td>' in html


def _export_rows(content: bytes, fmt: str) -> list[dict]:
    """The technical export (`?format=technique`): codes as headers, `,`-separated CSV."""
    if fmt == "csv":
        return list(csv.DictReader(io.StringIO(content.decode("utf-8")), delimiter=","))
    sheet = load_workbook(io.BytesIO(content)).active
    values = list(sheet.values)
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_exports_reproduce_the_published_percentages(client, seed_survey, fmt):
    survey, admin = seed_survey
    client.force_login(admin)
    response = client.get(reverse("surveys:results_export", args=[survey.pk, fmt]), {"format": "technique"})
    assert response.status_code == 200
    rows = _export_rows(response.content, fmt)
    for code, label, base, published, over in PUBLISHED:
        row = next(r for r in rows if r["code"] == code and r["reponse"] == label)
        assert int(row["base"]) == base, code
        value = row["pct_base"] if over == "base" else row["pct_ensemble_repondants"]
        assert rounded(value) == published, (code, label, value)
    texts = [r["reponse"] for r in rows if r["code"] == "commentaire"]
    assert any("interlocuteur unique" in t for t in texts)  # free-text answers are listed


def test_a_council_reads_the_published_results_with_small_counts_masked(client, seed_survey):
    survey, _ = seed_survey
    survey.status, survey.results_published = "closed", True
    survey.save()
    client.force_login(user_for_role(Role.DEPARTMENTAL_COUNCIL))
    page = client.get(reverse("surveys:results", args=[survey.pk]))
    items = {item.question.code: item for _, section in page.context["sections"] for item in section}
    weekly = next(r for r in items["freq_indicateurs"].rows if r.label == "Chaque semaine")
    assert weekly.count == "masked" and weekly.pct is None  # 4 respondents
    assert next(r for r in items["convention"].rows if r.label == "Oui").count == 157
    assert items["faj_pluriannuelle"].base == 20
    assert all(r.count == "masked" for r in items["faj_pluriannuelle"].rows)  # 5 and 15: one hidden hides the other
    export = client.get(reverse("surveys:results_export", args=[survey.pk, "csv"])).content.decode("utf-8-sig")
    assert "Chaque semaine;masqué" in export
