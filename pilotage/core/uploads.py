"""Checks of uploaded files that are kept as they are (signed conventions…), ADR 0013."""

import io

from django.core.exceptions import ValidationError

#: a signed convention is a scan or an export of a few pages
MAX_PDF_BYTES = 20 * 2**20


def validate_pdf(upload) -> None:
    """A PDF: at most MAX_PDF_BYTES, starting with `%PDF-`, that a PDF reader (pypdf) opens and finds pages in.
    Refused in French otherwise (a Word file renamed .pdf, an image, a broken or password-protected PDF)."""
    name = getattr(upload, "name", "le fichier")
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_PDF_BYTES:
        raise ValidationError(
            "%(name)s dépasse %(limit)s Mo : réduisez le PDF (numérisation en 200 dpi, noir et blanc).",
            code="too_large",
            params={"name": name, "limit": MAX_PDF_BYTES // 2**20},
        )
    upload.seek(0)
    data = upload.read(MAX_PDF_BYTES + 1)
    upload.seek(0)
    if len(data) > MAX_PDF_BYTES:
        raise ValidationError("%(name)s dépasse %(limit)s Mo.", code="too_large",
                              params={"name": name, "limit": MAX_PDF_BYTES // 2**20})  # fmt: skip
    if not data.startswith(b"%PDF-"):
        raise ValidationError(
            "%(name)s n'est pas un PDF (son contenu ne commence pas par « %%PDF- ») : déposez le document signé"
            " au format PDF.",
            code="not_pdf",
            params={"name": name},
        )
    from pypdf import PdfReader  # noqa: PLC0415  (pypdf: 0,4 s to import, only when a PDF arrives)

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValidationError(
                "%(name)s est protégé par un mot de passe : déposez une version sans mot de passe.",
                code="encrypted",
                params={"name": name},
            )
        pages = len(reader.pages)
    except ValidationError:
        raise
    except Exception as exc:  # pypdf raises many kinds of errors on a broken file
        raise ValidationError(
            "%(name)s est un PDF illisible (abîmé ou incomplet) : enregistrez-le à nouveau.",
            code="broken_pdf",
            params={"name": name},
        ) from exc
    if not pages:
        raise ValidationError("%(name)s est un PDF sans page.", code="empty_pdf", params={"name": name})
