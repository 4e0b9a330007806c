"""Every export of the product read back as its readers would (issue 14, point 2; ADR 0022).

People: the XLSX has French headers, the names beside the codes, labels instead of codes, typed cells (numbers
are numbers, dates are dates), a frozen header and filters; the CSV is the French dialect (`;`, decimal comma,
UTF-8 with BOM). Machines (`?format=technique`): the technical names and codes, `,`, decimal point, no BOM.
Who sees what is unchanged: the exports still start from `visible_to`."""

import csv
import io
import re
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pilotage.accounts.models import Role
from pilotage.funding.models import FundingLine
from pilotage.funding.services import funding_lines_import
from pilotage.indicators.services import indicator_results_load
from tests.core.exporting import (
    as_dicts,
    assert_sheet_for_people,
    body,
    read_machine_csv,
    read_people_csv,
    workbook_sheet,
    xlsx_cells,
)
from tests.factories import MissionLocaleFactory, state_funder, user_for_role
from tests.network import user_of

pytestmark = pytest.mark.django_db

TECHNICAL = re.compile(r"[a-z0-9_]+")


@pytest.fixture
def lines(network):
    """Funding lines of the 13, the 83 and the 69: a council's, the State's, France Travail's (no code)."""
    objects = {}
    for key, ml, funder, funder_type, code, category, theme, amount in (
        ("cd13", "ml13", network["cd13"], "departement", "13", "thematique", "faj", "12500.50"),
        ("state13", "ml13", state_funder(), "etat", "", "fonctionnement", "", "350000"),
        ("ft13", "ml13", network["france_travail"], "france_travail", "", "autre", "", "0.99"),
        ("cd83", "ml83", network["cd83"], "departement", "83", "fonctionnement", "", "1000"),
        ("state69", "ml69", state_funder(), "etat", "", "fonctionnement", "", "2000"),
    ):
        objects[key] = FundingLine.objects.create(
            mission_locale=network[ml], year=2024, funder_type=funder_type, funder_code=code, funder=funder,
            category=category, theme=theme, amount=Decimal(amount))  # fmt: skip
    return objects


LINE_HEADERS = ["Code Mission Locale", "Mission Locale", "Département", "Année", "Type de financeur",
                "Code du financeur", "Financeur", "Catégorie", "Thème", "Montant (€)"]  # fmt: skip


def test_funding_lines_xlsx_for_people(client, network, lines):
    client.force_login(user_for_role(Role.NATIONAL_ADMIN))
    response = client.get(reverse("funding:line_export", args=["xlsx"]), {"annee": 2024})
    sheet = workbook_sheet(response)
    assert sheet.title == "Lignes de financement"
    assert assert_sheet_for_people(sheet, len(LINE_HEADERS)) == LINE_HEADERS
    rows = {(r[0].value, r[4].value): r for r in sheet.iter_rows(min_row=2)}
    assert len(rows) == 5
    council = rows[("ML13S00", "Conseil départemental")]
    assert [c.value for c in council[:3]] == ["ML13S00", "Mission Locale Treize", "Bouches-du-Rhône"]
    assert council[3].value == 2024 and council[3].data_type == "n"
    assert [c.value for c in council[5:9]] == ["13", network["cd13"].name, "Thématique", "faj"]
    assert council[9].value == 12500.5 and isinstance(council[9].value, float)
    assert "€" in council[9].number_format and "#,##0.00" in council[9].number_format
    travail = rows[("ML13S00", "France Travail")]
    assert travail[6].value == "France Travail" and travail[7].value == "Autre" and travail[9].value == 0.99
    assert rows[("ML69S00", "État")][6].value == "État"


def test_funding_lines_csv_for_people_is_french_and_streamed(client, network, lines):
    client.force_login(user_for_role(Role.NATIONAL_ADMIN))
    response = client.get(reverse("funding:line_export", args=["csv"]))
    assert response.streaming
    rows = as_dicts(read_people_csv(response))
    assert list(rows[0]) == LINE_HEADERS
    council = next(r for r in rows if r["Type de financeur"] == "Conseil départemental" and r["Département"] ==
                   "Bouches-du-Rhône")  # fmt: skip
    assert council["Montant (€)"] == "12500,50" and council["Catégorie"] == "Thématique"
    assert council["Financeur"] == network["cd13"].name and council["Mission Locale"] == "Mission Locale Treize"
    assert {r["Montant (€)"] for r in rows} == {"12500,50", "350000,00", "0,99", "1000,00", "2000,00"}


