"""Tabular exports (CSV for French spreadsheets, XLSX) of what a user may see.

Every CSV or XLSX the platform produces goes through `export_response` (an import's problems through `csv_text`,
the indicators engine's CSV through `csv_cell`; a test checks that nothing else writes one), and so through one
defence against formula injection
(ADR 0013): a text typed by someone (a Mission Locale's name, a survey's free answer, a funding theme) that
starts like a formula — `=`, `+`, `-`, `@`, a tab, a carriage return or a line feed, or their full-width forms
`＝＋－＠` — must never run when the file is opened in a spreadsheet:
- CSV: the text is written behind an apostrophe (`'=1+1`), which spreadsheets show as text;
- XLSX: the cell is a string cell (never a formula, never an error code); its value is kept unchanged.
Numbers stay numbers (a negative amount is a number, not a text); a text that is only a number (`-12`, `+3,5`)
is left as it is, since a spreadsheet reads it as that number and nothing else. Control characters that XLSX
cannot hold (NUL…) become U+FFFD instead of failing the export.
"""

import csv
import io
import math
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.http import Http404, HttpResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel

from pilotage.core import formatting
from pilotage.core.params import choice_param

FORMATS = {"csv", "xlsx"}

#: the first characters that make a spreadsheet read a cell as a formula (or start one)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?(?:[eE][+-]?\d+)?")


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet could take this text for a formula (`=HYPERLINK(…)`, `+cmd|…`, `@SUM(…)`)."""
    return text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text)


def csv_cell(value):
    """A value as written in a CSV: formula-like texts behind an apostrophe; everything else as it is."""
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value


def xlsx_cell(sheet, value):
    """A value as written in an XLSX: texts are always string cells (never formulas, never error codes)."""
    if not isinstance(value, str):
        return value
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("\ufffd", value))
    cell.data_type = "s"
    return cell


def csv_text(*, rows: Iterable[Sequence], header: Sequence[str]) -> str:
    """`;`-separated, with a BOM, as French spreadsheet software expects; every cell through `csv_cell`."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([csv_cell(value) for value in header])
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return buffer.getvalue()


def csv_response(text: str, filename: str) -> HttpResponse:
    """A CSV made by `csv_text` as an attachment `filename` (with its extension)."""
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# Exports declared once, for people and for machines (issue 14, ADR 0022)
#
# An export declares its columns once (`Column`: technical name, French header, kind, how to read the value,
# the label of a coded value); `export_response` writes them in one of two forms:
# - for people (the default): French headers, labels instead of codes, the names beside the codes; XLSX with
#   typed cells in French number formats (amounts in €, percentages, dates), a frozen header, filters and
#   column widths; CSV in the French spreadsheet dialect (`;`, decimal comma, dates dd/mm/yyyy, UTF-8 with BOM);
# - for machines (`?format=technique`): the technical names as headers, codes as values, numbers with a decimal
#   point and ISO dates; CSV as RFC 4180 (`,`, UTF-8 without BOM) — the form the importers read back.

PEOPLE, MACHINES = "personnes", "technique"
FORM_PARAM = "format"

TEXT = "text"  # a text someone typed, or a code (kept as text: « 01000 » keeps its zero)
INTEGER = "integer"  # a count: 12 345
YEAR = "year"  # 2024 (no thousands separator)
NUMBER = "number"  # 12,5 (`places` decimals shown)
AMOUNT = "amount"  # 1 234,56 € (`places`: 2 by default, 0 for whole euros)
PERCENT = "percent"  # a value already in percent: 45.3 → 45,3 %
SHARE = "share"  # a fraction: 0.453 → 45,3 %
DATE = "date"
KINDS = (TEXT, INTEGER, YEAR, NUMBER, AMOUNT, PERCENT, SHARE, DATE)

#: Excel number formats (written in the file's own syntax; a French Excel shows `1 234,56 €`, `45,3 %`)
NUMBER_FORMATS = {INTEGER: "#,##0", YEAR: "0", DATE: "dd/mm/yyyy"}
_WIDTHS = {TEXT: 24, INTEGER: 12, YEAR: 8, NUMBER: 12, AMOUNT: 16, PERCENT: 10, SHARE: 10, DATE: 12}
YES_NO = {True: "Oui", False: "Non", "oui": "Oui", "non": "Non"}  # 1 and 0 read as True and False


def _number_format(kind: str, places: int) -> str:
    decimals = "." + "0" * places if places else ""
    if kind == AMOUNT:
        return f'#,##0{decimals}\\ "€"'
    if kind in (PERCENT, SHARE):
        return f"0{decimals}\\ %"
    if kind == NUMBER:
        return f"#,##0{decimals}"
    return NUMBER_FORMATS.get(kind, "General")


