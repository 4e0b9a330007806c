"""Reading tabular files as French users produce them, and reporting every problem in them.

Accepted: CSV in UTF-8 (with or without BOM), UTF-16 with BOM (Excel's « Texte Unicode ») or Windows-1252,
separated by `;`, `,` or a tab (guessed from the header line); XLSX (first sheet, header on the first row).
Refused with a clear reason: XLS (Excel 97-2003), ODS, PDF, text in no known encoding.
Line numbers are the spreadsheet's: the header is line 1, the first data row line 2 (empty rows are skipped but
still counted). Header names are compared without case, accents or spaces (`Code postal` is `code_postal`).

Every problem becomes an `ImportIssue` (file, line, column, value, reason) in an `ImportReport`; the `parse_*`
functions raise `ValueError` with a French reason that the caller puts in the report.
"""

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import BinaryIO

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
        if self.value == "":
            parts.append("cellule vide")
        elif self.value is not None:
            parts.append(f"valeur « {self.value} »")
        prefix = "avertissement — " if self.severity == "warning" else ""
        return f"{prefix}{', '.join(parts)} : {self.reason}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count > 1 else ''}"


@dataclass
class ImportReport:
    """What an import found and did. `ok` when no error; `saved` only after a wet run that committed."""

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
            return f"{self.filename} : import refusé, {_plural(len(self.errors), 'erreur')} ; rien n'a été enregistré."
        counts = f"{self.created} création(s), {self.updated} mise(s) à jour, {self.unchanged} inchangée(s)" + (
            f", {self.excluded} écartée(s)" if self.excluded else ""
        )
        if self.saved:
            return f"{self.filename} : import enregistré — {counts}."
        return f"{self.filename} : simulation — {counts} ; rien n'a été enregistré."


class ImportRejected(Exception):
    """Raised by callers that prefer an exception to checking `report.ok`; carries the whole report."""

    def __init__(self, report: ImportReport):
        super().__init__(report.summary)
        self.report = report


@dataclass(frozen=True)
class Column:
    name: str
    required: bool = True


@dataclass
class Row:
    """A data row: its spreadsheet line and its cells by (normalised) column name, stripped."""

    line: int
    values: dict[str, str]

    def __getitem__(self, name: str) -> str:
        return self.values.get(name, "")

    def has(self, name: str) -> bool:
        """Whether the file has this column (an absent column leaves the data as it is)."""
        return name in self.values


class UnreadableFile(Exception):
    """The file cannot be read at all (not a CSV/XLSX, unknown encoding, broken quoting)."""

    def __init__(self, reason: str, line: int | None = None):
        super().__init__(reason)
        self.reason = reason
        self.line = line


# Reading.

_SIGNATURES = {
    b"\xd0\xcf\x11\xe0": "format Excel 97-2003 (.xls) non pris en charge : enregistrez le fichier en XLSX ou en CSV.",
    b"%PDF": "un PDF n'est pas un tableau : déposez le fichier CSV ou XLSX d'origine.",
}
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


def _refuse_mixed_encodings(raw: bytes, exc: UnicodeDecodeError) -> None:
    """A file whose accents are partly UTF-8 (`é` as C3 A9), partly not: read as Windows-1252, its UTF-8 accents
    would silently become `Ã©`, so it is refused, naming the first line that is not UTF-8."""
    for line in raw.split(b"\n"):
        if not line.isascii():
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                continue
            raise UnreadableFile(
                "le fichier mélange deux encodages (UTF-8 et Windows-1252) : ses accents seraient mal lus ;"
                " enregistrez-le à nouveau au format « CSV UTF-8 ».",
                raw.count(b"\n", 0, exc.start) + 1,
            ) from exc


def _decode(raw: bytes) -> str:
    """UTF-8 (BOM or not), UTF-16 with BOM, else Windows-1252; a byte none of them knows is refused."""
    if raw.startswith(b"\xef\xbb\xbf"):
        encoding, raw = "utf-8", raw[3:]
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    else:
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            _refuse_mixed_encodings(raw, exc)
            encoding = "cp1252"
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise UnreadableFile(
            f"encodage non reconnu (ni UTF-8 ni Windows-1252) : octet 0x{raw[exc.start]:02X} ;"
            " enregistrez le fichier au format « CSV UTF-8 ».",
            raw.count(b"\n", 0, exc.start) + 1,
        ) from exc
    if "\x00" in text:
        raise UnreadableFile("le fichier contient des caractères nuls : ce n'est pas un fichier CSV ou XLSX.")
    return text