def test_funding_lines_for_machines_are_the_import_format_and_import_back_unchanged(client, network, lines):
    admin = user_for_role(Role.NATIONAL_ADMIN)
    client.force_login(admin)
    response = client.get(reverse("funding:line_export", args=["csv"]), {"format": "technique"})
    assert response["Content-Disposition"] == 'attachment; filename="lignes_financement_technique.csv"'
    raw = body(response)
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
    assert rows[0] == ["code_ml", "annee", "financeur_type", "financeur_code", "categorie", "theme", "montant"]
    assert ["ML13S00", "2024", "departement", "13", "thematique", "faj", "12500.50"] in rows
    assert ["ML13S00", "2024", "france_travail", "", "autre", "", "0.99"] in rows
    report = funding_lines_import(path_or_file=io.BytesIO(raw), filename="lignes.csv", acting_user=admin,
                                  wet_run=True)  # fmt: skip
    assert report.saved and report.unchanged == 5 and report.created == report.updated == 0, report.issues[:3]
    sheet = workbook_sheet(client.get(reverse("funding:line_export", args=["xlsx"]), {"format": "technique"}))
    assert [c.value for c in sheet[1]] == rows[0]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:G6"


@pytest.mark.parametrize("role", list(Role))
def test_funding_lines_export_still_follows_the_territory(client, network, lines, role):
    """Each form lists the lines `visible_to` gives the role, no more (the same rows in both forms)."""
    user = user_of(role, network)
    client.force_login(user)
    expected = sorted((line.mission_locale.code, line.funder_type) for line in FundingLine.objects.visible_to(user))
    people = as_dicts(read_people_csv(client.get(reverse("funding:line_export", args=["csv"]))))
    machines = as_dicts(read_machine_csv(client.get(reverse("funding:line_export", args=["csv"]),
                                                    {"format": "technique"})))  # fmt: skip
    cells = xlsx_cells(client.get(reverse("funding:line_export", args=["xlsx"])))
    assert sorted((r["code_ml"], r["financeur_type"]) for r in machines) == expected
    assert len(people) == len(cells) - 1 == len(expected)
    assert len(expected) < len(lines) or role in (Role.NATIONAL_ADMIN, Role.NATIONAL_OBSERVER)


def test_funding_lines_export_makes_the_same_queries_for_2_or_40_lines(client, network):
    client.force_login(user_for_role(Role.NATIONAL_ADMIN))

    def queries():
        counts = []
        for fmt in ("csv", "xlsx"):
            with CaptureQueriesContext(connection) as captured:
                body(client.get(reverse("funding:line_export", args=[fmt])))
            counts.append(len(captured))
        return counts

    for year in (2020, 2021):
        FundingLine.objects.create(mission_locale=network["ml13"], year=year, funder_type="departement",
                                   funder_code="13", funder=network["cd13"], category="fonctionnement",
                                   amount=Decimal(1))  # fmt: skip
    few = queries()
    for year in range(2000, 2020):
        for ml in ("ml13", "ml83"):
            FundingLine.objects.create(mission_locale=network[ml], year=year, funder_type="france_travail",
                                       funder=network["france_travail"], category="autre",
                                       amount=Decimal(2))  # fmt: skip
    assert FundingLine.objects.count() == 42
    assert queries() == few


def test_missions_locales_for_people_and_for_machines(client, network):
    MissionLocaleFactory(code="13999S00", name="Mission Locale Inactive", department_id="13", is_active=False,
                         postcode="01000", legal_form="gip")  # fmt: skip
    client.force_login(user_for_role(Role.NATIONAL_ADMIN))
    url = reverse("reference:mission_locale_export", args=["xlsx"])
    sheet = workbook_sheet(client.get(url))
    headers = assert_sheet_for_people(sheet, 18)
    assert headers[:2] == ["Code Mission Locale", "Nom"] and "Région" in headers and "Active" in headers
    rows = {r["Code Mission Locale"]: r for r in as_dicts([[c.value for c in row] for row in sheet.iter_rows()])}
    inactive = rows["13999S00"]
    assert inactive["Active"] == "Non" and inactive["Forme juridique"] == "Groupement d'intérêt public (GIP)"
    assert inactive["Code postal"] == "01000"  # a code stays a text: its leading zero is kept
    assert (inactive["Code département"], inactive["Département"]) == ("13", "Bouches-du-Rhône")
    assert (inactive["Code région"], inactive["Région"]) == ("93", "Provence-Alpes-Côte d'Azur")
    assert rows["ML13S00"]["Active"] == "Oui"
    people = as_dicts(read_people_csv(client.get(url.replace(".xlsx", ".csv"))))
    assert {r["Code Mission Locale"]: r["Active"] for r in people}["13999S00"] == "Non"
    machines = as_dicts(read_machine_csv(client.get(url.replace(".xlsx", ".csv"), {"format": "technique"})))
    inactive = next(r for r in machines if r["code_ml"] == "13999S00")
    assert (inactive["actif"], inactive["forme_juridique"], inactive["region"]) == ("0", "gip", "93")
    assert "region_nom" not in inactive and "departement_nom" not in inactive


