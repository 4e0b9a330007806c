"""The DGEFP replaces a document's templates in the admin; a broken template is refused in French."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pilotage.core.roles import Role
from pilotage.documents.models import DocumentTemplate
from pilotage.documents.rendering import docx_text, render_docx
from tests.documents.conftest import make_docx, sample_context
from tests.factories import user_for_role

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

pytestmark = pytest.mark.django_db


@pytest.fixture
def dgefp(client):
    user = user_for_role(Role.NATIONAL_ADMIN)
    client.force_login(user)
    return user


def upload(path):
    return SimpleUploadedFile(path.name, path.read_bytes(), content_type=DOCX_TYPE)


def test_upload_of_a_good_template_is_used_and_audited(client, dgefp, test_document, media, tmp_path):
    good = make_docx(tmp_path / "bon.docx", "VERSION DGEFP {{ total.figures }}")
    response = client.post(reverse("admin:documents_documenttemplate_add"),
                           {"kind": test_document, "docx_file": upload(good)})  # fmt: skip
    assert response.status_code == 302, response.context["adminform"].form.errors
    template = DocumentTemplate.objects.get(kind=test_document)
    assert template.history.first().history_user == dgefp
    assert "VERSION DGEFP 1\u202f234\u202f567,89\u202f€" in docx_text(render_docx(test_document, sample_context()))


def test_upload_of_a_broken_template_is_refused(client, dgefp, test_document, media, tmp_path):
    broken = make_docx(tmp_path / "casse.docx", "{% if total %} jamais fermé")
    response = client.post(reverse("admin:documents_documenttemplate_add"),
                           {"kind": test_document, "docx_file": upload(broken)})  # fmt: skip
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["docx_file"]
    assert errors[0].startswith("Modèle refusé : Le modèle contient une balise mal formée")
    assert not DocumentTemplate.objects.exists()


def test_upload_of_a_broken_html_is_refused(client, dgefp, test_document, media):
    html = SimpleUploadedFile("x.html", b"{% if total %} jamais ferm\xc3\xa9", content_type="text/html")
    response = client.post(reverse("admin:documents_documenttemplate_add"), {"kind": test_document, "html_file": html})
    assert response.status_code == 200
    assert "balise mal formée" in response.context["adminform"].form.errors["html_file"][0]


def test_unknown_kind_is_refused(client, dgefp, test_document, media, tmp_path):
    response = client.post(reverse("admin:documents_documenttemplate_add"), {"kind": "inconnu"})
    assert "kind" in response.context["adminform"].form.errors


def test_default_templates_can_be_downloaded(client, dgefp, test_document):
    page = client.get(reverse("admin:documents_documenttemplate_add")).content.decode()
    docx_url = reverse("admin:documents_documenttemplate_download", args=["defaut", test_document, "docx"])
    assert docx_url in page
    response = client.get(docx_url)
    assert response["Content-Type"] == DOCX_TYPE
    assert "Total : {{ total.figures }}" in docx_text(response.content)
    html = client.get(reverse("admin:documents_documenttemplate_download", args=["defaut", test_document, "html"]))
    assert b"{{ total.words }}" in html.content
    for which, kind, fmt in [("defaut", "inconnu", "docx"), ("defaut", test_document, "odt"),
                             ("autre", test_document, "docx")]:  # fmt: skip
        url = reverse("admin:documents_documenttemplate_download", args=[which, kind, fmt])
        assert client.get(url).status_code == 404


@pytest.mark.parametrize("role", [Role.REGIONAL_STATE, Role.ML_DIRECTOR, Role.NATIONAL_OBSERVER])
def test_only_the_dgefp_reaches_the_templates(client, test_document, role):
    client.force_login(user_for_role(role))
    assert client.get(reverse("admin:documents_documenttemplate_changelist")).status_code == 302
    url = reverse("admin:documents_documenttemplate_download", args=["defaut", test_document, "docx"])
    assert client.get(url).status_code == 302  # to the admin login


def test_a_kept_template_is_checked_again_when_its_document_changes(client, dgefp, test_document, media, tmp_path):
    """A DOCX good for the test document uses variables the avenant does not have: moving it there is refused."""
    from django.core.files.base import ContentFile

    template = DocumentTemplate(kind=test_document)
    template.docx_file.save("t.docx", ContentFile(make_docx(tmp_path / "t.docx", "{{ raw|euros }}").read_bytes()))
    response = client.post(reverse("admin:documents_documenttemplate_change", args=[template.pk]),
                           {"kind": "avenant_cpo"})  # fmt: skip
    assert response.status_code == 200
    assert "variable inconnue" in response.context["adminform"].form.errors["docx_file"][0]
    template.refresh_from_db()
    assert template.kind == test_document


def test_the_changelist_and_change_page_render(client, dgefp, test_document, media, tmp_path):
    template = DocumentTemplate.objects.create(kind=test_document)
    page = client.get(reverse("admin:documents_documenttemplate_changelist")).content.decode()
    assert "Document de test" in page
    assert client.get(reverse("admin:documents_documenttemplate_change", args=[template.pk])).status_code == 200


def test_the_template_in_use_can_be_downloaded(client, dgefp, test_document, media, tmp_path):
    from django.core.files.base import ContentFile

    url = reverse("admin:documents_documenttemplate_download", args=["en-vigueur", test_document, "docx"])
    assert "DOCUMENT PAR DÉFAUT" in docx_text(client.get(url).content)
    template = DocumentTemplate(kind=test_document)
    template.docx_file.save("t.docx", ContentFile(make_docx(tmp_path / "t.docx", "VERSION DÉPOSÉE").read_bytes()))
    assert "VERSION DÉPOSÉE" in docx_text(client.get(url).content)
    html_url = reverse("admin:documents_documenttemplate_download", args=["en-vigueur", test_document, "html"])
    assert b"{{ total.words }}" in client.get(html_url).content  # no HTML uploaded: the default
