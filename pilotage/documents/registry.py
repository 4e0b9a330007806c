"""The documents the platform produces: each domain declares its own in its `AppConfig.ready` (ADR 0008)."""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class DocumentKind:
    kind: str
    label: str
    docx_default: Path
    html_default: str
    #: builds a realistic context, used to check an uploaded template before it is accepted
    sample_context: Callable[[], dict] | None = None


_REGISTRY: dict[str, DocumentKind] = {}


def register_document(
    kind: str,
    *,
    label: str,
    docx_default: Path,
    html_default: str,
    sample_context: Callable[[], dict] | None = None,
) -> None:
    """Declare a document. `html_default` is a Django template name; `sample_context` (optional, no database
    access) lets an uploaded template be checked against every variable the document provides."""
    docx_default = Path(docx_default)
    if not docx_default.is_file():
        raise ImproperlyConfigured(f"Document {kind}: default DOCX template {docx_default} is missing.")
    _REGISTRY[kind] = DocumentKind(kind, label, docx_default, html_default, sample_context)


def document_kind(kind: str) -> DocumentKind:
    try:
        return _REGISTRY[kind]
    except KeyError:
        raise LookupError(f"Unknown document kind {kind!r}") from None


def document_label(kind: str) -> str:
    """The document's name for people; the kind itself when no app declares it (any more)."""
    spec = _REGISTRY.get(kind)
    return spec.label if spec else kind


def registered_documents() -> list[DocumentKind]:
    return sorted(_REGISTRY.values(), key=lambda d: d.label)
