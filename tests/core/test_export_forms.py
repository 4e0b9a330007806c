"""Exports for people and for machines (issue 14, ADR 0022): one declaration of columns, two forms.

The oracle of a cell is written here from the spec, not from `core/exports.py`: a French CSV number is the
decimal's digits with a comma (`Decimal("1234.5")` → `1234,5`), a percentage carries `%`, a date reads
dd/mm/yyyy; the XLSX holds numbers as numbers (a percent as its fraction), dates as dates; the technical CSV
gives the values as Python writes them (`1234.5`, ISO dates)."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import BadRequest
from django.test import RequestFactory
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from pilotage.core.exports import (
    AMOUNT,
    DATE,
    INTEGER,
    NUMBER,
    PERCENT,
    SHARE,
    YEAR,
    YES_NO,
    Column,
    export_response,
)
from tests.core.exporting import (
    assert_sheet_for_people,
    read_machine_csv,
    read_people_csv,
    workbook_sheet,
)

STATUS = {"signee": "Signée", "brouillon": "En préparation"}
COLUMNS = (
    Column("code_ml", "Code Mission Locale", "code"),
    Column("mission_locale", "Mission Locale", "name", machines=False),
    Column("etat", "État", "status", label=STATUS),
    Column("annee", "Année", "year", YEAR),
    Column("jeunes", "Jeunes accompagnés", "count", INTEGER),
    Column("montant", "Montant (€)", "amount", AMOUNT),
    Column("etp", "ETP", "etp", NUMBER),
    Column("pct_base", "Part de la base", "pct", PERCENT),
    Column("taux", "Taux", "share", SHARE),
    Column("signee_le", "Signée le", "signed", DATE),
    Column("actif", "Active", "active", label=YES_NO),
    Column("valeur", "Valeur", "value", lambda item: item["unit"]),
)
ITEMS = [
    {"code": "13201S00", "name": "Mission Locale de Marseille", "status": "signee", "year": 2024, "count": 12345,
     "amount": Decimal("1234567.89"), "etp": 12.5, "pct": Decimal("45.3"), "share": 0.0031,
     "signed": date(2024, 3, 1), "active": 1, "value": Decimal("0.25"), "unit": SHARE},
    {"code": "83001S00", "name": "=HYPERLINK(\"x\")", "status": "brouillon", "year": 2023, "count": 0,
     "amount": Decimal("-5.00"), "etp": None, "pct": None, "share": None, "signed": None, "active": 0,
     "value": "secret statistique", "unit": INTEGER},
]  # fmt: skip


def export(fmt, form=None, columns=COLUMNS, items=ITEMS):
    request = RequestFactory().get("/export", {"format": form} if form else {})
    return export_response(request, columns=columns, items=items, filename="essai", fmt=fmt, title="Essai d'export")


def test_people_xlsx_has_french_headers_labels_and_typed_cells():
    sheet = workbook_sheet(export("xlsx"))
    headers = assert_sheet_for_people(sheet, 12)
    assert headers == ["Code Mission Locale", "Mission Locale", "État", "Année", "Jeunes accompagnés", "Montant (€)",
                       "ETP", "Part de la base", "Taux", "Signée le", "Active", "Valeur"]  # fmt: skip
    assert sheet.title == "Essai d'export"
    first, second = (list(row) for row in sheet.iter_rows(min_row=2))
    values = [cell.value for cell in first]
    assert values[:5] == ["13201S00", "Mission Locale de Marseille", "Signée", 2024, 12345]
    assert values[5] == pytest.approx(1234567.89) and values[6] == 12.5
    assert values[7] == pytest.approx(0.453) and values[8] == pytest.approx(0.0031)  # percentages as fractions
    assert values[9] == datetime(2024, 3, 1) and values[10] == "Oui" and values[11] == 0.25
    formats = {cell.column_letter: cell.number_format for cell in first}
    assert formats["D"] == "0" and formats["E"] == "#,##0"
    assert "€" in formats["F"] and ".00" in formats["F"]
    assert "%" in formats["H"] and "%" in formats["I"] and "%" in formats["L"]
    assert formats["J"] == "dd/mm/yyyy"
    assert all(isinstance(v, int | float) and not isinstance(v, bool) for v in values[3:9])
    assert [cell.value for cell in second][1:3] == ['=HYPERLINK("x")', "En préparation"]
    assert second[1].data_type == "s"  # a name typed like a formula stays a text
    assert second[5].value == -5 and second[6].value is None and second[10].value == "Non"
    assert second[11].value == "secret statistique" and second[11].data_type == "s"


def test_people_csv_is_the_french_dialect():
    rows = read_people_csv(export("csv"))
    assert rows[0][0] == "Code Mission Locale" and rows[0][5] == "Montant (€)"
    assert rows[1] == ["13201S00", "Mission Locale de Marseille", "Signée", "2024", "12345", "1234567,89", "12,5",
                       "45,3%", "0,31%", "01/03/2024", "Oui", "25%"]  # fmt: skip
    assert rows[2] == ["83001S00", "'=HYPERLINK(\"x\")", "En préparation", "2023", "0", "-5,00", "", "", "", "",
                       "Non", "secret statistique"]  # fmt: skip


def test_machine_form_keeps_codes_decimal_points_and_iso_dates():
    response = export("csv", "technique")
    assert response["Content-Disposition"] == 'attachment; filename="essai_technique.csv"'
    rows = read_machine_csv(response)
    assert rows[0] == ["code_ml", "etat", "annee", "jeunes", "montant", "etp", "pct_base", "taux", "signee_le",
                       "actif", "valeur"]  # fmt: skip
    assert rows[1] == ["13201S00", "signee", "2024", "12345", "1234567.89", "12.5", "45.3", "0.0031", "2024-03-01",
                       "1", "0.25"]  # fmt: skip
    sheet = workbook_sheet(export("xlsx", "technique"))
    assert [cell.value for cell in sheet[1]][:3] == ["code_ml", "etat", "annee"]
    assert [cell.value for cell in sheet[2]][6] == pytest.approx(45.3)  # a percent as the number it is


def test_an_unknown_form_is_a_french_400():
    with pytest.raises(BadRequest, match="Format d'export « tableur » inconnu"):
        export("csv", "tableur")


def test_an_empty_export_still_has_its_header_filter_and_frozen_row():
    sheet = workbook_sheet(export("xlsx", items=[]))
    assert assert_sheet_for_people(sheet, 12)[0] == "Code Mission Locale" and sheet.max_row == 1
    assert read_people_csv(export("csv", items=[])) == [[c.header for c in COLUMNS]]


TEXTS = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30)
NUMBERS = st.one_of(
    st.integers(-(10**12), 10**12),
    st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False),
    st.floats(min_value=-1e9, max_value=1e9, allow_nan=False).filter(lambda f: f == 0 or abs(f) > 1e-9),
)
GENERATED = (
    Column("texte", "Texte", "text"),
    Column("nombre", "Nombre", "number", NUMBER),
    Column("montant", "Montant", "number", AMOUNT),
    Column("pct", "Pourcentage", "number", PERCENT),
    Column("jour", "Jour", "day", DATE),
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.fixed_dictionaries({"text": TEXTS, "number": NUMBERS, "day": st.dates(date(1900, 3, 1), date(2100, 1, 1))}),
        max_size=5,
    )
)
@example([{"text": "a\r\nb\r", "number": Decimal("-0.01"), "day": date(2024, 2, 29)},
          {"text": "\r=1+1", "number": 10**12, "day": date(1900, 3, 1)},
          {"text": " \x00 ", "number": 1e-09, "day": date(2100, 1, 1)}])  # fmt: skip
def test_generated_values_come_back_from_each_form(items):
    """Any text comes back as itself (behind an apostrophe in CSV when it starts like a formula), any number as
    the same number, any date as the same date — in each form."""
    from pilotage.core.exports import is_formula_like

    people = read_people_csv(export("csv", columns=GENERATED, items=items))[1:]
    machines = read_machine_csv(export("csv", "technique", columns=GENERATED, items=items))[1:]
    sheet = workbook_sheet(export("xlsx", columns=GENERATED, items=items))
    cells = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert len(people) == len(machines) == len(cells) == len(items)
    for item, french, plain, cell in zip(items, people, machines, cells, strict=True):
        text, number, day = item["text"], Decimal(str(item["number"])), item["day"]
        written = "'" + text if is_formula_like(text) else text
        # the csv module reads "\r" inside a quoted cell back as it was; empty texts stay empty
        assert french[0] == written and plain[0] == written
        assert Decimal(french[1].replace(",", ".")) == number
        assert Decimal(french[3].removesuffix("%").replace(",", ".")) == number
        assert Decimal(plain[1]) == number and Decimal(plain[3]) == number
        assert french[4] == day.strftime("%d/%m/%Y") and plain[4] == day.isoformat()
        assert cell[0] == (ILLEGAL_CHARACTERS_RE.sub("\ufffd", text) or None)  # XLSX cannot hold NUL & co
        assert cell[1] == pytest.approx(float(number)) and cell[2] == pytest.approx(float(number))
        assert cell[3] == pytest.approx(float(number) / 100)
        assert cell[4] == datetime(day.year, day.month, day.day)
