"""What the API refuses, in one place: query parameters (integers, coded values, control characters) and text
fields holding control characters. Every refusal is a 400 with a French message naming the parameter or field
and the value received.

Integers are read with `[0-9]+` (ASCII digits only): `str.isdigit()` accepts `³` or `٣`, which `int()` then
refuses, and that used to answer a 500.
"""

import re
import unicodedata

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from pilotage.funding.lines import FIRST_YEAR, LAST_YEAR

ASCII_INTEGER = re.compile(r"[0-9]{1,9}")
EMPTY_REFUSED = "une valeur vide est refusée (400)"


def shown(value: str, limit: int = 40) -> str:
    """A received value as it can be quoted in a message: control characters escaped, long values cut."""
    text = "".join(f"\\u{ord(c):04x}" if unicodedata.category(c) == "Cc" else c for c in value)
    return text if len(text) <= limit else f"{text[:limit]}…"


def control_characters(value: str, *, allow_newlines: bool = False) -> list[str]:
    """The control characters (Unicode category Cc) of `value`; tab and newlines allowed in multi-line text."""
    allowed = {"\t", "\n", "\r"} if allow_newlines else set()
    return [c for c in value if unicodedata.category(c) == "Cc" and c not in allowed]


def refuse_control_characters_in_params(params) -> None:
    """A 400 when any query parameter (name or value) holds a control character (NUL also breaks PostgreSQL)."""
    errors = {}
    for name in params:
        for value in params.getlist(name):
            if control_characters(name) or control_characters(value):
                errors[shown(name)] = f"Caractère de contrôle refusé dans « {shown(value)} »."
    if errors:
        raise ValidationError(errors)


class RefusesControlCharactersInParams:
    """Mixed into every API view: a query parameter holding a control character is a 400, once authentication,
    permissions and throttling have run (`refuse_control_characters_in_params`)."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        refuse_control_characters_in_params(request.query_params)


def int_param(params, name: str, minimum: int, maximum: int, expected: str = "Nombre entier attendu") -> int | None:
    """The value of an integer query parameter (None when absent), or a 400: empty, not ASCII digits, or out of
    bounds."""
    if name not in params:
        return None
    value = params.get(name, "").strip()
    if not value:
        raise ValidationError({name: f"Valeur vide : {expected.lower()} entre {minimum} et {maximum}."})
    if not ASCII_INTEGER.fullmatch(value):
        raise ValidationError({name: f"{expected} (chiffres 0 à 9), reçu « {shown(value)} »."})
    number = int(value)
    if not minimum <= number <= maximum:
        raise ValidationError({name: f"{expected} entre {minimum} et {maximum}, reçu « {number} »."})
    return number


def year_param(params, name: str = "annee") -> int | None:
    return int_param(params, name, FIRST_YEAR, LAST_YEAR, expected="Année attendue")


def choice_param(params, name: str, choices) -> str | None:
    """The value of a coded query parameter (None when absent), or a 400 naming the accepted values: an empty
    value is refused, not read as « absent » (the schema's enum does not contain it)."""
    if name not in params:
        return None
    value = params.get(name, "").strip()
    accepted = ", ".join(choices)
    if not value:
        raise ValidationError({name: f"Valeur vide ; valeurs possibles : {accepted}."})
    if value not in choices:
        raise ValidationError({name: f"Valeur inconnue « {shown(value)} » ; valeurs possibles : {accepted}."})
    return value


#: the schema of a free text parameter: any text but control characters (refused with a 400)
TEXT_PARAMETER_SCHEMA = {"type": "string", "pattern": "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"}


def text_parameter(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(
        name, TEXT_PARAMETER_SCHEMA, OpenApiParameter.QUERY,
        description=f"{description} Un caractère de contrôle est refusé (400).",
    )  # fmt: skip


def year_parameter(description: str) -> OpenApiParameter:
    """The schema of `annee`: an integer within the years the platform accepts."""
    return OpenApiParameter(
        "annee",
        {"type": "integer", "minimum": FIRST_YEAR, "maximum": LAST_YEAR},
        OpenApiParameter.QUERY,
        description=f"{description} Entier de {FIRST_YEAR} à {LAST_YEAR} ; {EMPTY_REFUSED}.",
    )


def choice_parameter(name: str, description: str, enum) -> OpenApiParameter:
    return OpenApiParameter(
        name, OpenApiTypes.STR, OpenApiParameter.QUERY, description=f"{description} ({EMPTY_REFUSED}).", enum=enum
    )


class NoControlCharacters:
    """A serializer validator: refuses control characters (tab and newlines allowed in multi-line text)."""

    def __init__(self, *, allow_newlines: bool = False):
        self.allow_newlines = allow_newlines

    def __call__(self, value):
        if isinstance(value, str) and (found := control_characters(value, allow_newlines=self.allow_newlines)):
            codes = ", ".join(sorted({f"U+{ord(c):04X}" for c in found}))
            raise serializers.ValidationError(f"Caractère de contrôle refusé ({codes}) dans « {shown(value)} ».")


class TextField(serializers.CharField):
    """A text field that refuses control characters; `multiline=True` allows tab and newlines."""

    def __init__(self, *, multiline: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(NoControlCharacters(allow_newlines=multiline))


class EmptyAsNullMixin:
    """A text stored as "" (unknown) is given as null, so that a pattern or format in the schema holds for
    every value given; on input, null and "" both mean « unknown » and are stored as ""."""

    def to_representation(self, value):
        return super().to_representation(value) if value else None

    def run_validation(self, data=serializers.empty):
        return super().run_validation("" if data is None else data)


class OptionalEmailField(EmptyAsNullMixin, serializers.EmailField):
    pass


class OptionalRegexField(EmptyAsNullMixin, serializers.RegexField):
    pass