def test_dialogue_campaign_export(client, network):
    from pilotage.dialogue.models import ManagementDialogue
    from pilotage.dialogue.services import campaign_open

    admin = user_for_role(Role.NATIONAL_ADMIN)
    campaign = campaign_open(region=network["region93"], year=2024, acting_user=admin)
    ManagementDialogue.objects.filter(mission_locale=network["ml13"]).update(
        proposed_subsidy=Decimal("412000.50"), concluded_on=date(2024, 6, 30))  # fmt: skip
    client.force_login(admin)
    url = reverse("dialogue:campaign_export", args=[campaign.pk, "xlsx"])
    sheet = workbook_sheet(client.get(url))
    headers = assert_sheet_for_people(sheet, 8)
    rows = {r["Code Mission Locale"]: r for r in as_dicts([[c.value for c in row] for row in sheet.iter_rows()])}
    assert headers[:4] == ["Code Mission Locale", "Mission Locale", "Code département", "Département"]
    ml13 = rows["ML13S00"]
    assert ml13["Mission Locale"] == "Mission Locale Treize" and ml13["Département"] == "Bouches-du-Rhône"
    assert ml13["Subvention proposée (€)"] == 412000.5 and ml13["Conclu le"] == datetime(2024, 6, 30)
    assert ml13["État du dossier"] == "En préparation" and ml13["En retard"] in ("Oui", "Non")
    people = as_dicts(read_people_csv(client.get(url.replace(".xlsx", ".csv"))))
    assert next(r for r in people if r["Code Mission Locale"] == "ML13S00")["Conclu le"] == "30/06/2024"
    assert next(r for r in people if r["Code Mission Locale"] == "ML13S00")["Subvention proposée (€)"] == "412000,50"
    machines = as_dicts(read_machine_csv(client.get(url.replace(".xlsx", ".csv"), {"format": "technique"})))
    ml13 = next(r for r in machines if r["code_ml"] == "ML13S00")
    assert (ml13["etat"], ml13["conclu_le"], ml13["subvention_proposee"]) == ("preparation", "2024-06-30", "412000.50")


def test_indicators_dashboard_export(client, network):
    header = "niveau,code,annee,indicateur,ventilation,valeur"
    text = "\n".join([header, "ml,ML13S00,2024,1,total,1234", "ml,ML13S00,2024,R3,total,0.0125",
                      "national,FR,2024,1,total,500000"])  # fmt: skip
    indicator_results_load(path_or_file=io.BytesIO(text.encode()), filename="i.csv", year=2024, wet_run=True)
    client.force_login(user_for_role(Role.NATIONAL_ADMIN))
    url = reverse("indicators:dashboard_export", args=["ml", "ML13S00", "xlsx"])
    sheet = workbook_sheet(client.get(url, {"annee": 2024}))
    headers = assert_sheet_for_people(sheet, 11)
    assert headers[:7] == ["Année", "Niveau", "Code", "Nom", "Public", "Code indicateur", "Indicateur"]
    rows = {r["Code indicateur"]: r for r in as_dicts([[c.value for c in row] for row in sheet.iter_rows()])}
    assert rows["1"]["Niveau"] == "Mission Locale" and rows["1"]["Nom"] == "Mission Locale Treize"
    assert rows["1"]["Public"] == "Ensemble" and rows["1"]["Valeur"] == 1234 and rows["1"]["France"] == 500000
    assert rows["R3"]["Valeur"] == pytest.approx(0.0125)
    cells = {row[5].value: row for row in sheet.iter_rows(min_row=2)}
    assert "%" in cells["R3"][7].number_format and cells["1"][7].number_format == "#,##0"
    people = as_dicts(read_people_csv(client.get(url.replace(".xlsx", ".csv"), {"annee": 2024})))
    assert {r["Code indicateur"]: r["Valeur"] for r in people}["R3"] == "1,25%"
    machines = as_dicts(read_machine_csv(client.get(url.replace(".xlsx", ".csv"),
                                                    {"annee": 2024, "format": "technique"})))  # fmt: skip
    r3 = next(r for r in machines if r["indicateur"] == "R3")
    assert (r3["niveau"], r3["ventilation"], r3["valeur"]) == ("ml", "total", "0.0125")