def _detect_delimiter(header_line: str) -> str:
    """The separator of the header line: `;` (French spreadsheets), `,` or a tab, the most frequent one."""
    counts = {sep: header_line.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ";"


def _float_text(value: float) -> str:
    """A number as the spreadsheet shows it: 15 significant digits, no `.0`, no binary noise (0.1 + 0.2)."""
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    text = f"{value:.15g}"
    return repr(value) if "e" in text else text


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return _float_text(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time.min else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _csv_error(exc: csv.Error, delimiter: str) -> str:
    message = str(exc)
    if "unexpected end of data" in message:
        return "un guillemet ouvert n'est jamais refermé ; tout le reste du fichier serait lu comme une seule cellule."
    if "expected after" in message:
        return (
            f"un guillemet fermant doit être suivi du séparateur « {delimiter} » ; mettez la cellule entière entre"
            ' guillemets en doublant ceux de l\'intérieur ("""Avenir"" Jeunes").'
        )
    if "field limit" in message:
        return "cellule trop longue (un guillemet mal placé ?)."
    return f"ligne illisible ({message})."


def _csv_rows(raw: bytes) -> Iterator[list[str]]:
    """Strict CSV: a stray quote is reported, never silently merging lines or dropping characters."""
    text = _decode(raw)
    delimiter = _detect_delimiter(text.split("\n", 1)[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    line = 0
    try:
        for line, cells in enumerate(reader, start=1):  # noqa: B007 - `line` names the failing row below
            yield [cell.strip() for cell in cells]
    except csv.Error as exc:
        raise UnreadableFile(_csv_error(exc, delimiter), line + 1) from exc


def _xlsx_rows(raw: bytes) -> Iterator[list[str]]:
    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of errors on a broken file
        raise UnreadableFile("le fichier XLSX est illisible : enregistrez-le à nouveau depuis le tableur.") from exc
    try:
        sheet = workbook.worksheets[0]
        for cells in sheet.iter_rows(values_only=True):
            yield [_cell_text(cell) for cell in cells]
    finally:
        workbook.close()


def read_table(raw: bytes, filename: str) -> Iterator[list[str]]:
    """Raw rows (header included) of a CSV or XLSX file, guessed from its content (and name)."""
    for signature, reason in _SIGNATURES.items():
        if raw.startswith(signature):
            raise UnreadableFile(reason)
    if raw.startswith(b"PK"):
        if _ODS_MIMETYPE in raw[:100]:
            raise UnreadableFile("format OpenDocument (.ods) non pris en charge : enregistrez-le en XLSX ou en CSV.")
        return _xlsx_rows(raw)
    if filename.lower().endswith((".xlsx", ".xlsm")):
        raise UnreadableFile("le fichier XLSX est illisible : enregistrez-le à nouveau depuis le tableur.")
    return _csv_rows(raw)


def normalise_header(name: str) -> str:
    """`Code postal`, `CODE_POSTAL`, `code-postal` → `code_postal`; `Département` → `departement`."""
    name = unicodedata.normalize("NFKD", name.strip().lstrip("\ufeff"))
    name = "".join(char for char in name if not unicodedata.combining(char)).lower()
    return re.sub(r"[\s\-]+", "_", name)


def read_rows(raw: bytes, filename: str, columns: Iterable[Column], report: ImportReport) -> list[Row]:
    """The data rows, keyed by column name. File and header problems go into `report` and no row is returned.

    The header must hold every required column and no unknown one; a row longer than the header is reported.
    """
    columns = list(columns)
    try:
        table = read_table(raw, filename)
        header_cells = next(table, None)
    except UnreadableFile as exc:
        report.add(exc.line, None, None, exc.reason)
        return []
    if not header_cells or not any(header_cells):
        report.add(1, None, None, "le fichier est vide ou sa première ligne (l'en-tête) est vide.")
        return []
    known = {normalise_header(column.name): column.name for column in columns}
    header = []
    for cell in header_cells:
        name = known.get(normalise_header(cell), normalise_header(cell))
        header.append(name)
        if name and name not in known.values():
            report.add(1, cell, None, f"colonne inconnue ; colonnes attendues : {', '.join(known.values())}.")
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
    try:
        for line, cells in enumerate(table, start=2):
            if not any(cells):
                continue
            extra = [i for i, cell in enumerate(cells) if cell and (i >= len(header) or not header[i])]
            if extra:
                report.add(
                    line,
                    None,
                    cells[extra[0]],
                    f"valeur dans la colonne n° {extra[0] + 1}, qui n'a pas de nom dans l'en-tête"
                    f" ({sum(1 for name in header if name)} colonnes nommées).",
                )
                continue
            rows.append(Row(line, {name: cells[i] if i < len(cells) else "" for i, name in enumerate(header) if name}))
    except UnreadableFile as exc:
        report.add(exc.line, None, None, exc.reason)
        return []
    return rows


def read_file_bytes(path_or_file: str | Path | BinaryIO) -> bytes:
    """The content of a path or of an open (uploaded) file."""
    if isinstance(path_or_file, (str, Path)):
        return Path(path_or_file).read_bytes()
    data = path_or_file.read()
    return data.encode("utf-8") if isinstance(data, str) else data


# Parsers: each returns the value or raises ValueError with a French reason.

_SPACES = re.compile(r"[\s\u00a0\u202f]")
_CURRENCY = re.compile(r"^(€|eur)|(€|euros?|eur)$", re.IGNORECASE)
_MINUS_SIGNS = ("-", "\u2212", "\u2013")


def parse_amount(text: str | None) -> Decimal:
    """An amount in euros (≥ 0, at most two decimals) as French users type it.

    Spaces (ordinary, no-break U+00A0, narrow no-break U+202F), `€`, `EUR` and `euros` are ignored; French
    usage wins where a separator is ambiguous:
    - a single `,` is the decimal separator: `1 234,56`, `1234,5`; several commas are refused;
    - with both `.` and `,`, the last one is the decimal separator and the other one must group digits by
      three: `1.234,56` (French), `1,234.56` (English) → 1234.56; `1.2,5` is refused;
    - dots alone: several group thousands by three (`1.234.567`); a single one is a decimal point
      (`1234.56`), except before exactly three digits (`1.234`): 1 234 € in French, 1.234 in English, so it
      is refused as ambiguous;
    - a third decimal is refused (`12,345`: not centimes, perhaps thousands).
    """
    cleaned = _CURRENCY.sub("", _SPACES.sub("", text or ""))
    if not cleaned:
        raise ValueError("montant vide.")
    if cleaned.startswith(_MINUS_SIGNS):
        raise ValueError("un montant ne peut pas être négatif.")
    if re.fullmatch(r"\d+", cleaned):
        number = cleaned
    elif re.fullmatch(r"\d+,\d+", cleaned):
        number = cleaned.replace(",", ".")
    elif re.fullmatch(r"\d{1,3}(\.\d{3})+(,\d+)?", cleaned) and (cleaned.count(".") > 1 or "," in cleaned):
        number = cleaned.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"\d{1,3}(,\d{3})+\.\d+", cleaned):
        number = cleaned.replace(",", "")
    elif re.fullmatch(r"\d{1,3}\.\d{3}", cleaned):
        raise ValueError("montant ambigu : le point sépare-t-il les milliers ou les décimales ? Écrivez 1234 ou 1,234.")
    elif re.fullmatch(r"\d+\.\d+", cleaned):
        number = cleaned
    elif cleaned.count(",") > 1:
        raise ValueError("montant illisible (plusieurs virgules) : la virgule sépare les décimales.")
    else:
        raise ValueError("montant illisible : attendu un nombre comme 1 234,56.")
    try:
        amount = Decimal(number)
    except InvalidOperation as exc:  # pragma: no cover - the patterns above only let digits through
        raise ValueError("montant illisible.") from exc
    if amount.as_tuple().exponent < -2:
        raise ValueError(
            "un montant a au plus deux décimales (centimes) ; pour séparer les milliers, utilisez une espace."
        )
    return amount


def parse_int(text: str | None) -> int:
    """A whole number, spaces allowed (`1 234`)."""
    cleaned = _SPACES.sub("", text or "")
    if not re.fullmatch(r"-?\d+", cleaned):
        raise ValueError("nombre entier attendu.")
    return int(cleaned)


def parse_year(text: str | None, minimum: int = 2000, maximum: int = 2100) -> int:
    try:
        year = parse_int(text)
    except ValueError as exc:
        raise ValueError("année attendue sur quatre chiffres.") from exc
    if not minimum <= year <= maximum:
        raise ValueError(f"année hors de la plage {minimum}–{maximum}.")
    return year


def parse_bool(text: str | None) -> bool:
    """0/1, oui/non (o/n), vrai/faux, true/false, yes/no, in any case."""
    value = (text or "").strip().lower()
    if value in {"1", "oui", "o", "vrai", "true", "yes"}:
        return True
    if value in {"0", "non", "n", "faux", "false", "no"}:
        return False
    raise ValueError("attendu 0 ou 1 (ou oui / non).")


def parse_date(text: str | None) -> date:
    """YYYY-MM-DD (ISO, and what XLSX dates become) or DD/MM/YYYY."""
    value = (text or "").strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise ValueError("date illisible ou inexistante : attendu AAAA-MM-JJ ou JJ/MM/AAAA.")
