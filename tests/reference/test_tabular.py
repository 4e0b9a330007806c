from decimal import Decimal

import pytest

from pilotage.core.tabular import (
    Column,
    ImportIssue,
    ImportReport,
    parse_amount,
    parse_bool,
    parse_date,
    parse_year,
    read_rows,
)

NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.mark.parametrize(
    "text,expected",
    [
        ("1 234,56", "1234.56"),
        ("1234.56", "1234.56"),
        ("1 234 €", "1234"),
        ("1.234,56", "1234.56"),
        (f"1{NBSP}234{NBSP}567,8", "1234567.8"),
        (f"12{NNBSP}000,00{NNBSP}€", "12000.00"),
        ("1,234.56", "1234.56"),
        ("1.234.567", "1234567"),
        ("0", "0"),
        ("30 800 000", "30800000"),
        ("  42,5 EUR ", "42.5"),
    ],
)
def test_parse_amount_reads_french_amounts(text, expected):
    amount = parse_amount(text)
    assert isinstance(amount, Decimal) and amount == Decimal(expected)


@pytest.mark.parametrize(
    "text,reason",
    [
        ("", "vide"),
        ("-12", "négatif"),
        ("douze", "illisible"),
        ("1,2,3", "plusieurs virgules"),
        ("12,345", None),  # accepted? no: three decimals are not centimes
        ("1.23.4", "illisible"),
    ],
)
def test_parse_amount_refuses_with_a_reason(text, reason):
    with pytest.raises(ValueError) as error:
        parse_amount(text)
    if reason:
        assert reason in str(error.value)


def test_small_parsers():
    assert parse_year("2024") == 2024
    with pytest.raises(ValueError, match="plage"):
        parse_year("1999")
    assert parse_bool("oui") is True and parse_bool("0") is False
    with pytest.raises(ValueError):
        parse_bool("peut-être")
    assert parse_date("29/02/2024").isoformat() == "2024-02-29"
    with pytest.raises(ValueError, match="AAAA-MM-JJ"):
        parse_date("2023-02-29")


COLUMNS = [Column("code"), Column("nom"), Column("note", required=False)]


def test_semicolon_comma_bom_and_cp1252_are_read():
    for raw in [
        "code;nom\nA;Élise\n".encode(),
        "code,nom\nA,Élise\n".encode(),
        "\ufeffcode;nom\r\nA;Élise\r\n".encode(),
        "code;nom\nA;Élise\n".encode("cp1252"),
    ]:
        report = ImportReport("f.csv")
        rows = read_rows(raw, "f.csv", COLUMNS, report)
        assert report.ok and [(r.line, r["code"], r["nom"]) for r in rows] == [(2, "A", "Élise")]


def test_header_problems_are_named():
    report = ImportReport("f.csv")
    assert read_rows(b"code;nome\nA;B\n", "f.csv", COLUMNS, report) == []
    messages = [str(issue) for issue in report.issues]
    assert "f.csv, ligne 1, colonne « nome » : colonne inconnue" in messages[0]
    assert "f.csv, ligne 1, colonne « nom » : colonne obligatoire absente." in messages[1]


def test_issue_is_said_in_french():
    issue = ImportIssue("ml.csv", 12, "siret", "123", "le SIRET doit comporter 14 chiffres.")
    assert str(issue) == "ml.csv, ligne 12, colonne « siret », valeur « 123 » : le SIRET doit comporter 14 chiffres."


def test_blank_lines_skipped_and_line_numbers_kept():
    report = ImportReport("f.csv")
    rows = read_rows(b"code;nom\n\nA;B\n;\nC;D\n", "f.csv", COLUMNS, report)
    assert [r.line for r in rows] == [3, 5]
