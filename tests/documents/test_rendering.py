"""The documents core: DOCX and PDF rendered, opened again and read; the administrator's templates; no network."""

import copy
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from pilotage.documents import registry, rendering
from pilotage.documents.models import DocumentTemplate
from pilotage.documents.rendering import docx_text, pdf_text, render_docx, render_pdf
from tests.documents.conftest import make_docx, sample_context
from tests.documents.text import flat

FIGURES = "1\u202f234\u202f567,89\u202f€"
WORDS = "un million deux cent trente-quatre mille cinq cent soixante-sept euros et quatre-vingt-neuf centimes"


def test_money_gives_figures_and_words():
    assert rendering.money(Decimal("80")) == {"value": Decimal("80.00"), "figures": "80,00\u202f€",
                                              "words": "quatre-vingts euros"}  # fmt: skip


@pytest.mark.django_db
def test_default_docx_is_filled(test_document):
    text = docx_text(render_docx(test_document, sample_context()))
    assert "DOCUMENT PAR DÉFAUT" in text
    assert f"Total : {FIGURES}" in text
    assert WORDS in text  # in a table cell
    assert "80,00\u202f€ / quatre-vingts euros" in text  # the Jinja filters
    assert "{{" not in text


@pytest.mark.django_db
def test_default_pdf_is_filled(test_document):
    data = render_pdf(test_document, sample_context())
    assert data.startswith(b"%PDF")
    text = flat(pdf_text(data))
    assert flat(f"Total : {FIGURES} ({WORDS})") in text
    assert "Filtres : 80,00 € — quatre-vingts euros — soixante et onze" in text


@pytest.mark.django_db
def test_uploaded_templates_replace_the_defaults(test_document, media, tmp_path):
    custom = make_docx(tmp_path / "custom.docx", "MODÈLE DE L'ADMINISTRATION", "Montant : {{ total.words }}")
    template = DocumentTemplate(kind=test_document)
    template.docx_file.save("custom.docx", ContentFile(custom.read_bytes()), save=False)
    template.html_file.save("custom.html", ContentFile(b"<p>PDF de l'administration : {{ total.figures }}</p>"))

    text = docx_text(render_docx(test_document, sample_context()))
    assert "MODÈLE DE L'ADMINISTRATION" in text and "DOCUMENT PAR DÉFAUT" not in text
    assert f"Montant : {WORDS}" in text
    assert flat(f"PDF de l'administration : {FIGURES}") in flat(pdf_text(render_pdf(test_document, sample_context())))


@pytest.mark.django_db
def test_an_empty_upload_keeps_the_default(test_document, media):
    DocumentTemplate.objects.create(kind=test_document)
    assert "DOCUMENT PAR DÉFAUT" in docx_text(render_docx(test_document, sample_context()))


def test_unknown_kind():
    with pytest.raises(LookupError):
        registry.document_kind("nothing")


def test_register_requires_the_default_docx(tmp_path):
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        registry.register_document("x", label="X", docx_default=tmp_path / "missing.docx", html_default="x.html")


# Checks of an uploaded template


@pytest.mark.django_db
def test_check_accepts_a_good_docx(test_document, tmp_path):
    rendering.check_docx_template(test_document, make_docx(tmp_path / "ok.docx", "{{ total.figures }}").read_bytes())


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("paragraph", "message"),
    [
        ("{{ total.figures ", "balise mal formée"),
        ("{% for x in %}", "balise mal formée"),
        ("{{ montant_inconnu }}", "variable inconnue"),
        ("{{ total.inconnu }}", "variable inconnue"),
    ],
)
def test_check_refuses_a_broken_docx(test_document, tmp_path, paragraph, message):
    data = make_docx(tmp_path / "broken.docx", paragraph).read_bytes()
    with pytest.raises(ValidationError) as exc:
        rendering.check_docx_template(test_document, data)
    assert message in exc.value.messages[0]


@pytest.mark.django_db
def test_check_refuses_a_file_that_is_not_a_docx(test_document):
    with pytest.raises(ValidationError, match="pas un document Word"):
        rendering.check_docx_template(test_document, b"not a zip")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("{% if %}", "balise mal formée"),
        ("{% load inconnue %}", "la bibliothèque « inconnue » (ligne 1), interdite"),
        ("{{ total|filtre_inconnu }}", "le filtre « filtre_inconnu » (ligne 1), interdit"),
    ],
)
def test_check_refuses_a_broken_html(test_document, source, message):
    with pytest.raises(ValidationError) as exc:
        rendering.check_html_template(test_document, source.encode())
    assert message in exc.value.messages[0]


@pytest.mark.django_db
def test_check_refuses_html_not_in_utf8(test_document):
    with pytest.raises(ValidationError, match="UTF-8"):
        rendering.check_html_template(test_document, "<p>é</p>".encode("latin-1"))


