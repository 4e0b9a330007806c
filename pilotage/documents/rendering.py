"""Official documents generated from the data: a DOCX (editable, docxtpl) and a PDF (WeasyPrint) per kind.

Each app registers its documents at startup (`registry.register_document` in its `AppConfig.ready`). A document has
two templates: a DOCX with docxtpl (Jinja2) tags and a Django HTML template for the PDF. The defaults live in
the code; an administrator may upload replacements (`DocumentTemplate`), which are used instead.

docxtpl uses Jinja2, not Django: the context must hold preformatted strings (`money()` gives an amount in
figures and in words), although the Jinja filters `euros`, `in_words` and `number_words` exist in both.
"""

import hashlib
import io
import json
import mimetypes
import threading
import zipfile
from collections import OrderedDict
from datetime import date
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote, urlsplit

import jinja2
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.template import TemplateSyntaxError, engines
from django.template.base import Lexer, TokenType, filter_re
from django.template.loader import get_template
from docx import Document
from docx.table import Table
from docxtpl import DocxTemplate
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from pilotage.core.tabular import UnreadableFile, check_zip_archive
from pilotage.core.templatetags.pilotage import euros
from pilotage.documents.models import DocumentTemplate
from pilotage.documents.registry import document_kind
from pilotage.documents.words import amount_in_words, number_in_words, to_amount

# Formatting, shared by both engines


def money(amount) -> dict:
    """An amount as the templates show it: {"value": Decimal, "figures": "1 234,50 €", "words": "mille…"}."""
    value = to_amount(amount if amount is not None else Decimal("0"))
    return {"value": value, "figures": euros(value), "words": amount_in_words(value)}


MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre"]  # fmt: skip


def french_date(day) -> str:
    """date(2025, 1, 1) → « 1er janvier 2025 »; date(2025, 3, 15) → « 15 mars 2025 »."""
    return f"{'1er' if day.day == 1 else day.day} {MONTHS[day.month - 1]} {day.year}"


def in_words(value) -> str:
    return amount_in_words(to_amount(value))


#: the largest string, list or number a template may build with `*` or `**` (a memory bomb is refused)
MAX_TEMPLATE_PRODUCT = 1_000_000


