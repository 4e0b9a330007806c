"""Reading CSV/XLSX files as French users produce them, and the French parsers (no database)."""

import io
import zipfile
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import Workbook

from pilotage.core.tabular import (
    Column,
    ImportIssue,
    ImportRejected,
    ImportReport,
    normalise_header,
    parse_amount,
    parse_bool,
    parse_date,
    parse_int,
    parse_year,
    read_rows,
)

NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.mark.parametrize(
    "text,expected",
    [
        ("0", "0"),
        ("1234", "1234"),
        ("1 234,56", "1234.56"),
        ("1234,5", "1234.5"),
        ("1234.56", "1234.56"),
        ("0.5", "0.5"),
        ("1 234 €", "1234"),
        ("1.234,56", "1234.56"),
        ("1.234.567", "1234567"),
        ("1.234.567,89", "1234567.89"),
        ("1,234.56", "1234.56"),  # English: unambiguous because the comma groups by three before the dot
        (f"1{NBSP}234{NBSP}567,8", "1234567.8"),  # no-break spaces, as LibreOffice and Excel write them
        (f"12{NNBSP}000,00{NNBSP}€", "12000.00"),  # narrow no-break spaces (French typography)
        ("30 800 000", "30800000"),
        ("  42,5 EUR ", "42.5"),
        ("42,50 euros", "42.50"),
        ("€ 7", "7"),
    ],
)
def test_parse_amount_reads_french_amounts(text, expected):
    amount = parse_amount(text)
    assert isinstance(amount, Decimal)
    assert amount == Decimal(expected)
    assert str(amount) == expected, "the written precision is kept (Decimal, never float)"


@pytest.mark.parametrize(
    "text,reason",
    [
        ("", "montant vide."),
        (None, "montant vide."),
        (" € ", "montant vide."),
        ("-12", "un montant ne peut pas être négatif."),
        ("\u221212", "un montant ne peut pas être négatif."),  # the typographic minus sign
        ("douze", "montant illisible"),
        ("1,2,3", "plusieurs virgules"),
        ("12,345", "au plus deux décimales"),  # three decimals: thousands written with a comma?
        ("1234.567", "au plus deux décimales"),
        ("1.234", "montant ambigu"),  # 1 234 € in French, 1.234 in English: refused, never guessed
        ("1.2,5", "montant illisible"),  # a thousands separator groups by three
        ("1,5.3", "montant illisible"),
        ("1.23.4", "montant illisible"),
        ("12e3", "montant illisible"),
        ("+12", "montant illisible"),
    ],
)
def test_parse_amount_refuses_with_a_french_reason(text, reason):
    with pytest.raises(ValueError) as error:
        parse_amount(text)
    assert reason in str(error.value)


def test_parse_int_and_year():
    assert parse_int("1 234") == 1234 and parse_int(f"-5{NBSP}000") == -5000
    with pytest.raises(ValueError, match="nombre entier attendu"):
        parse_int("12,5")
    assert parse_year("2024") == 2024
    assert parse_year("2015", minimum=2015, maximum=2018) == 2015
    with pytest.raises(ValueError, match="année hors de la plage 2015–2018"):
        parse_year("2019", minimum=2015, maximum=2018)
    with pytest.raises(ValueError, match="année attendue sur quatre chiffres"):
        parse_year("deux mille")


@pytest.mark.parametrize("text", ["1", "oui", "OUI", "o", "vrai", "true", "True", "yes"])
def test_parse_bool_true(text):
    assert parse_bool(text) is True


@pytest.mark.parametrize("text", ["0", "non", "N", "faux", "false", "no"])
def test_parse_bool_false(text):
    assert parse_bool(text) is False


def test_parse_bool_refuses():
    with pytest.raises(ValueError, match="attendu 0 ou 1"):
        parse_bool("peut-être")


def test_parse_date():
    assert parse_date("2024-02-29") == date(2024, 2, 29)
    assert parse_date("29/02/2024") == date(2024, 2, 29)
    assert parse_date("5/1/2024") == date(2024, 1, 5)
    for text in ["2023-02-29", "31/04/2024", "2024/01/05", "05-01-2024", ""]:
        with pytest.raises(ValueError, match="attendu AAAA-MM-JJ ou JJ/MM/AAAA"):
            parse_date(text)


COLUMNS = [Column("code"), Column("nom"), Column("code_postal", required=False)]


def read(raw: bytes, filename="f.csv", columns=COLUMNS):
    report = ImportReport(filename)
    rows = read_rows(raw, filename, columns, report)
    return rows, report