def test_funding_analysis_export(client, network, lines):
    client.force_login(user_for_role(Role.NATIONAL_ADMIN))
    params = {"financeur_type": "departement", "debut": 2023, "fin": 2024}
    url = reverse("funding:analysis_export", args=["xlsx"])
    sheet = workbook_sheet(client.get(url, params))
    headers = assert_sheet_for_people(sheet, 7)
    assert headers == ["Type de financeur", "Catégorie", "Indicateur", "Code département", "Département", "Année",
                       "Valeur"]  # fmt: skip
    rows = as_dicts([[c.value for c in row] for row in sheet.iter_rows()])
    total = next(r for r in rows if r["Catégorie"] == "Thématique" and r["Indicateur"] == "Total" and
                 r["Année"] == 2024)  # fmt: skip
    assert total["Valeur"] == 12500.5 and total["Type de financeur"] == "Conseil départemental"
    average = next(r for r in rows if r["Code département"] == "13")
    assert average["Département"] == "Bouches-du-Rhône" and average["Valeur"] == pytest.approx(6250.25)
    machines = as_dicts(read_machine_csv(client.get(url.replace(".xlsx", ".csv"), {**params, "format": "technique"})))
    assert {"categorie", "indicateur", "annee", "valeur"} == set(machines[0])
    assert any(r["indicateur"] == "moyenne_annuelle_departement_13" and r["valeur"] == "6250.25" for r in machines)


def test_animation_follow_up_export(client, network):
    from tests.animation.factories import arml_user, programme_for, regional_council

    regional_council("93")
    programme_for(arml_user("93"), actions=((1, "10000", "5000", "2000"),))
    client.force_login(user_for_role(Role.NATIONAL_ADMIN))
    url = reverse("animation:follow_up_export", args=["xlsx"])
    sheet = workbook_sheet(client.get(url, {"annee": 2026}))
    headers = assert_sheet_for_people(sheet, 10)
    assert headers[:4] == ["Code région", "Région", "Année", "Statut du programme"]
    rows = {r["Code région"]: r for r in as_dicts([[c.value for c in row] for row in sheet.iter_rows()])}
    assert rows["93"]["Statut du programme"] == "En préparation" and rows["93"]["Année"] == 2026
    assert rows["93"]["Financement de l'État (€)"] == 5000
    machines = as_dicts(read_machine_csv(client.get(url.replace(".xlsx", ".csv"),
                                                    {"annee": 2026, "format": "technique"})))  # fmt: skip
    assert next(r for r in machines if r["code_region"] == "93")["statut"] == "draft"


def test_survey_exports(client, network):
    from tests.surveys.factories import make_survey, submitted

    admin = user_for_role(Role.NATIONAL_ADMIN)
    survey = make_survey(admin)
    submitted(survey, [network["ml13"], network["ml83"]], [{"convention": "oui"}, {"convention": "non"}])
    client.force_login(admin)
    url = reverse("surveys:results_export", args=[survey.pk, "xlsx"])
    sheet = workbook_sheet(client.get(url))
    headers = assert_sheet_for_people(sheet, 10)
    assert headers[:3] == ["Section", "Code question", "Question"] and "Part de la base" in headers
    rows = as_dicts([[c.value for c in row] for row in sheet.iter_rows()])
    yes = next(r for r in rows if r["Code question"] == "convention" and r["Réponse"] == "Oui")
    assert yes["Effectif ou valeur"] == 1 and yes["Base (répondants)"] == 2 and yes["Part de la base"] == 0.5
    people = as_dicts(read_people_csv(client.get(url.replace(".xlsx", ".csv"))))
    assert next(r for r in people if r["Code question"] == "convention" and r["Réponse"] == "Oui")[
        "Part de la base"] == "50,0%"  # fmt: skip
    machines = as_dicts(read_machine_csv(client.get(url.replace(".xlsx", ".csv"), {"format": "technique"})))
    assert next(r for r in machines if r["code"] == "convention" and r["reponse"] == "Oui")["pct_base"] == "50.0"


EXPORTS = {
    "lines": lambda ids: reverse("funding:line_export", args=["xlsx"]),
    "missions_locales": lambda ids: reverse("reference:mission_locale_export", args=["xlsx"]),
    "analysis": lambda ids: (
        reverse("funding:analysis_export", args=["xlsx"]) + "?financeur_type=departement&debut=2023&fin=2024"
    ),
    "dashboard": lambda ids: reverse("indicators:dashboard_export", args=["national", "FR", "xlsx"]),
    "dialogue": lambda ids: reverse("dialogue:campaign_export", args=[ids["campaign"], "xlsx"]),
    "results": lambda ids: reverse("surveys:results_export", args=[ids["survey"], "xlsx"]),
    "situations": lambda ids: reverse("surveys:situations_export", args=[ids["survey"], "xlsx"]),
    "animation": lambda ids: reverse("animation:follow_up_export", args=["xlsx"]) + "?annee=2026",
}


