"""Tabular exports (CSV for French spreadsheets, XLSX) of what a user may see.

Every CSV or XLSX the platform produces goes through `tabular_response` (the indicators engine's CSV through
`csv_cell`; a test checks that nothing else writes one), and so through one defence against formula injection
(ADR 0013): a text typed by someone (a Mission Locale's name, a survey's free answer, a funding theme) that
starts like a formula — `=`, `+`, `-`, `@`, a tab, a carriage return or a line feed, or their full-width forms
`＝＋－＠` — must never run when the file is opened in a spreadsheet:
- CSV: the text is written behind an apostrophe (`'=1+1`), which spreadsheets show as text;
- XLSX: the cell is a string cell (openpyxl would otherwise store a text starting with `=` as a formula); its
  value is kept unchanged.
Numbers stay numbers (a negative amount is a number, not a text); a text that is only a number (`-12`, `+3,5`)
is left as it is, since a spreadsheet reads it as that number and nothing else. Control characters that XLSX
cannot hold (NUL…) become U+FFFD instead of failing the export.
"""

import csv
import io
import re
from collections.abc import Iterable, Sequence

from django.http import Http404, HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

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


def tabular_response(*, rows: Iterable[Sequence], header: Sequence[str], filename: str, fmt: str) -> HttpResponse:
    """CSV (`csv_text`) or XLSX (one sheet, `xlsx_cell`)."""
    if fmt == "csv":
        return csv_response(csv_text(rows=rows, header=header), f"{filename}.csv")
    if fmt != "xlsx":
        raise Http404("Format d'export inconnu.")
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=filename[:31])
    sheet.append([xlsx_cell(sheet, value) for value in header])
    for row in rows:
        sheet.append([xlsx_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
