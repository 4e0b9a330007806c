"""Tabular exports (CSV for French spreadsheets, XLSX) of what a user may see."""

import csv
import io
from collections.abc import Iterable, Sequence

from django.http import Http404, HttpResponse
from openpyxl import Workbook

FORMATS = {"csv", "xlsx"}


def tabular_response(*, rows: Iterable[Sequence], header: Sequence[str], filename: str, fmt: str) -> HttpResponse:
    """CSV is `;`-separated UTF-8 with a BOM, as French spreadsheet software expects; XLSX one sheet."""
    if fmt == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=filename[:31])
        sheet.append(list(header))
        for row in rows:
            sheet.append(list(row))
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise Http404("Format d'export inconnu.")
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