@pytest.fixture
def ids(network, lines):
    from pilotage.dialogue.services import campaign_open
    from tests.animation.factories import arml_user, programme_for, regional_council
    from tests.surveys.factories import make_survey, submitted

    admin = user_for_role(Role.NATIONAL_ADMIN)
    survey = make_survey(admin, funding_year=2024)
    submitted(survey, [network["ml13"]], [{"convention": "oui"}])
    regional_council("93")
    programme_for(arml_user("93"))
    text = "niveau,code,annee,indicateur,ventilation,valeur\nnational,FR,2024,1,total,1000"
    indicator_results_load(path_or_file=io.BytesIO(text.encode()), filename="i.csv", year=2024, wet_run=True)
    return {"campaign": campaign_open(region=network["region93"], year=2024, acting_user=admin).pk,
            "survey": survey.pk, "admin": admin}  # fmt: skip


@pytest.mark.parametrize("name", list(EXPORTS))
def test_every_export_has_both_forms(client, ids, name):
    """People: French headers (no technical name among them), frozen header, filters, a typed number; CSV in the
    French dialect. Machines: technical names, the same rows. A bad `?format=` is a French 400."""
    client.force_login(ids["admin"])
    url = EXPORTS[name](ids)
    joiner = "&" if "?" in url else "?"
    sheet = workbook_sheet(client.get(url))
    headers = assert_sheet_for_people(sheet, sheet.max_column)
    assert not any(TECHNICAL.fullmatch(h) for h in headers), headers
    assert sheet.max_row >= 2, name
    numbers = [c.value for row in sheet.iter_rows(min_row=2) for c in row if c.data_type == "n" and c.value is not None]
    assert all(isinstance(v, int | float) for v in numbers)
    assert bool(numbers) == (name not in ("missions_locales", "dialogue")), name  # codes and texts only there
    people = read_people_csv(client.get(url.replace(".xlsx", ".csv")))
    assert people[0] == headers and len(people) == sheet.max_row
    machines = read_machine_csv(client.get(url.replace(".xlsx", ".csv") + joiner + "format=technique"))
    assert all(TECHNICAL.fullmatch(h) for h in machines[0]), machines[0]
    assert len(machines) == len(people)
    technical = workbook_sheet(client.get(url + joiner + "format=technique"))
    assert [c.value for c in technical[1]] == machines[0]
    bad = client.get(url + joiner + "format=tableur")
    assert bad.status_code == 400 and "« tableur » inconnu(e) : valeurs possibles personnes, technique" in (
        bad.content.decode()
    )


def test_export_pages_offer_both_forms_and_say_which_is_which(client, ids, network):
    """Each page with an export links its XLSX, its French CSV and its technical CSV, with the hint; the links
    keep the page's filters."""
    client.force_login(ids["admin"])
    pages = {
        reverse("funding:line_list") + "?annee=2024": reverse("funding:line_export", args=["csv"]) + "?annee=2024",
        reverse("reference:mission_locale_list"): reverse("reference:mission_locale_export", args=["csv"]),
        reverse("reference:department_detail", args=["13"]): reverse("reference:mission_locale_export",
                                                                     args=["csv"]) + "?departement=13",
        reverse("reference:region_detail", args=["93"]): reverse("reference:mission_locale_export",
                                                                 args=["csv"]) + "?region=93",
        reverse("dialogue:campaign", args=[ids["campaign"]]): reverse("dialogue:campaign_export",
                                                                      args=[ids["campaign"], "csv"]),
        reverse("surveys:results", args=[ids["survey"]]): reverse("surveys:results_export",
                                                                  args=[ids["survey"], "csv"]),
        reverse("animation:follow_up") + "?annee=2026": reverse("animation:follow_up_export",
                                                               args=["csv"]) + "?annee=2026",
    }  # fmt: skip
    for page, csv_url in pages.items():
        html = client.get(page).content.decode()
        technical = csv_url + ("&amp;" if "?" in csv_url else "?") + "format=technique"
        assert f'href="{technical}"' in html, (page, technical)
        assert f'href="{csv_url.replace("&", "&amp;")}"' in html, page
        assert "CSV technique" in html and "virgule décimale" in html, page
        assert client.get(technical.replace("&amp;", "&")).status_code == 200, technical