# No network, no arbitrary file


@pytest.mark.parametrize(
    "url",
    ["http://example.org/style.css", "https://example.org/font.woff2", "file:///etc/passwd",
     "file:///static/../../etc/passwd", "ftp://example.org/x"],
)  # fmt: skip
def test_fetcher_refuses_anything_but_local_static_files(url):
    with pytest.raises(ValueError, match="refusée"):
        rendering._static_fetcher().fetch(url)


def test_fetcher_serves_a_static_file():
    response = rendering._static_fetcher().fetch("file:///static/dsfr/dist/dsfr.min.css")
    assert response.content_type == "text/css"
    assert len(response.read()) > 1000


def test_pdf_with_remote_resources_is_still_produced_offline():
    html = (
        '<link rel="stylesheet" href="https://example.org/x.css"><img src="http://example.org/x.png"><p>Hors ligne</p>'
    )
    assert "Hors ligne" in pdf_text(rendering.html_to_pdf(html))


def test_the_same_html_is_printed_once_and_kept_for_the_next_download(monkeypatch, settings):
    monkeypatch.setattr(rendering, "_printed", type(rendering._printed)())
    printed = []
    monkeypatch.setattr(rendering, "_print", lambda html: printed.append(html) or f"PDF {html}".encode())
    monkeypatch.setattr(rendering, "PRINTED_SIZE", 2)
    assert rendering.html_to_pdf("<p>Un</p>") == rendering.html_to_pdf("<p>Un</p>") == b"PDF <p>Un</p>"
    assert printed == ["<p>Un</p>"]
    assert rendering.html_to_pdf("<p>Un.</p>") == b"PDF <p>Un.</p>"  # another value, another PDF
    rendering.html_to_pdf("<p>Deux</p>")
    rendering.html_to_pdf("<p>Un</p>")  # the oldest of three went out (two are kept)
    assert printed == ["<p>Un</p>", "<p>Un.</p>", "<p>Deux</p>", "<p>Un</p>"]
    rendering.html_to_pdf("<p>Deux</p>")
    assert len(printed) == 4

    settings.DEBUG = True  # the print stylesheet may be edited while the development server runs
    rendering.html_to_pdf("<p>Trois</p>")
    rendering.html_to_pdf("<p>Trois</p>")
    assert printed[4:] == ["<p>Trois</p>", "<p>Trois</p>"]


def test_a_printed_pdf_kept_is_the_one_weasyprint_prints():
    html = "<p>Imprimé une fois, servi deux fois</p>"
    first = rendering.html_to_pdf(html)
    assert rendering.html_to_pdf(html) == first == rendering._print(html)
    assert "Imprimé une fois" in pdf_text(first)


@pytest.mark.django_db
def test_the_same_template_and_context_fill_the_docx_once(test_document, media, tmp_path, monkeypatch):
    monkeypatch.setattr(rendering, "_printed", type(rendering._printed)())
    filled = []
    fill = rendering._docx_from
    monkeypatch.setattr(rendering, "_docx_from", lambda *args, **kwargs: filled.append(1) or fill(*args, **kwargs))
    first = render_docx(test_document, sample_context())
    assert render_docx(test_document, sample_context()) == first and len(filled) == 1
    assert f"Total : {FIGURES}" in docx_text(first)

    other = sample_context() | {"raw": Decimal("81")}  # another value: filled again
    assert "81,00\u202f€" in docx_text(render_docx(test_document, other)) and len(filled) == 2
    template = DocumentTemplate(kind=test_document)
    template.docx_file.save("custom.docx", ContentFile(make_docx(tmp_path / "c.docx", "MODÈLE DÉPOSÉ").read_bytes()))
    assert "MODÈLE DÉPOSÉ" in docx_text(render_docx(test_document, sample_context()))  # another template
    assert len(filled) == 3

    told = {"a": [1, True, None, "x", date(2025, 1, 1), {"b": Decimal("1.0")}]}
    assert rendering._filling_key(b"t", told) == rendering._filling_key(b"t", copy.deepcopy(told))
    assert rendering._filling_key(b"u", told) != rendering._filling_key(b"t", told)
    for changed in ({"a": [1, 1, None, "x"]}, {"a": [Decimal("1.00")]}, {"a": [Decimal("1.0")]}, {"a": ["1.0"]}):
        assert rendering._filling_key(b"t", changed) not in {rendering._filling_key(b"t", told), None}
    one, one_hundredth = ({"a": [Decimal(text)]} for text in ("1.0", "1.00"))  # shown differently
    assert rendering._filling_key(b"t", one) != rendering._filling_key(b"t", one_hundredth)
    for untold in ({"a": (1, 2)}, {"a": 1.5}, {"a": DocumentTemplate()}, {"a": {1: "x"}}):
        assert rendering._filling_key(b"t", untold) is None  # not kept: filled every time
