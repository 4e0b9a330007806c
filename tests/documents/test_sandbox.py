"""Uploaded templates run in a sandbox (issue 11, finding 1: remote code execution through a DOCX template).

Each payload of the probe would create a directory on the server if it ran; it is uploaded through the admin, as
the DGEFP would, and must be refused in French with nothing created and nothing saved. The same payloads in a
template already stored (uploaded before the sandbox) do not run when a document is generated either."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from jinja2 import UndefinedError
from jinja2.sandbox import SecurityError

from pilotage.core.roles import Role
from pilotage.documents import registry, rendering
from pilotage.documents.models import DocumentTemplate
from tests.documents.conftest import make_docx, sample_context
from tests.factories import user_for_role

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

pytestmark = pytest.mark.django_db

#: `{target}` is replaced by a path that must never exist
DOCX_PAYLOADS = {
    "cycler": "{{ cycler.__init__.__globals__.os.mkdir('{target}') }}",
    "joiner": "{{ joiner.__init__.__globals__.os.mkdir('{target}') }}",
    "namespace": "{{ namespace.__init__.__globals__.os.mkdir('{target}') }}",
    "lipsum": "{{ lipsum.__globals__['os'].mkdir('{target}') }}",
    "self": "{{ self.__init__.__globals__.__builtins__.__import__('os').mkdir('{target}') }}",
    "config": "{{ config.__class__.__init__.__globals__['os'].mkdir('{target}') }}",
    "range": "{{ range.__self__.__import__('os').mkdir('{target}') }}",
    "dict": "{{ dict.__init__.__globals__ }}{{ dict.mro()[1].__subclasses__() }}",
    "mro": "{% for c in ''.__class__.__mro__[1].__subclasses__() %}{% if c.__name__ == 'catch_warnings' %}"
    "{{ c()._module.__builtins__['__import__']('os').mkdir('{target}') }}{% endif %}{% endfor %}",
    "context value": "{{ total.figures.__class__.__mro__[1].__subclasses__() }}",
    "attr filter": "{{ (cycler|attr('__init__')|attr('__globals__'))['os'].mkdir('{target}') }}",
    "format string": "{{ '{0.__init__.__globals__[os].mkdir}'.format(cycler) }}",
    "format_map": "{{ '{c.__init__.__globals__}'.format_map({'c': cycler}) }}",
    "percent format": "{{ '%s' % cycler.__init__.__globals__ }}",
    "loop": "{% for x in [1] %}{{ loop.__init__.__globals__.os.mkdir('{target}') }}{% endfor %}",
    "mutation": "{% set l = [] %}{{ l.append(1) }}{{ total.update({'x': 1}) }}",
    "memory bomb": "{{ 'a' * 1000000000 }}",
    "power bomb": "{{ ((9 ** 99) ** 99) ** 99 }}",
    "huge range": "{% for i in range(10000000) %}x{% endfor %}",
}


@pytest.fixture
def dgefp(client):
    client.force_login(user_for_role(Role.NATIONAL_ADMIN))


@pytest.mark.parametrize("name", DOCX_PAYLOADS)
def test_docx_payload_uploaded_in_the_admin_runs_nothing(client, dgefp, test_document, media, tmp_path, name):
    target = tmp_path / "pwned"
    docx = make_docx(tmp_path / "piege.docx", "Total : {{ total.figures }}",
                     DOCX_PAYLOADS[name].replace("{target}", str(target)))  # fmt: skip
    upload = SimpleUploadedFile("piege.docx", docx.read_bytes(), content_type=DOCX_TYPE)
    url = reverse("admin:documents_documenttemplate_add")
    response = client.post(url, {"kind": test_document, "docx_file": upload})
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["docx_file"]
    assert errors[0].startswith("Modèle refusé : Le modèle "), errors
    assert not target.exists()
    assert not DocumentTemplate.objects.exists()


@pytest.mark.parametrize("name", ["cycler", "lipsum", "self", "mro", "format string", "attr filter"])
def test_docx_payload_already_stored_does_not_run_when_a_document_is_generated(test_document, media, tmp_path, name):
    target = tmp_path / "pwned"
    docx = make_docx(tmp_path / "piege.docx", DOCX_PAYLOADS[name].replace("{target}", str(target)))
    template = DocumentTemplate(kind=test_document)
    template.docx_file.save("piege.docx", ContentFile(docx.read_bytes()))
    # refused as unsafe, or (what the sandbox removed: `lipsum`…) as undefined
    with pytest.raises((SecurityError, UndefinedError)):
        rendering.render_docx(test_document, sample_context())
    assert not target.exists()


def test_what_a_template_legitimately_does_still_works(test_document, tmp_path):
    """Variables, filters, conditions, loops, `range`, `namespace`, string methods: the sandbox keeps them."""
    docx = make_docx(
        tmp_path / "ok.docx",
        "{{ total.figures }} — {{ raw|euros }} — {{ raw|in_words }} — {{ count|number_words }}",
        "{% if count > 10 %}plus de dix{% endif %} {% for i in range(3) %}[{{ i }}]{% endfor %}",
        "{% set ns = namespace(n=0) %}{% for i in range(4) %}{% set ns.n = ns.n + i %}{% endfor %}somme {{ ns.n }}",
        "{{ 'mission locale'.upper() }} {{ '%s-%s' % (1, 2) }} {{ '{} ans'.format(4) }} {{ '-' * 3 }}",
    )
    rendering.check_docx_template(test_document, docx.read_bytes())
    text = rendering.docx_text(rendering._docx_from(docx.read_bytes(), sample_context()))
    assert "1\u202f234\u202f567,89\u202f€ — 80,00\u202f€ — quatre-vingts euros — soixante et onze" in text
    assert "plus de dix [0][1][2]" in text
    assert "somme 6" in text
    assert "MISSION LOCALE 1-2 4 ans ---" in text


HTML_PAYLOADS = {
    "debug": ("{% debug %}", "la balise « debug »"),
    "include": ('{% include "admin/base.html" %}', "la balise « include »"),
    "extends": ('{% extends "base.html" %}', "la balise « extends »"),
    "url": ('{% url "admin:index" %}', "la balise « url »"),
    "lorem": ("{% lorem 100000 %}", "la balise « lorem »"),
    "load log": ("{% load log %}", "la bibliothèque « log »"),
    "load from": ("{% load get_admin_log from log %}", "la bibliothèque « log »"),
    "safe": ("{{ total.words|safe }}", "le filtre « safe »"),
    "pprint": ("{{ total|pprint }}", "le filtre « pprint »"),
    "ljust": ('{{ total.words|ljust:"1000000000" }}', "le filtre « ljust »"),
    "filter in a tag": ("{% if total|pprint %}x{% endif %}", "le filtre « pprint »"),
    "filter after a constant": ('{{ "a|b"|default:total|safe }}', "le filtre « safe »"),
}


@pytest.mark.parametrize("name", HTML_PAYLOADS)
def test_html_outside_the_allow_list_is_refused_in_the_admin(client, dgefp, test_document, media, name):
    source, reason = HTML_PAYLOADS[name]
    html = SimpleUploadedFile("x.html", f"<p>{{{{ total.figures }}}}</p>\n{source}".encode(), content_type="text/html")
    response = client.post(reverse("admin:documents_documenttemplate_add"), {"kind": test_document, "html_file": html})
    assert response.status_code == 200
    error = response.context["adminform"].form.errors["html_file"][0]
    forbidden = "interdit" if reason.startswith("le filtre") else "interdite"
    assert error == f"Modèle refusé : Le modèle HTML utilise {reason} (ligne 2), {forbidden} dans un modèle déposé."
    assert not DocumentTemplate.objects.exists()


def test_the_default_html_templates_pass_the_allow_list():
    for spec in registry.registered_documents():
        rendering.check_html_allowed(rendering.default_html_source(spec.kind))


def test_allowed_html_passes(test_document):
    rendering.check_html_allowed(
        '{% load pilotage documents %}{% load static %}<img src="{% static "x.png" %}">'
        "{% for x in rows %}{{ x.a|default:'—'|upper }}{% empty %}rien{% endfor %}{{ total.value|euros }}"
    )
    with pytest.raises(ValidationError):
        rendering.check_html_allowed("{% load i18n %}")


def test_a_docx_zip_bomb_is_refused_before_it_is_opened(client, dgefp, test_document, media, tmp_path):
    import io
    import zipfile

    docx = make_docx(tmp_path / "bombe.docx", "Total : {{ total.figures }}").read_bytes()
    source, out = zipfile.ZipFile(io.BytesIO(docx)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, source.read(info.filename))
        target.writestr("word/media/bombe.xml", b"<a/>" * 20_000_000)
    upload = SimpleUploadedFile("bombe.docx", out.getvalue(), content_type=DOCX_TYPE)
    url = reverse("admin:documents_documenttemplate_add")
    response = client.post(url, {"kind": test_document, "docx_file": upload})
    error = response.context["adminform"].form.errors["docx_file"][0]
    assert error.startswith("Modèle refusé : Le fichier Word est anormalement compressé (word/media/bombe.xml : 76 Mo")
    assert not DocumentTemplate.objects.exists()


def test_a_stored_payload_gives_a_french_page_not_a_crash(test_document, media, tmp_path):
    target = tmp_path / "pwned"
    docx = make_docx(tmp_path / "piege.docx", DOCX_PAYLOADS["cycler"].replace("{target}", str(target)))
    DocumentTemplate(kind=test_document).docx_file.save("piege.docx", ContentFile(docx.read_bytes()))
    response = rendering.document_download(test_document, "docx", sample_context(), "x.docx")
    assert response.status_code == 409
    assert (
        "Le modèle Word déposé par l'administration pour ce document ne peut pas être rempli"
        in response.content.decode()
    )
    assert not target.exists()