@pytest.mark.parametrize(
    "raw",
    [
        "code;nom\nA;Élise l’Aînée\n".encode(),  # UTF-8, semicolon
        "code,nom\nA,Élise l’Aînée\n".encode(),  # UTF-8, comma
        "\ufeffcode;nom\r\nA;Élise l’Aînée\r\n".encode(),  # UTF-8 with BOM, Windows line ends
        "code;nom\r\nA;Élise l’Aînée\r\n".encode("cp1252"),  # Windows-1252: é is 0xE9, ’ is 0x92
        "code\tnom\r\nA\tÉlise l’Aînée\r\n".encode("utf-16"),  # Excel's « Texte Unicode »
        'code;nom\n"A";"Élise l’Aînée"\n'.encode(),
    ],
    ids=["utf8-semicolon", "utf8-comma", "utf8-bom", "cp1252", "utf16-tab", "quoted"],
)
def test_encodings_and_separators(raw):
    rows, report = read(raw)
    assert report.ok, [str(issue) for issue in report.issues]
    assert [(r.line, r["code"], r["nom"]) for r in rows] == [(2, "A", "Élise l’Aînée")]


def test_cp1252_byte_is_not_read_as_utf8():
    assert b"\x92" in "l’".encode("cp1252")
    rows, report = read("code;nom\nA;Mission Locale de l’Étang\n".encode("cp1252"))
    assert rows[0]["nom"] == "Mission Locale de l’Étang"


def test_undecodable_byte_is_reported_not_replaced():
    rows, report = read(b"code;nom\nA;B\nC;D\x81\n")
    assert rows == []
    assert [str(issue) for issue in report.errors] == [
        "f.csv, ligne 3 : encodage non reconnu (ni UTF-8 ni Windows-1252) : octet 0x81 ;"
        " enregistrez le fichier au format « CSV UTF-8 »."
    ]


def test_values_are_stripped_and_empty_rows_skipped_keeping_line_numbers():
    rows, report = read(b"code;nom\n\n  A ; B  \n;\n;;\nC;D\n")
    assert report.ok
    assert [(r.line, r["code"], r["nom"]) for r in rows] == [(3, "A", "B"), (6, "C", "D")]


def test_optional_column_absent_is_known_as_absent():
    rows, _ = read(b"code;nom\nA;B\n")
    assert not rows[0].has("code_postal") and rows[0]["code_postal"] == ""
    rows, _ = read(b"code;nom;code_postal\nA;B;\n")
    assert rows[0].has("code_postal") and rows[0]["code_postal"] == ""


def test_header_names_ignore_case_accents_and_spaces():
    assert normalise_header(" Code Postal ") == "code_postal"
    assert normalise_header("Département") == "departement"
    rows, report = read(b"CODE;Nom;Code postal\nA;B;13001\n")
    assert report.ok and rows[0].values == {"code": "A", "nom": "B", "code_postal": "13001"}


def test_header_problems_are_named():
    rows, report = read(b"code;nome;code;note\nA;B;C;D\n")
    assert rows == []
    assert [str(issue) for issue in report.errors] == [
        "f.csv, ligne 1, colonne « nome » : colonne inconnue ; colonnes attendues : code, nom, code_postal.",
        "f.csv, ligne 1, colonne « note » : colonne inconnue ; colonnes attendues : code, nom, code_postal.",
        "f.csv, ligne 1, colonne « code » : colonne en double.",
        "f.csv, ligne 1, colonne « nom » : colonne obligatoire absente.",
    ]


def test_empty_file():
    for raw in [b"", b"\n\n", b";;\n"]:
        rows, report = read(raw)
        assert rows == [] and [i.reason for i in report.errors] == [
            "le fichier est vide ou sa première ligne (l'en-tête) est vide."
        ]


def test_value_beyond_the_header_is_reported():
    rows, report = read(b"code;nom\nA;B;oups\nC;D;\n")
    assert [r.line for r in rows] == [3], "an empty extra cell (trailing separator) is harmless"
    assert [str(issue) for issue in report.errors] == [
        "f.csv, ligne 2, valeur « oups » : valeur dans la colonne n° 3, qui n'a pas de nom dans l'en-tête"
        " (2 colonnes nommées)."
    ]


def test_stray_quotes_are_reported_instead_of_merging_lines():
    rows, report = read(b'code;nom\nA;"Mission Locale\nB;C\nD;E\n')
    assert rows == []
    assert str(report.errors[0]).startswith("f.csv, ligne 2 : un guillemet ouvert n'est jamais refermé")
    rows, report = read(b'code;nom\nA;B\nC;"Avenir" Jeunes\n')
    assert rows == [] and str(report.errors[0]).startswith("f.csv, ligne 3 : un guillemet fermant doit être suivi")


def test_quotes_inside_cells_and_multiline_cells_are_kept():
    rows, report = read(b'code;nom\nA;Mission "Avenir"\nB;"Ligne 1\nLigne 2"\nC;"dit ""X"""\n')
    assert report.ok
    assert [(r.line, r["nom"]) for r in rows] == [(2, 'Mission "Avenir"'), (3, "Ligne 1\nLigne 2"), (4, 'dit "X"')]


