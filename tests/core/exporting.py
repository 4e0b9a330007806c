"""Reading an export back as its reader would (issue 14): the XLSX with openpyxl, the CSV with the `csv` module
in the dialect of its form — `;`, decimal comma and BOM for people, `,` without BOM for machines."""

import csv
import io

from openpyxl import load_workbook


def body(response) -> bytes:
    """The bytes of a response, streamed or not."""
    return b"".join(response.streaming_content) if response.streaming else response.content


def read_people_csv(response) -> list[list[str]]:
    """The French CSV: it starts with a BOM, `;`-separated."""
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    raw = body(response)
    assert raw.startswith(b"\xef\xbb\xbf"), raw[:20]
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))


def read_machine_csv(response) -> list[list[str]]:
    """The technical CSV: no BOM, `,`-separated (RFC 4180)."""
    assert response.status_code == 200, response.status_code
    raw = body(response)
    assert not raw.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(raw.decode("utf-8"), newline=""), delimiter=","))


def as_dicts(rows: list[list]) -> list[dict]:
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def workbook_sheet(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return load_workbook(io.BytesIO(body(response))).worksheets[0]


def xlsx_cells(response) -> list[list]:
    """Every cell of the first sheet (openpyxl's `Cell`: value, data_type, number_format, font…)."""
    return [list(row) for row in workbook_sheet(response).iter_rows()]


def assert_sheet_for_people(sheet, columns: int) -> list[str]:
    """A sheet made for people: frozen header row, filters over the whole table, bold headers, set widths.
    Returns the headers."""
    assert sheet.freeze_panes == "A2"
    last = sheet.cell(row=1, column=columns).column_letter
    assert sheet.auto_filter.ref == f"A1:{last}{sheet.max_row}", (sheet.auto_filter.ref, last, sheet.max_row)
    header = list(next(sheet.iter_rows(max_row=1)))
    assert len(header) == columns, [cell.value for cell in header]
    assert all(cell.font.b for cell in header)
    for cell in header:
        assert sheet.column_dimensions[cell.column_letter].width >= 8
    return [cell.value for cell in header]
