"""Validators of French identifiers, with messages users understand."""

from django.core.exceptions import ValidationError
from stdnum import exceptions as stdnum_exceptions
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret


def _check(module, value: str, label: str, length: int) -> str:
    try:
        return module.validate(value)
    except stdnum_exceptions.InvalidLength as exc:
        raise ValidationError(
            f"Le {label} doit comporter {length} chiffres (« {value} » en a {len(str(value))}).",
            code="invalid_length",
        ) from exc
    except stdnum_exceptions.InvalidFormat as exc:
        raise ValidationError(
            f"Le {label} ne doit contenir que des chiffres (reçu « {value} »).", code="invalid_format"
        ) from exc
    except stdnum_exceptions.InvalidChecksum as exc:
        raise ValidationError(
            f"Le {label} « {value} » est invalide : sa clé de contrôle (algorithme de Luhn) est fausse.",
            code="invalid_checksum",
        ) from exc
    except stdnum_exceptions.ValidationError as exc:
        raise ValidationError(f"Le {label} « {value} » est invalide.", code="invalid") from exc


def validate_siret(value: str) -> str:
    """A SIRET: 14 digits, Luhn key (La Poste's SIRETs follow their own rule, which stdnum knows)."""
    return _check(stdnum_siret, value, "SIRET", 14)


def validate_siren(value: str) -> str:
    return _check(stdnum_siren, value, "SIREN", 9)


def compact_identifier(value: str) -> str:
    """Remove the spaces, dots and dashes users put in SIRET/SIREN."""
    return stdnum_siret.compact(value or "")
