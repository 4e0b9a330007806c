"""Signed conventions are PDF only, size-limited and checked (issue 11, finding 6): on the convention's page and
in the admin, a file that is not a readable PDF is refused in French and nothing is saved."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfWriter

from pilotage.core import uploads
from pilotage.core.roles import Role
from pilotage.core.uploads import validate_pdf
from pilotage.funding.models import ConventionDocument
from tests.factories import user_for_role

pytestmark = pytest.mark.django_db


def pdf_bytes(pages=1, password=None) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx_bytes() -> bytes:
    from docx import Document

    out = io.BytesIO()
    Document().save(out)
    return out.getvalue()


@pytest.fixture
def dgefp(client, network, funded, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(user_for_role(Role.NATIONAL_ADMIN))
    return funded["cd13conv"]


def add(client, convention, name, content):
    url = reverse("funding:convention_document_add", args=[convention.pk])
    return client.post(url, {"label": "Convention signée", "file": SimpleUploadedFile(name, content)}, follow=True)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (docx_bytes(), "signee.pdf n'est pas un PDF (son contenu ne commence pas par « %PDF- »)"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "signee.pdf n'est pas un PDF"),
        (b"%PDF-1.7\nceci n'est pas un PDF", "signee.pdf est un PDF illisible (abîmé ou incomplet)"),
        (pdf_bytes(password="secret"), "signee.pdf est protégé par un mot de passe"),
    ],
)
def test_what_is_not_a_readable_pdf_is_refused_on_the_page(client, dgefp, content, reason):
    page = add(client, dgefp, "signee.pdf", content).content.decode()
    assert "Document refusé : " + reason.replace("'", "&#x27;") in page
    assert not ConventionDocument.objects.exists()


def test_a_pdf_over_the_size_limit_is_refused(client, dgefp, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_PDF_BYTES", 1000)
    page = add(client, dgefp, "gros.pdf", pdf_bytes(pages=20)).content.decode()
    assert "Document refusé : gros.pdf dépasse 0 Mo" in page
    assert not ConventionDocument.objects.exists()


def test_a_readable_pdf_is_kept(client, dgefp):
    add(client, dgefp, "signee.pdf", pdf_bytes(pages=2))
    assert ConventionDocument.objects.get().label == "Convention signée"


def test_the_admin_inline_refuses_a_renamed_file(client, dgefp):
    from pilotage.funding.admin import DocumentForm

    form = DocumentForm(data={"label": "x", "convention": dgefp.pk},
                        files={"file": SimpleUploadedFile("signee.pdf", docx_bytes())})  # fmt: skip
    assert not form.is_valid()
    assert "n'est pas un PDF" in form.errors["file"][0]


def test_validate_pdf_accepts_a_pdf():
    validate_pdf(SimpleUploadedFile("ok.pdf", pdf_bytes()))
    with pytest.raises(ValidationError):
        validate_pdf(SimpleUploadedFile("vide.pdf", b""))
