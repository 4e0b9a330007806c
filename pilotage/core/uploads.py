"""Checks of uploaded files that are kept as they are (signed conventions…), ADR 0013."""

import io
import shutil
import zipfile
from pathlib import Path, PurePosixPath

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


#: a warehouse export sent as a zip (issue 15): its limits (settings may lower or raise them)
MAX_ZIP_RATIO = 100


def _zip_refusal(message: str, code: str, **params):
    return ValidationError(message, code=code, params=params)


def check_zip_upload(
    fileobj, *, allowed_names: set[str], max_total: int, max_ratio: int = MAX_ZIP_RATIO, name: str = "l'archive"
) -> list:
    """Check a zip before anything is extracted (ADR 0013), reading only its directory: refused in French if it
    is not a zip, if a member's name leaves the folder (`..`, an absolute path, a drive, a backslash), if a
    member is not one of `allowed_names` (a sub-folder, another file), if a name comes twice, if everything
    inflates beyond `max_total` bytes, or if a member inflates more than `max_ratio` times (a « zip bomb »).
    Returns the members (`ZipInfo`) to extract. `fileobj` is any seekable file (the upload stays on disk)."""
    try:
        fileobj.seek(0)
        members = zipfile.ZipFile(fileobj).infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise _zip_refusal("%(name)s n'est pas une archive zip lisible.", "not_zip", name=name) from exc
    kept, seen = [], set()
    for member in members:
        filename = member.filename
        path = PurePosixPath(filename.replace("\\", "/"))
        if filename.startswith(("/", "\\")) or (len(filename) > 1 and filename[1] == ":") or "\\" in filename:
            raise _zip_refusal("%(name)s contient un chemin absolu (« %(member)s ») : refusée.", "absolute_path",
                               name=name, member=filename[:200])  # fmt: skip
        if ".." in path.parts:
            raise _zip_refusal("%(name)s contient un chemin qui sort du dossier (« %(member)s ») : refusée.",
                               "path_traversal", name=name, member=filename[:200])  # fmt: skip
        if member.is_dir():
            raise _zip_refusal("%(name)s contient un dossier (« %(member)s ») : placez les fichiers à la racine de "
                               "l'archive.", "folder", name=name, member=filename[:200])  # fmt: skip
        if filename not in allowed_names:
            raise _zip_refusal("%(name)s contient un fichier inattendu (« %(member)s ») ; fichiers possibles : "
                               "%(allowed)s.", "unexpected_member", name=name, member=filename[:200],
                               allowed=", ".join(sorted(allowed_names)))  # fmt: skip
        if filename in seen:
            raise _zip_refusal("%(name)s contient deux fois « %(member)s ».", "duplicate", name=name, member=filename)
        seen.add(filename)
        if member.file_size > 2**20 and member.file_size > max_ratio * max(member.compress_size, 1):
            raise _zip_refusal(
                "%(name)s est anormalement compressée (%(member)s : %(size)s Mo pour %(packed)s octets, plus de "
                "%(ratio)s fois) : elle est refusée par prudence.", "zip_bomb", name=name, member=filename,
                size=member.file_size // 2**20, packed=member.compress_size, ratio=max_ratio,
            )  # fmt: skip
        kept.append(member)
    total = sum(member.file_size for member in kept)
    if total > max_total:
        raise _zip_refusal("%(name)s se décompresse en %(size)s Mo, au-delà de la limite de %(limit)s Mo.",
                           "too_large_uncompressed", name=name, size=total // 2**20,
                           limit=max_total // 2**20)  # fmt: skip
    if not kept:
        raise _zip_refusal("%(name)s est vide.", "empty_zip", name=name)
    fileobj.seek(0)
    return kept


def extract_zip_members(fileobj, members, folder) -> None:
    """Extract the members that `check_zip_upload` returned into `folder`, streamed, each stopped at its declared
    size (Python's reader does not inflate beyond it)."""
    archive = zipfile.ZipFile(fileobj)
    for member in members:
        target = Path(folder) / Path(member.filename).name
        with archive.open(member) as source, target.open("wb") as out:
            shutil.copyfileobj(source, out, 2**20)