class _TemplateSandbox(ImmutableSandboxedEnvironment):
    """Jinja for templates written by someone else than the developers (an administrator's upload): no
    attribute starting with `_` (`__init__.__globals__`, `__class__.__mro__`…), no internal attribute of
    functions, frames or generators, no `str.format` walk (`"{0.__class__}".format(x)`), no mutation of the
    context's lists and dicts, `range` capped by Jinja (100 000), and no huge product (`"a" * 10**9`,
    `9 ** 9 ** 9`). Only the globals a document needs: `range`, `dict`, `namespace`, `loop` in loops; not
    `lipsum`, `cycler`, `joiner` (nor Flask's `config`, `request`, `self` is only the template's blocks)."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context, operator, left, right):
        if operator == "**":
            if isinstance(left, int) and isinstance(right, int) and left.bit_length() * right > 100_000:
                raise SecurityError("nombre trop grand")
            result_size = None
        else:
            sizes = [len(v) for v in (left, right) if isinstance(v, str | list | tuple)]
            counts = [v for v in (left, right) if isinstance(v, int) and not isinstance(v, bool)]
            result_size = sizes[0] * counts[0] if sizes and counts else None
        if result_size is not None and result_size > MAX_TEMPLATE_PRODUCT:
            raise SecurityError("texte ou liste trop long")
        return super().call_binop(context, operator, left, right)


def _jinja_env(strict: bool = False) -> jinja2.Environment:
    """The sandboxed Jinja environment of every DOCX template, the default ones and the uploaded ones alike."""
    env = _TemplateSandbox(autoescape=True, undefined=jinja2.StrictUndefined if strict else jinja2.Undefined)
    env.globals = {name: env.globals[name] for name in ("range", "dict", "namespace")}
    env.filters.update({"euros": euros, "in_words": in_words, "number_words": number_in_words})
    return env


# Templates: the administrator's if any, else the default


def _uploaded(kind: str):
    return DocumentTemplate.objects.filter(kind=kind).first()


def docx_template_bytes(kind: str) -> bytes:
    custom = _uploaded(kind)
    if custom and custom.docx_file:
        with custom.docx_file.open("rb") as handle:
            return handle.read()
    return document_kind(kind).docx_default.read_bytes()


def html_template_source(kind: str) -> str:
    custom = _uploaded(kind)
    if custom and custom.html_file:
        with custom.html_file.open("rb") as handle:
            return handle.read().decode("utf-8")
    return default_html_source(kind)


def default_html_source(kind: str) -> str:
    template = get_template(document_kind(kind).html_default)
    return Path(template.origin.name).read_text(encoding="utf-8")


# Rendering


def _docx_from(template: bytes, context: dict, *, strict: bool = False) -> bytes:
    document = DocxTemplate(io.BytesIO(template))
    document.render(context, jinja_env=_jinja_env(strict), autoescape=True)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def render_docx(kind: str, context: dict) -> bytes:
    """The DOCX of `kind` filled with `context` (preformatted strings; see `money`). The same template filled
    with the same context is the same document: the last ones filled are kept, as the PDFs are (`html_to_pdf`)."""
    document_kind(kind)
    template = docx_template_bytes(kind)
    key = _filling_key(template, context)
    if key is None:
        return _docx_from(template, context)
    return _kept(key, lambda: _docx_from(template, context))


def _canonical(value) -> object:
    """`value` as JSON that tells it whole, or TypeError: text, integers, Decimals, dates, None, booleans, lists and
    dicts with text keys only (a model object's or a tuple's text would not tell its whole state)."""
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    if isinstance(value, date):
        return {type(value).__name__: value.isoformat()}
    if isinstance(value, list):
        return [_canonical(item) for item in value]
    if isinstance(value, dict) and all(isinstance(name, str) for name in value):
        return {"dict": {name: _canonical(item) for name, item in value.items()}}
    raise TypeError(type(value).__name__)


def _filling_key(template: bytes, context: dict) -> bytes | None:
    """The SHA-256 of a DOCX template and of its context; None when the context cannot be told whole."""
    try:
        text = json.dumps(_canonical(context), sort_keys=True, ensure_ascii=False)
    except TypeError:
        return None
    return b"docx:" + hashlib.sha256(hashlib.sha256(template).digest() + text.encode("utf-8")).digest()


def _html_from(source: str, context: dict) -> str:
    return engines["django"].from_string(source).render(context)


def render_html(kind: str, context: dict) -> str:
    document_kind(kind)
    return _html_from(html_template_source(kind), context)


#: base URL of the HTML documents: `{% static %}` URLs ("/static/…") resolve to file:///static/…
_BASE_URL = "file:///"


def _static_fetcher():
    from weasyprint.urls import URLFetcher, URLFetcherResponse  # noqa: PLC0415  (WeasyPrint: 1 s to import)

    class StaticFilesOnly(URLFetcher):
        """Serves local static files (fonts, stylesheets, images); refuses every other URL, so that a
        document never reaches the network nor reads an arbitrary file."""

        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            prefix = "/" + settings.STATIC_URL.strip("/") + "/"
            if parts.scheme == "data":
                return super().fetch(url, headers)
            if parts.scheme != "file" or parts.netloc or not parts.path.startswith(prefix):
                raise ValueError(f"Ressource refusée : {url}")
            relative = unquote(parts.path[len(prefix) :])
            if ".." in Path(relative).parts:
                raise ValueError(f"Ressource refusée : {url}")
            found = finders.find(relative)
            if not found:
                raise ValueError(f"Fichier statique introuvable : {relative}")
            content_type = mimetypes.guess_type(relative)[0] or "application/octet-stream"
            return URLFetcherResponse(url, Path(found).read_bytes(), {"Content-Type": content_type})

    return StaticFilesOnly()


#: the last documents made (PDFs by the SHA-256 of their HTML, DOCX by that of their template and context): at
#: most this many, each at most PRINTED_MAX_BYTES
PRINTED_SIZE = 16
PRINTED_MAX_BYTES = 4 * 2**20
_printed: OrderedDict[bytes, bytes] = OrderedDict()
_printed_lock = threading.Lock()


def _kept(key: bytes, make) -> bytes:
    """The document kept under `key`, else `make()` (kept for the next time unless in DEBUG, or too large)."""
    with _printed_lock:
        if key in _printed:
            _printed.move_to_end(key)
            return _printed[key]
    data = make()
    if not settings.DEBUG and len(data) <= PRINTED_MAX_BYTES:
        with _printed_lock:
            _printed[key] = data
            while len(_printed) > PRINTED_SIZE:
                _printed.popitem(last=False)
    return data


def html_to_pdf(html: str) -> bytes:
    """The PDF of `html`, printed by WeasyPrint (0.1 to 0.3 s of a worker's CPU for a document of a few pages).

    The same HTML prints the same PDF, and a document is often downloaded again unchanged: the avenant of a
    signed convention by each of its partners, a dialogue's synthesis by the Mission Locale and by the State
    services. The last ones printed are kept in the process, keyed by the hash of their HTML, which holds every
    value and the template (the administrator's or the default): any change of either is another key, nothing is
    ever stale. The static files a document uses (stylesheet, fonts) change only with a deployment, hence a new
    process; not kept in DEBUG, where they may be edited while the server runs."""
    return _kept(b"pdf:" + hashlib.sha256(html.encode("utf-8")).digest(), lambda: _print(html))


def _print(html: str) -> bytes:
    from weasyprint import HTML  # noqa: PLC0415  (WeasyPrint: 1 s to import)

    return HTML(string=html, base_url=_BASE_URL, url_fetcher=_static_fetcher()).write_pdf()


def render_pdf(kind: str, context: dict) -> bytes:
    """The PDF of `kind`: its HTML template (the administrator's or the default) printed by WeasyPrint."""
    return html_to_pdf(render_html(kind, context))


# Downloads

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def document_download(kind: str, fmt: str, context: dict, filename: str):
    """The DOCX or PDF of `kind` as an attachment response; an unknown format is a 404. An uploaded template that
    cannot be filled for this object (refused by the sandbox, a variable missing here) gives a French page."""
    if fmt not in CONTENT_TYPES:
        raise Http404("Format inconnu.")
    try:
        data = render_docx(kind, context) if fmt == "docx" else render_pdf(kind, context)
    except jinja2.TemplateError:
        if _uploaded(kind) is None:
            raise
        return HttpResponse(
            '<!doctype html><html lang="fr"><meta charset="utf-8"><title>Document indisponible</title>'
            "<p>Le modèle Word déposé par l'administration pour ce document ne peut pas être rempli ici. Prévenez"
            " l'administration de la plateforme : supprimer le modèle déposé rétablit le modèle par défaut.</p>",
            status=409,
            content_type="text/html; charset=utf-8",
        )
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# Reading documents back (tests, checks)


def _docx_blocks(container):
    """Paragraphs and tables in document order; a merged cell is read once."""
    for block in container.iter_inner_content():
        if not isinstance(block, Table):
            yield block.text
            continue
        for row in block.rows:
            seen = set()
            for cell in row.cells:
                if id(cell._tc) in seen:
                    continue
                seen.add(id(cell._tc))
                yield from _docx_blocks(cell)


def docx_text(data: bytes) -> str:
    """All the text of a DOCX: paragraphs, table cells (nested too), headers and footers, one block a line."""
    document = Document(io.BytesIO(data))
    blocks = list(_docx_blocks(document))
    for section in document.sections:
        for part in (section.header, section.footer):
            blocks.extend(_docx_blocks(part))
    return "\n".join(blocks)


def pdf_text(data: bytes) -> str:
    """The text of every page of a PDF (pypdf)."""
    from pypdf import PdfReader  # noqa: PLC0415  (pypdf: 0,4 s to import)

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


# Checking an administrator's template

#: an uploaded template (DOCX or HTML) is at most this size; a DOCX's archive is also measured before it is opened
MAX_TEMPLATE_BYTES = 10 * 2**20


def check_docx_template(kind: str, data: bytes) -> None:
    """Refuse (ValidationError, in French) a DOCX template that does not render with the sample context."""
    if len(data) > MAX_TEMPLATE_BYTES:
        raise ValidationError("Le modèle dépasse %(limit)s Mo.", code="too_large",
                              params={"limit": MAX_TEMPLATE_BYTES // 2**20})  # fmt: skip
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ValidationError("Ce fichier n'est pas un document Word (.docx).", code="not_docx")
    try:
        check_zip_archive(data, kind="Word")
    except UnreadableFile as exc:
        raise ValidationError(
            "%(reason)s", code="zip_bomb", params={"reason": exc.reason[:1].upper() + exc.reason[1:]}
        ) from exc
    spec = document_kind(kind)
    sample = spec.sample_context() if spec.sample_context else {}
    try:
        _docx_from(data, sample, strict=spec.sample_context is not None)
    except SecurityError as exc:
        raise ValidationError(
            "Le modèle contient une instruction interdite (%(error)s) : un modèle ne peut qu'afficher les variables"
            " du document, avec des conditions, des boucles et des filtres.",
            code="forbidden",
            params={"error": (str(exc) or "accès refusé").rstrip(".")},
        ) from exc
    except jinja2.UndefinedError as exc:
        raise ValidationError(
            "Le modèle utilise une variable inconnue (%(error)s). Partez du modèle par défaut pour voir les "
            "variables disponibles.",
            code="unknown_variable",
            params={"error": (exc.message or "").rstrip(".")},
        ) from exc
    except jinja2.TemplateSyntaxError as exc:
        raise ValidationError(
            "Le modèle contient une balise mal formée (ligne %(line)s) : %(error)s.",
            code="syntax",
            params={"line": exc.lineno, "error": (exc.message or "").rstrip(".")},
        ) from exc
    except Exception as exc:  # a corrupt file, a tag docxtpl cannot place
        raise ValidationError(
            "Le modèle Word ne peut pas être rempli : %(error)s.", code="broken", params={"error": exc}
        ) from exc


def check_html_template(kind: str, data: bytes) -> None:
    """Refuse an HTML template that is not UTF-8, not valid Django template syntax or fails to render."""
    spec = document_kind(kind)
    if len(data) > MAX_TEMPLATE_BYTES:
        raise ValidationError("Le modèle dépasse %(limit)s Mo.", code="too_large",
                              params={"limit": MAX_TEMPLATE_BYTES // 2**20})  # fmt: skip
    try:
        source = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValidationError("Le modèle HTML doit être encodé en UTF-8.", code="encoding") from exc
    check_html_allowed(source)
    sample = spec.sample_context() if spec.sample_context else {}
    try:
        html = _html_from(source, sample)
    except TemplateSyntaxError as exc:
        raise ValidationError(
            "Le modèle HTML contient une balise mal formée : %(error)s.", code="syntax", params={"error": exc}
        ) from exc
    except Exception as exc:
        raise ValidationError(
            "Le modèle HTML ne peut pas être rempli : %(error)s.", code="broken", params={"error": exc}
        ) from exc
    try:
        html_to_pdf(html)
    except Exception as exc:
        raise ValidationError(
            "Le PDF ne peut pas être produit depuis ce modèle : %(error)s.", code="pdf", params={"error": exc}
        ) from exc


#: the Django template tags an uploaded HTML template may use: display, conditions, loops, static files; not
#: `include`/`extends` (other templates), `debug` (the context and settings), `url`, `csrf_token`, `lorem`…
ALLOWED_HTML_TAGS = frozenset(
    [
        "if",
        "elif",
        "else",
        "endif",
        "for",
        "empty",
        "endfor",
        "with",
        "endwith",
        "load",
        "comment",
        "endcomment",
        "spaceless",
        "endspaceless",
        "firstof",
        "cycle",
        "resetcycle",
        "ifchanged",
        "endifchanged",
        "regroup",
        "now",
        "static",
        "verbatim",
        "endverbatim",
        "templatetag",
        "widthratio",
    ]
)
#: the tag libraries it may load
ALLOWED_HTML_LIBRARIES = frozenset({"pilotage", "documents", "static"})
#: the filters it may use: Django's text and number filters and the platform's (`euros`, `in_words`…); not
#: `safe`/`safeseq` (raw HTML from the data), `pprint` (objects' internals), padding filters (memory)
ALLOWED_HTML_FILTERS = frozenset(
    [
        "add",
        "addslashes",
        "capfirst",
        "cut",
        "date",
        "default",
        "default_if_none",
        "dictsort",
        "dictsortreversed",
        "divisibleby",
        "escape",
        "escapejs",
        "filesizeformat",
        "first",
        "floatformat",
        "force_escape",
        "get_digit",
        "iriencode",
        "join",
        "last",
        "length",
        "length_is",
        "linebreaks",
        "linebreaksbr",
        "linenumbers",
        "lower",
        "make_list",
        "phone2numeric",
        "pluralize",
        "random",
        "slice",
        "slugify",
        "stringformat",
        "striptags",
        "time",
        "timesince",
        "timeuntil",
        "title",
        "truncatechars",
        "truncatechars_html",
        "truncatewords",
        "truncatewords_html",
        "unordered_list",
        "upper",
        "urlencode",
        "urlize",
        "urlizetrunc",
        "wordcount",
        "wordwrap",
        "yesno",
        "euros",
        "pct",
        "pct_signed",
        "in_words",
        "number_words",
    ]
)


def check_html_allowed(source: str) -> None:
    """Refuse (ValidationError, in French) an HTML template using a tag, a library or a filter outside the
    allow-lists above. Reads the template's tokens as Django does, so nothing of it is run."""

    def refuse(what, name, line):
        forbidden = "interdit" if what == "le filtre" else "interdite"
        raise ValidationError(
            "Le modèle HTML utilise %(what)s « %(name)s » (ligne %(line)s), %(forbidden)s dans un modèle déposé.",
            code="forbidden",
            params={"what": what, "name": name, "line": line, "forbidden": forbidden},
        )

    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            bits = token.split_contents()
            if not bits:
                continue
            if bits[0] not in ALLOWED_HTML_TAGS:
                refuse("la balise", bits[0], token.lineno)
            if bits[0] == "load":
                libraries = bits[-1:] if "from" in bits else bits[1:]
                for library in libraries:
                    if library not in ALLOWED_HTML_LIBRARIES:
                        refuse("la bibliothèque", library, token.lineno)
            expression = " ".join(bits[1:])
        elif token.token_type == TokenType.VAR:
            expression = token.contents
        else:
            continue
        for match in filter_re.finditer(expression):
            name = match.group("filter_name")
            if name and name not in ALLOWED_HTML_FILTERS:
                refuse("le filtre", name, token.lineno)