def xlsx(*rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    workbook.create_sheet("Autre").append(["ignorée"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_cells_become_text_as_the_spreadsheet_shows_them():
    columns = [Column(name, required=False) for name in ["entier", "reel", "calcul", "date", "jour", "bool", "texte"]]
    raw = xlsx(
        ["Entier", "Réel", "Calcul", "Date", "Jour", "Bool", "Texte"],
        [13001, 1234.5, 0.1 + 0.2, datetime(2024, 3, 1), datetime(2024, 3, 1, 14, 30), True, "  a  "],
        [None, None, None, None, None, None, None],
        [12345678901234, 3.0, None, date(2024, 12, 31), None, False, "’é"],
    )
    rows, report = read(raw, "f.xlsx", columns)
    assert report.ok, [str(issue) for issue in report.issues]
    assert [r.line for r in rows] == [2, 4]
    assert rows[0].values == {
        "entier": "13001",
        "reel": "1234.5",
        "calcul": "0.3",
        "date": "2024-03-01",
        "jour": "2024-03-01T14:30:00",
        "bool": "1",
        "texte": "a",
    }
    assert rows[1]["entier"] == "12345678901234" and rows[1]["reel"] == "3" and rows[1]["date"] == "2024-12-31"
    assert rows[1]["bool"] == "0" and rows[1]["texte"] == "’é"


def test_xlsx_header_problems_and_broken_files():
    rows, report = read(xlsx(["code", "inconnue"], ["A", "B"]), "f.xlsx")
    assert {(i.line, i.column) for i in report.errors} == {(1, "inconnue"), (1, "nom")}
    rows, report = read(b"PK\x03\x04 pas vraiment un classeur", "f.xlsx")
    assert [i.reason for i in report.errors] == [
        "le fichier XLSX est illisible : enregistrez-le à nouveau depuis le tableur."
    ]


def test_unsupported_formats_are_named():
    rows, report = read(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "f.xls")
    assert "format Excel 97-2003 (.xls) non pris en charge" in report.errors[0].reason
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
    rows, report = read(buffer.getvalue(), "f.ods")
    assert "format OpenDocument (.ods) non pris en charge" in report.errors[0].reason
    rows, report = read(b"%PDF-1.7 ...", "f.csv")
    assert "un PDF n'est pas un tableau" in report.errors[0].reason


def test_issue_is_said_in_french():
    issue = ImportIssue("missions_locales.csv", 12, "siret", "123", "le SIRET doit comporter 14 chiffres.")
    assert str(issue) == (
        "missions_locales.csv, ligne 12, colonne « siret », valeur « 123 » : le SIRET doit comporter 14 chiffres."
    )
    empty = ImportIssue("f.csv", 3, "nom", "", "valeur obligatoire manquante.")
    assert str(empty) == "f.csv, ligne 3, colonne « nom », cellule vide : valeur obligatoire manquante."
    whole_file = ImportIssue("f.csv", None, None, None, "le fichier ne contient aucune ligne de données.")
    assert str(whole_file) == "f.csv : le fichier ne contient aucune ligne de données."
    warning = ImportIssue("f.csv", 2, None, None, "structure temporaire.", severity="warning")
    assert str(warning) == "avertissement — f.csv, ligne 2 : structure temporaire."


def test_report_summary_and_rejection():
    report = ImportReport("f.csv", created=2, updated=1, unchanged=3)
    assert report.ok
    assert (
        report.summary
        == "f.csv : simulation — 2 création(s), 1 mise(s) à jour, 3 inchangée(s) ; rien n'a été enregistré."
    )
    report.saved = True
    assert report.summary == "f.csv : import enregistré — 2 création(s), 1 mise(s) à jour, 3 inchangée(s)."
    refused = ImportReport("f.csv")
    refused.add(2, "nom", "", "valeur obligatoire manquante.")
    assert not refused.ok and refused.summary == "f.csv : import refusé, 1 erreur ; rien n'a été enregistré."
    refused.add(3, "nom", "", "valeur obligatoire manquante.")
    assert refused.summary == "f.csv : import refusé, 2 erreurs ; rien n'a été enregistré."
    error = ImportRejected(refused)
    assert error.report is refused and str(error) == refused.summary


def test_mixed_encodings_are_refused_instead_of_garbling_accents():
    raw = "code;nom\nA;Élise\n".encode() + "B;Hélène\n".encode("cp1252")
    rows, report = read(raw)
    assert rows == []
    assert [str(issue) for issue in report.errors] == [
        "f.csv, ligne 3 : le fichier mélange deux encodages (UTF-8 et Windows-1252) : ses accents seraient mal lus ;"
        " enregistrez-le à nouveau au format « CSV UTF-8 »."
    ]
