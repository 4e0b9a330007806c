"""Reading tabular files as French users produce them, and reporting every problem in them.

Accepted: CSV in UTF-8 (with or without BOM), UTF-16 with BOM (Excel's « Texte Unicode ») or Windows-1252,
separated by `;`, `,` or a tab (guessed from the header line); XLSX (first sheet, header on the first row).
Refused with a clear reason: XLS (Excel 97-2003), ODS, PDF, text in no known encoding.
Line numbers are the spreadsheet's: the header is line 1, the first data row line 2 (empty rows are skipped but
still counted). Header names are compared without case, accents or spaces (`Code postal` is `code_postal`).

Every problem becomes an `ImportIssue` (file, line, column, value, reason) in an `ImportReport`; the `parse_*`
functions raise `ValueError` with a French reason that the caller puts in the report.

A file cannot be a bomb (ADR 0013): at most `MAX_FILE_BYTES`; an XLSX's archive is measured before it is opened
(`MAX_XLSX_UNCOMPRESSED` in all, no member inflating more than `MAX_XLSX_RATIO` times) and read in streaming mode;
at most `MAX_ROWS` data rows and `MAX_COLUMNS` columns; a report keeps the first `MAX_KEPT_ISSUES` issues and
counts the others. A NUL character is refused where it is (line, column); text is read as UTF-8 (with or without
BOM), UTF-16 with BOM, or Windows-1252 only when the bytes look like Western European text — Shift-JIS, Cyrillic
and the like are refused, never guessed.
"""

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import BinaryIO

from openpyxl import load_workbook

from pilotage.core.exports import csv_text, is_formula_like
from pilotage.core.jobs import job_progress


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


#: limits of one imported file (ADR 0013)
MAX_FILE_BYTES = 50 * 2**20
MAX_XLSX_UNCOMPRESSED = 200 * 2**20
MAX_XLSX_RATIO = 100
MAX_ROWS = 200_000
MAX_COLUMNS = 100
#: issues a report keeps (shown, and in the CSV of issues); the others are counted
MAX_KEPT_ISSUES = 10_000
#: issues shown on a page or printed by a command before « … et N autres »
MAX_SHOWN_ISSUES = 100


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count > 1 else ''}"


def _thousands(count: int) -> str:
    return f"{count:,}".replace(",", "\u202f")


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
    #: issues beyond MAX_KEPT_ISSUES: counted, not kept
    omitted_errors: int = 0
    omitted_warnings: int = 0

    @property
    def errors(self) -> list[ImportIssue]:
        return [issue for issue in self.issues if issue.severity == "error"]

    @property
    def warnings(self) -> list[ImportIssue]:
        return [issue for issue in self.issues if issue.severity == "warning"]

    @property
    def error_count(self) -> int:
        return len(self.errors) + self.omitted_errors

    @property
    def ok(self) -> bool:
        return not self.error_count

    def add(self, line, column, value, reason, severity="error") -> None:
        if len(self.issues) < MAX_KEPT_ISSUES:
            self.issues.append(ImportIssue(self.filename, line, column, value, reason, severity))
        elif severity == "error":
            self.omitted_errors += 1
        else:
            self.omitted_warnings += 1

    @property
    def issue_count(self) -> int:
        return len(self.issues) + self.omitted_errors + self.omitted_warnings

    @property
    def shown_issues(self) -> list[ImportIssue]:
        """The first issues, errors before warnings, for a page or a terminal."""
        return (self.errors + self.warnings)[:MAX_SHOWN_ISSUES]

    @property
    def more_issues(self) -> str:
        """« … et 999 900 autres erreurs » when not every issue is shown, else ""."""
        hidden = self.issue_count - len(self.shown_issues)
        if hidden <= 0:
            return ""
        word = "erreurs" if self.error_count > len(self.shown_issues) else "avertissements"
        return f"… et {_thousands(hidden)} autres {word if hidden > 1 else word[:-1]}"

    def issues_csv(self) -> str:
        """Every kept issue as a CSV (`core.exports.csv_text`); a last line counts those not kept."""
        rows = [
            [
                i.file,
                i.line,
                i.column or "",
                i.value,
                i.reason,
                "avertissement" if i.severity == "warning" else "erreur",
            ]
            for i in self.errors + self.warnings
        ]
        omitted = self.omitted_errors + self.omitted_warnings
        if omitted:
            rows.append([self.filename, "", "", "", f"… et {_thousands(omitted)} autres problèmes, non détaillés "
                         f"(seuls les {_thousands(MAX_KEPT_ISSUES)} premiers le sont).", ""])  # fmt: skip
        return csv_text(rows=rows, header=["fichier", "ligne", "colonne", "valeur", "raison", "gravite"])

    @property
    def summary(self) -> str:
        if not self.ok and not self.exclude_rejected:
            return f"{self.filename} : import refusé, {_plural(self.error_count, 'erreur')} ; rien n'a été enregistré."
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


