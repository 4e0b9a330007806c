"""Interim rendering until the document core (`pilotage.documents.rendering`) is on main: same names, same
behaviour (docxtpl for DOCX, WeasyPrint for PDF from a Django template). Only the animation annex here."""

import io
from pathlib import Path

_REGISTRY: dict[str, dict] = {}


def register_document(kind: str, *, label: str, docx_default: Path, html_default: str) -> None:
    _REGISTRY[kind] = {"label": label, "docx": docx_default, "html": html_default}


def render_docx(kind: str, context: dict) -> bytes:
    from docxtpl import DocxTemplate

    template = DocxTemplate(str(_REGISTRY[kind]["docx"]))
    template.render(context, autoescape=True)
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


def render_pdf(kind: str, context: dict) -> bytes:
    from django.template.loader import render_to_string
    from weasyprint import HTML

    html = render_to_string(_REGISTRY[kind]["html"], context)
    return HTML(string=html).write_pdf()


def docx_text(content: bytes) -> str:
    from docx import Document

    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
