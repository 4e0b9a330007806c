"""Reading tabular files as French users produce them, and reporting every problem in them.

CSV in UTF-8 (with or without BOM) or Windows-1252, separated by `;` or `,`; XLSX (first sheet, header on the
first row). Line numbers are the spreadsheet's: the header is line 1, the first data row line 2.
"""

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from openpyxl import load_workbook


@dataclass(frozen=True)
class ImportIssue:
    """One problem of an input file, said in French: where it is, what was read, why it is refused."""

    file: str
    line: int | None
    column: str | None
    value: str | None
    reason: str
    severity: str = "error"  # "error" refuses the import; "warning" is reported and imported

    def __str__(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(f"ligne {self.line}")
        if self.column:
            parts.append(f"colonne « {self.column} »")
        if self.value is not None:
            parts.append(f"valeur « {self.value} »")
        prefix = "avertissement — " if self.severity == "warning" else ""
        return f"{prefix}{', '.join(parts)} : {self.reason}"


@dataclass
class ImportReport:
    filename: str
    issues: list[ImportIssue] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    excluded: int = 0
    wet_run: bool = False
    saved: bool = False
    #: rows in error are set aside (and counted in `excluded`) instead of refusing the file
    exclude_rejected: bool = False

    @property
    def errors(self) -> list[ImportIssue]:
        return [issue for issue in self.issues if issue.severity == "error"]

    @property
    def warnings(self) -> list[ImportIssue]:
        return [issue for issue in self.issues if issue.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(self, line, column, value, reason, severity="error") -> None:
        self.issues.append(ImportIssue(self.filename, line, column, value, reason, severity))

    @property
    def summary(self) -> str:
        if not self.ok and not self.exclude_rejected:
            return (
                f"{self.filename} : import refusé, {len(self.errors)} erreur{'s' if len(self.errors) > 1 else ''}"
                " ; rien n'a été enregistré."
            )
        counts = f"{self.created} création(s), {self.updated} mise(s) à jour, {self.unchanged} inchangée(s)" + (
            f", {self.excluded} écartée(s)" if self.excluded else ""
        )
        if self.saved:
            return f"{self.filename} : import enregistré — {counts}."
        return f"{self.filename} : simulation — {counts} ; rien n'a été enregistré."


class ImportRejected(Exception):
    def __init__(self, report: ImportReport):
        super().__init__(report.summary)
        self.report = report


@dataclass(frozen=True)
class Column:
    name: str
    required: bool = True


@dataclass
class Row:
    line: int
    values: dict[str, str]

    def __getitem__(self, name: str) -> str:
        return self.values.get(name, "")


class UnreadableFile(Exception):
    """The file cannot be read at all (not a CSV/XLSX, empty, no header)."""


def _decode(raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _detect_delimiter(header_line: str) -> str:
    return ";" if header_line.count(";") >= header_line.count(",") else ","


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _csv_rows(raw: bytes) -> Iterator[list[str]]:
    text = _decode(raw)
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_detect_delimiter(first_line))
    for cells in reader:
        yield [cell.strip() for cell in cells]


def _xlsx_rows(raw: bytes) -> Iterator[list[str]]:
    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of errors on a broken file
        raise UnreadableFile("le fichier XLSX est illisible.") from exc
    try:
        sheet = workbook.worksheets[0]
        for cells in sheet.iter_rows(values_only=True):
            yield [_cell_text(cell) for cell in cells]
    finally:
        workbook.close()


def read_table(raw: bytes, filename: str) -> Iterator[list[str]]:
    """Raw rows (header included) of a CSV or XLSX file, guessed from its name and content."""
    if filename.lower().endswith((".xlsx", ".xlsm")) or raw[:2] == b"PK":
        return _xlsx_rows(raw)
    return _csv_rows(raw)


def read_rows(raw: bytes, filename: str, columns: Iterable[Column], report: ImportReport) -> list[Row]:
    """The data rows as dicts keyed by column name. Header problems go into `report` (and no row is returned)."""
    columns = list(columns)
    try:
        table = read_table(raw, filename)
        header = next(table, None)
    except UnreadableFile as exc:
        report.add(None, None, None, str(exc))
        return []
    if not header or not any(header):
        report.add(1, None, None, "le fichier est vide ou n'a pas de ligne d'en-tête.")
        return []
    header = [name.strip().lstrip("\ufeff").lower() for name in header]
    known = {column.name for column in columns}
    for name in header:
        if name and name not in known:
            report.add(1, name, None, f"colonne inconnue ; colonnes attendues : {', '.join(sorted(known))}.")
    seen = set()
    for name in header:
        if name and name in seen:
            report.add(1, name, None, "colonne en double.")
        seen.add(name)
    for column in columns:
        if column.required and column.name not in header:
            report.add(1, column.name, None, "colonne obligatoire absente.")
    if not report.ok:
        return []
    rows = []
    for line, cells in enumerate(table, start=2):
        if not any(cells):
            continue
        if len(cells) > len(header) and any(cells[len(header) :]):
            report.add(line, None, None, f"{len(cells)} valeurs pour {len(header)} colonnes.")
            continue
        rows.append(Row(line, {name: cells[i] if i < len(cells) else "" for i, name in enumerate(header) if name}))
    return rows


# Parsers: each returns the value or raises ValueError with a French reason.

_SPACES = re.compile(r"[\s\u00a0\u202f]")


def parse_amount(text: str) -> Decimal:
    """An amount in euros as French users type it: `1 234,56`, `1234.56`, `1 234 €`, `1.234,56`.

    A `,` is the decimal separator (French usage); with both `.` and `,`, the last one is the decimal
    separator and the other groups thousands. A lone `.` followed by exactly three digits and more groups
    (`1.234.567`) groups thousands; otherwise it is a decimal point (`1234.56`). Negative amounts are refused.
    """
    cleaned = _SPACES.sub("", text or "").replace("€", "").replace("EUR", "").replace("eur", "")
    if not cleaned:
        raise ValueError("montant vide.")
    if cleaned.startswith("-"):
        raise ValueError("un montant ne peut pas être négatif.")
    if "," in cleaned and "." in cleaned:
        decimal_sep = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
        thousands = "." if decimal_sep == "," else ","
        cleaned = cleaned.replace(thousands, "").replace(decimal_sep, ".")
    elif "," in cleaned:
        if cleaned.count(",") > 1:
            raise ValueError("montant illisible (plusieurs virgules).")
        cleaned = cleaned.replace(",", ".")
    elif cleaned.count(".") > 1:
        if not re.fullmatch(r"\d{1,3}(\.\d{3})+", cleaned):
            raise ValueError("montant illisible.")
        cleaned = cleaned.replace(".", "")
    if not re.fullmatch(r"\d+(\.\d+)?", cleaned):
        raise ValueError("montant illisible : attendu un nombre comme 1 234,56.")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation as exc:
        raise ValueError("montant illisible.") from exc
    if amount.as_tuple().exponent < -2:
        raise ValueError("un montant a au plus deux décimales (centimes).")
    return amount


def parse_int(text: str) -> int:
    cleaned = _SPACES.sub("", text or "")
    if not re.fullmatch(r"-?\d+", cleaned):
        raise ValueError("nombre entier attendu.")
    return int(cleaned)


def parse_year(text: str, minimum: int = 2000, maximum: int = 2100) -> int:
    try:
        year = parse_int(text)
    except ValueError as exc:
        raise ValueError("année attendue sur quatre chiffres.") from exc
    if not minimum <= year <= maximum:
        raise ValueError(f"année hors de la plage {minimum}–{maximum}.")
    return year


def parse_bool(text: str) -> bool:
    value = (text or "").strip().lower()
    if value in {"1", "oui", "o", "vrai", "true", "yes"}:
        return True
    if value in {"0", "non", "n", "faux", "false", "no"}:
        return False
    raise ValueError("attendu 0 ou 1 (ou oui / non).")


def parse_date(text: str) -> date:
    value = (text or "").strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise ValueError("date illisible : attendu AAAA-MM-JJ ou JJ/MM/AAAA.")


def read_file_bytes(path_or_file) -> bytes:
    if isinstance(path_or_file, (str, Path)):
        return Path(path_or_file).read_bytes()
    data = path_or_file.read()
    return data.encode("utf-8") if isinstance(data, str) else data