@dataclass(frozen=True)
class Column:
    """One column of an export, for both forms.

    `value`: how to read the technical value from an item — a callable, or a key (an item's dict key, else its
    attribute). `label`: for people, the label of a coded value (a mapping such as `dict(Model.Status.choices)`,
    or a callable); values it does not know are written as they are. `kind` types the cell (a callable of the
    item for a column whose unit varies by row); a text in a numeric column (« secret statistique ») stays a
    text. `people` / `machines`: a column only one form has (the names beside the codes are for people)."""

    name: str
    header: str
    value: Callable | str
    kind: str | Callable = TEXT
    label: Mapping | Callable | None = None
    places: int | None = None
    width: int | None = None
    people: bool = True
    machines: bool = True

    def read(self, item):
        if callable(self.value):
            return self.value(item)
        if type(item) is dict or isinstance(item, Mapping):  # a dict first: the funding lines' 130,000 cells
            return item[self.value]
        return getattr(item, self.value)

    def kind_of(self, item) -> str:
        return self.kind(item) if callable(self.kind) else self.kind

    def decimals(self, kind: str) -> int:
        if self.places is not None:
            return self.places
        return {AMOUNT: 2, PERCENT: 1, SHARE: 1, NUMBER: 1}.get(kind, 0)

    def for_people(self, item):
        """(value, kind) as people read it: the label of a code, a typed number (a percent as a fraction)."""
        value = self.read(item)
        if self.label is not None and value is not None:
            label = self.label(value) if callable(self.label) else self.label.get(value, value)
            return label, TEXT
        return value, self.kind_of(item)

    def column_width(self) -> int:
        if self.width:
            return self.width
        kind = self.kind if isinstance(self.kind, str) else NUMBER
        return min(max(_WIDTHS[kind], len(self.header) + 3), 60)


def export_form(request) -> str:
    """The form asked in `?format=` (`personnes` by default, `technique`); another value is a French 400."""
    return choice_param(request, FORM_PARAM, (PEOPLE, MACHINES), PEOPLE, label="Format d'export")


def _is_number(value) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _csv_people(value, kind: str) -> str:
    """A cell of the French CSV: decimal comma, percentages with their sign, dates dd/mm/yyyy."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return YES_NO[value]
    if _is_number(value):
        if kind == SHARE:
            fraction = formatting.to_decimal(value)
            return "" if fraction is None else formatting.spreadsheet_number((fraction * 100).normalize()) + "%"
        text = formatting.spreadsheet_number(value)
        return text + "%" if kind == PERCENT and text else text
    return csv_cell(str(value))


def _csv_machines(value) -> str:
    """A cell of the technical CSV: decimal point, ISO dates, booleans as 1/0."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, Decimal):
        return f"{value:f}"
    return csv_cell(value) if isinstance(value, str) else str(value)


class _Line:
    """The file-like object `csv.writer` writes one row to, returned as a string (for streaming)."""

    def write(self, text):
        return text


def csv_lines(columns: Sequence[Column], items: Iterable, form: str) -> Iterator[str]:
    """The CSV, row by row (the first one starting with the BOM for people)."""
    people = form == PEOPLE
    columns = [c for c in columns if (c.people if people else c.machines)]
    writer = csv.writer(_Line(), delimiter=";" if people else ",", lineterminator="\r\n")
    header = [c.header if people else c.name for c in columns]
    yield ("\ufeff" if people else "") + writer.writerow([csv_cell(h) for h in header])
    for item in items:
        if people:
            yield writer.writerow([_csv_people(*c.for_people(item)) for c in columns])
        else:
            yield writer.writerow([_csv_machines(c.read(item)) for c in columns])


def _xml_text(text: str) -> str:
    text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if "\r" in text:  # an XML reader turns a raw carriage return into a line feed
        text = text.replace("\r", "&#13;")
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f"<is><t{space}>{text}</t></is>"


def _cell_xml(ref: str, value, kind: str, style: int, date_style: int) -> str:
    """One cell of the sheet's XML: a text is an inline string (never a formula, never an error code); a number
    carries its column's number format (a percent as a fraction); a date is a date serial in a date format."""
    if value is None:
        return ""
    if isinstance(value, str):
        return f'<c r="{ref}" t="inlineStr">{_xml_text(value)}</c>' if value else ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="inlineStr">{_xml_text(YES_NO[value])}</c>'
    if isinstance(value, date):
        if isinstance(value, datetime):
            value = value.replace(tzinfo=None)
        return f'<c r="{ref}" s="{date_style}"><v>{to_excel(value)!r}</v></c>'
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""
        text = repr(value / 100 if kind == PERCENT else value)
    elif isinstance(value, Decimal):
        if not value.is_finite():
            return ""
        text = f"{value / 100 if kind == PERCENT else value:f}"
    elif isinstance(value, int):
        text = repr(value / 100) if kind == PERCENT else str(value)
    else:
        return f'<c r="{ref}" t="inlineStr">{_xml_text(str(value))}</c>'
    return f'<c r="{ref}" s="{style}"><v>{text}</v></c>' if style else f'<c r="{ref}"><v>{text}</v></c>'