#: what Western European text in Windows-1252 holds beyond ASCII: letters of French and its neighbours, and the
#: signs of French typography; any other character means the file is in another encoding
_CP1252_LETTERS = frozenset("ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝßàáâãäåæçèéêëìíîïñòóôõöøùúûüýÿŒœŸ")
_CP1252_SIGNS = frozenset("\u00a0€‘’“”„…–—•«»°§²³ºª·×±©®£µ¿¡½¼¾")
#: words made only of accented letters that French has
_ACCENTED_WORDS = frozenset({"à", "À", "ô", "Ô", "é", "É", "è", "È", "ù", "Ù", "ç"})
_WORD = re.compile(r"[^\W\d_]+")
_CP1252_FOREIGN = re.compile("[^\x00-\x7f" + re.escape("".join(sorted(_CP1252_LETTERS | _CP1252_SIGNS))) + "]")


def _refuse_implausible_cp1252(text: str) -> None:
    """Windows-1252 decodes any byte, so Shift-JIS, Cyrillic (Windows-1251) or Chinese files would be read as
    garbage (`“ú–{Œê` for 日本語): refused unless every non-ASCII character is a Western letter or a French
    typographic sign, and no word is made only of accented letters (`Ïðèâåò`), French's `à`, `ô`, `é`… aside."""

    def refuse(position: int):
        line = text.count("\n", 0, position) + 1
        start = text.rfind("\n", 0, position) + 1
        excerpt = text[start : start + 40].split("\n")[0].strip()
        raise UnreadableFile(
            f"encodage non reconnu : le texte n'est ni en UTF-8 ni en Windows-1252 (« {excerpt} ») ; enregistrez le"
            " fichier au format « CSV UTF-8 ».",
            line,
        )

    foreign = _CP1252_FOREIGN.search(text)
    if foreign:
        refuse(foreign.start())
    for match in _WORD.finditer(text):
        word = match.group()
        if not word.isascii() and not any(char.isascii() for char in word) and word not in _ACCENTED_WORDS:
            refuse(match.start())


def _decode(raw: bytes) -> str:
    """UTF-8 (BOM or not), UTF-16 with BOM, else plausible Windows-1252; anything else is refused."""
    if not raw.startswith((b"\xff\xfe", b"\xfe\xff")) and raw.count(b"\x00") > len(raw) // 10:
        raise UnreadableFile(
            "le fichier contient des caractères nuls : ce n'est pas un fichier CSV (ou c'est de l'UTF-16 sans BOM) ;"
            " enregistrez-le au format « CSV UTF-8 »."
        )
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
        known = "UTF-8" if encoding == "utf-8" else "ni UTF-8 ni Windows-1252"
        raise UnreadableFile(
            f"encodage non reconnu ({known}) : octet 0x{raw[exc.start]:02X} ; enregistrez le fichier au format"
            " « CSV UTF-8 ».",
            raw.count(b"\n", 0, exc.start) + 1,
        ) from exc
    if encoding == "cp1252":
        _refuse_implausible_cp1252(text)
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


def _unquote_formula(cell: str) -> str:
    """`'=1+1` → `=1+1`: the apostrophe the platform's CSV exports put before a formula start (ADR 0013), so
    that an export imported back is unchanged."""
    return cell[1:] if cell.startswith("'") and is_formula_like(cell[1:]) else cell


