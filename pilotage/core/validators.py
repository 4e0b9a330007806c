"""Validators of French identifiers, with messages users understand."""

import re

from django.core.exceptions import ValidationError
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException
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


IBAN_REASONS = {
    "InvalidChecksumDigits": "ses chiffres de contrôle (3e et 4e caractères) sont faux",
    "InvalidBBANChecksum": "la clé RIB ne correspond pas au numéro de compte",
    "InvalidLength": "sa longueur ne correspond pas à son pays (27 caractères pour la France)",
    "InvalidCountryCode": "le code pays (deux premières lettres) est inconnu",
    "InvalidStructure": "sa structure ne correspond pas à son pays",
    "InvalidBankCode": "le code banque est invalide",
    "InvalidBranchCode": "le code guichet est invalide",
    "InvalidAccountCode": "le numéro de compte est invalide",
}


def validate_iban(value: str) -> str:
    """An IBAN with its check digits and, for French accounts, the clé RIB (schwifty, validate_bban=True)."""
    try:
        return IBAN(value, validate_bban=True).compact
    except SchwiftyException as exc:
        reason = IBAN_REASONS.get(type(exc).__name__, "il est mal formé")
        raise ValidationError(f"L'IBAN « {value} » est invalide : {reason}.", code="invalid_iban") from exc


# Contact details. No phone library is installed (phonenumbers is not a dependency): a French number is
# checked by a pattern, which is all the platform needs to refuse « abc » or a lost leading zero.
POSTCODE_PATTERN = re.compile(r"(0[1-9]|[1-8]\d|9[0-5])\d{3}|9[78]\d{3}")  # metropolitan, Corsica 20xxx, overseas
PHONE_PATTERN = re.compile(r"0[1-9]\d{8}|\+33[1-9]\d{8}|\+(?!33)\d{6,15}")
PHONE_SEPARATORS = re.compile(r"[\s.\-()\u00a0\u202f]")


def validate_postcode(value: str) -> str:
    """A French postcode: five digits, département 01–95 (Corsica 20), or 97x/98x overseas; returned compact."""
    compact = re.sub(r"\s", "", value or "")
    if not POSTCODE_PATTERN.fullmatch(compact):
        hint = " (le zéro initial a-t-il disparu ?)" if re.fullmatch(r"\d{4}", compact) else ""
        raise ValidationError(
            f"Saisissez un code postal français de cinq chiffres, par exemple 13001{hint}.", code="invalid"
        )
    return compact


def validate_phone(value: str) -> str:
    """A phone number: ten digits starting with 0 (01 23 45 67 89), +33 and nine digits, or another +country
    number; spaces, dots, dashes and brackets allowed. Returned as typed."""
    digits = PHONE_SEPARATORS.sub("", value or "")
    if not PHONE_PATTERN.fullmatch(digits):
        hint = " (le zéro initial a-t-il disparu ?)" if re.fullmatch(r"[1-9]\d{8}", digits) else ""
        raise ValidationError(
            "Saisissez un numéro de téléphone de dix chiffres, par exemple 04 91 00 00 00, ou +33 4 91 00 00 00"
            f"{hint}.",
            code="invalid",
        )
    return value.strip()