#: the cell openpyxl writes where the data rows go (see `xlsx_bytes`)
_ROWS_MARK = "pilotage:lignes:0d4b7e"
_SHEET_PATH = "xl/worksheets/sheet1.xml"


def xlsx_bytes(columns: Sequence[Column], items: Iterable, form: str, title: str) -> bytes:
    """One sheet: frozen header, filters, column widths; for people, French headers and typed cells in French
    number formats; for machines, codes and plain numbers.

    openpyxl (write-only mode) writes the workbook — styles, header, frozen pane, widths, filter — with one
    marker row; the data rows are then written as the sheet's XML in its place, row by row, into the archive:
    openpyxl's own cell writer takes 2 s for the demo's 13,000 funding lines, this about a tenth of that."""
    people = form == PEOPLE
    columns = [c for c in columns if (c.people if people else c.machines)]
    workbook = Workbook(write_only=True)
    workbook.properties.title = title
    workbook.properties.creator = "Pilotage Missions Locales"
    sheet = workbook.create_sheet(title=_sheet_title(title))
    sheet.freeze_panes = "A2"
    letters = [get_column_letter(index) for index in range(1, len(columns) + 1)]
    for letter, column in zip(letters, columns, strict=True):
        sheet.column_dimensions[letter].width = column.column_width()
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = xlsx_cell(sheet, column.header if people else column.name)
        cell.font = bold
        header.append(cell)
    sheet.append(header)

    styles: dict[tuple[str, int], int] = {}

    def style_of(kind: str, places: int) -> int:
        """The workbook's style index of a number format (registered in openpyxl's styles as it is first used)."""
        key = (kind, places) if people or kind == DATE else (TEXT, 0)
        if key not in styles:
            cell = WriteOnlyCell(sheet, value=0)
            cell.number_format = _number_format(*key)
            styles[key] = cell.style_id
        return styles[key]

    date_style = style_of(DATE, 0)

    def rows_xml() -> Iterator[str]:
        index = 1
        for index, item in enumerate(items, 2):
            cells = []
            for letter, column in zip(letters, columns, strict=True):
                if people:
                    value, kind = column.for_people(item)
                else:
                    value, kind = column.read(item), TEXT
                style = style_of(kind, column.decimals(kind)) if people else 0
                cells.append(_cell_xml(f"{letter}{index}", value, kind, style, date_style))
            yield f'<row r="{index}">{"".join(cells)}</row>'
        sheet.auto_filter.ref = f"A1:{letters[-1] if letters else 'A'}{index}"

    # the rows are written first (to a temporary file past a few megabytes), since the filter's range and the
    # styles they use must be known when openpyxl writes the workbook
    with tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES) as rows:
        for row in rows_xml():
            rows.write(row.encode("utf-8"))
        sheet.append([xlsx_cell(sheet, _ROWS_MARK)])
        skeleton = io.BytesIO()
        workbook.save(skeleton)
        rows.seek(0)
        return _with_rows(skeleton, rows)


_SPOOL_BYTES = 8 * 1024 * 1024


def _with_rows(skeleton: io.BytesIO, rows) -> bytes:
    """The workbook `skeleton` with its marker row replaced by the sheet's XML rows read from the file `rows`."""
    output = io.BytesIO()
    deflated = {"compression": zipfile.ZIP_DEFLATED, "compresslevel": 1}  # level 1: 3× faster, 10 % larger
    with zipfile.ZipFile(skeleton) as source, zipfile.ZipFile(output, "w", **deflated) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename != _SHEET_PATH:
                target.writestr(info.filename, data)
                continue
            mark = data.index(_ROWS_MARK.encode())
            start, end = data.rindex(b"<row ", 0, mark), data.index(b"</row>", mark) + len(b"</row>")
            with target.open(info.filename, "w", force_zip64=True) as sheet_xml:
                sheet_xml.write(data[:start])
                shutil.copyfileobj(rows, sheet_xml, 1024 * 1024)
                sheet_xml.write(data[end:])
    return output.getvalue()


_SHEET_FORBIDDEN = re.compile(r"[\\/*?:\[\]]")


def _sheet_title(title: str) -> str:
    return _SHEET_FORBIDDEN.sub("-", title).strip("'")[:31] or "Export"


def export_response(
    request, *, columns: Sequence[Column], items: Iterable, filename: str, fmt: str, title: str, stream: bool = False
) -> HttpResponse:
    """The export in the asked format (`csv`, `xlsx`) and form (`?format=`): for people or for machines.
    `stream`: a CSV sent as it is written (a large export: the funding lines)."""
    form = export_form(request)
    if fmt not in FORMATS:
        raise Http404("Format d'export inconnu.")
    suffix = "" if form == PEOPLE else "_technique"
    if fmt == "xlsx":
        response = HttpResponse(
            xlsx_bytes(columns, items, form, title),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    elif stream:
        response = StreamingHttpResponse(csv_lines(columns, items, form), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse("".join(csv_lines(columns, items, form)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}{suffix}.{fmt}"'
    return response