def _csv_rows(raw: bytes) -> Iterator[list[str]]:
    """Strict CSV: a stray quote is reported, never silently merging lines or dropping characters."""
    text = _decode(raw)
    delimiter = _detect_delimiter(text.split("\n", 1)[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    line = 0
    try:
        for line, cells in enumerate(reader, start=1):  # noqa: B007 - `line` names the failing row below
            cells = [cell.strip() for cell in cells]
            yield [_unquote_formula(cell) for cell in cells] if "'" in "".join(cells) else cells
    except csv.Error as exc:
        raise UnreadableFile(_csv_error(exc, delimiter), line + 1) from exc


_XLSX_UNREADABLE = "le fichier XLSX est illisible : enregistrez-le à nouveau depuis le tableur."


def _mebibytes(size: int) -> str:
    return f"{size / 2**20:.0f} Mo"


def check_zip_archive(raw: bytes, *, kind: str = "XLSX") -> None:
    """Refuse (UnreadableFile) a ZIP archive (XLSX, DOCX) that is not one, or that would inflate beyond
    MAX_XLSX_UNCOMPRESSED, or whose members inflate more than MAX_XLSX_RATIO times (a « zip bomb »), before
    anything reads it. The sizes are the archive's declarations, which are also what Python's reader stops at."""
    try:
        members = zipfile.ZipFile(io.BytesIO(raw)).infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UnreadableFile(_XLSX_UNREADABLE if kind == "XLSX" else f"le fichier {kind} est illisible.") from exc
    total = sum(member.file_size for member in members)
    if total > MAX_XLSX_UNCOMPRESSED:
        raise UnreadableFile(
            f"le fichier {kind} se décompresse en {_mebibytes(total)}, au-delà de la limite de"
            f" {_mebibytes(MAX_XLSX_UNCOMPRESSED)} : découpez-le ou déposez un CSV."
        )
    for member in members:
        if member.file_size > 2**20 and member.file_size > MAX_XLSX_RATIO * max(member.compress_size, 1):
            raise UnreadableFile(
                f"le fichier {kind} est anormalement compressé ({member.filename} : {_mebibytes(member.file_size)}"
                f" pour {member.compress_size} octets) : il est refusé par prudence ; enregistrez-le à nouveau depuis"
                " le tableur ou déposez un CSV."
            )


def _xlsx_rows(raw: bytes) -> Iterator[list[str]]:
    """The first sheet, streamed (openpyxl's read-only mode) after the archive was measured."""
    check_zip_archive(raw)
    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of errors on a broken file
        raise UnreadableFile(_XLSX_UNREADABLE) from exc
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # a declared A1:XFD1048576 would pad every row to 16 384 cells
        try:
            for cells in sheet.iter_rows(values_only=True):
                yield [_cell_text(cell) for cell in cells]
        except UnreadableFile:
            raise
        except Exception as exc:  # broken XML inside the archive
            raise UnreadableFile(_XLSX_UNREADABLE) from exc
    finally:
        workbook.close()


def _too_many_rows(count: int | None = None) -> str:
    found = f" ({_thousands(count)} lignes de données)" if count else ""
    return f"le fichier dépasse {_thousands(MAX_ROWS)} lignes de données{found} : découpez-le en plusieurs fichiers."


def read_table(raw: bytes, filename: str) -> Iterator[list[str]]:
    """Raw rows (header included) of a CSV or XLSX file, guessed from its content (and name); at most MAX_ROWS
    data rows and MAX_COLUMNS columns (trailing empty cells aside), else UnreadableFile."""
    if len(raw) > MAX_FILE_BYTES:
        raise UnreadableFile(f"le fichier dépasse {_mebibytes(MAX_FILE_BYTES)} : découpez-le en plusieurs fichiers.")
    return _bounded(_read_table(raw, filename))


def _bounded(rows: Iterator[list[str]]) -> Iterator[list[str]]:
    for line, cells in enumerate(rows, start=1):
        if line > MAX_ROWS + 1:
            raise UnreadableFile(_too_many_rows(), line)
        while cells and not cells[-1]:
            cells.pop()
        if len(cells) > MAX_COLUMNS:
            raise UnreadableFile(
                f"la ligne a {_thousands(len(cells))} colonnes ; au plus {MAX_COLUMNS} sont lues : supprimez les"
                " colonnes en trop.",
                line,
            )
        if line % 5000 == 0:
            _progress(line)
        yield cells


def _progress(rows_read: int) -> None:
    job_progress(rows_read, stage="Lecture du fichier")


def _read_table(raw: bytes, filename: str) -> Iterator[list[str]]:
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


_NUL_REASON = (
    "caractère nul (\\0, montré ␀) : il n'a pas sa place dans un texte et la base de données le refuse ; corrigez la"
    " cellule."
)


def _visible_nul(cell: str) -> str:
    return cell.replace("\x00", "␀")[:100]


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
    for index, cell in enumerate(header_cells):
        if "\x00" in cell:
            report.add(1, f"n° {index + 1}", _visible_nul(cell), _NUL_REASON)
    if not report.ok:
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
    every_column_named = all(header)  # then a row no longer than the header has no cell outside a named column
    try:
        for line, cells in enumerate(table, start=2):
            if not any(cells):
                continue
            if every_column_named and len(cells) == len(header) and "\x00" not in "".join(cells):
                rows.append(Row(line, dict(zip(header, cells, strict=True))))  # the common case, at C speed
                continue
            nul = [i for i, cell in enumerate(cells) if "\x00" in cell]
            for i in nul:
                name = header[i] if i < len(header) and header[i] else f"n° {i + 1}"
                report.add(line, name, _visible_nul(cells[i]), _NUL_REASON)
            if nul:
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
    """The content of a path or of an open (uploaded) file; past MAX_FILE_BYTES, only one byte more is read (enough
    for `read_table` to refuse the file)."""
    if isinstance(path_or_file, (str, Path)):
        with Path(path_or_file).open("rb") as handle:
            return handle.read(MAX_FILE_BYTES + 1)
    data = path_or_file.read(MAX_FILE_BYTES + 1)
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
