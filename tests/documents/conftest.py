from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document

from pilotage.documents import registry, rendering

HERE = Path(__file__).parent


def make_docx(path: Path, *paragraphs: str, table: list[list[str]] | None = None) -> Path:
    """A small DOCX with docxtpl tags, built with python-docx (as the default templates are)."""
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row, values in zip(grid.rows, table, strict=True):
            for cell, value in zip(row.cells, values, strict=True):
                cell.text = value
    document.save(path)
    return path


def sample_context() -> dict:
    return {"total": rendering.money(Decimal("1234567.89")), "raw": Decimal("80"), "count": 71}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def test_document(settings, tmp_path):
    """A document kind `test_doc` registered for the test: DOCX default built here, HTML in tests/documents."""
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], HERE / "templates"]},
    ]
    docx = make_docx(
        tmp_path / "default.docx",
        "DOCUMENT PAR DÉFAUT",
        "Total : {{ total.figures }}",
        table=[["Montant en lettres", "{{ total.words }}"], ["Filtres", "{{ raw|euros }} / {{ raw|in_words }}"]],
    )
    registry.register_document(
        "test_doc",
        label="Document de test",
        docx_default=docx,
        html_default="documents_test/sample.html",
        sample_context=sample_context,
    )
    yield "test_doc"
    registry._REGISTRY.pop("test_doc", None)
