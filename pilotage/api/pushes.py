"""What a warehouse pushes: funding lines in bulk, through the import screen's service.

`POST /api/v1/lignes-financement/import/` takes a JSON list of lines in the import format (funding-format.md)
and hands them to `funding.services.funding_lines_import` as the rows of a file: the same checks (per line, with
the territory of ADR 0014), all or nothing, idempotent (an identical push changes nothing), every write in the
history with the token's owner and the change reason « Import API … ». Line numbers are positions in the list
(1 for the first line).
"""

from decimal import Decimal

from django.contrib.auth.decorators import login_not_required
from django.utils.decorators import method_decorator
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from pilotage.api import schema
from pilotage.api.models import ApiToken
from pilotage.api.validation import RefusesControlCharactersInParams, choice_param, control_characters, shown
from pilotage.core.tabular import Row
from pilotage.funding.lines import COLUMNS
from pilotage.funding.services import funding_lines_import
from pilotage.funding.vocabulary import FundingCategory
from pilotage.reference.models import FunderType

MAX_LINES = 20_000
FIELDS = tuple(column.name for column in COLUMNS)
REQUIRED = tuple(column.name for column in COLUMNS if column.required)

LINE_SCHEMA = {
    "type": "object",
    "description": "Une ligne de financement, dans le format d'import (funding-format.md).",
    "properties": {
        "code_ml": {"type": "string", "description": "Code structure i-milo ou SIRET de la Mission Locale."},
        "annee": {"type": "integer", "minimum": 2000, "maximum": 2100},
        "financeur_type": {"type": "string", "enum": list(FunderType.values)},
        "financeur_code": {
            "type": "string",
            "description": "Code INSEE (région, département), SIREN (commune, EPCI), vide sinon.",
        },
        "categorie": {"type": "string", "enum": list(FundingCategory.values)},
        "theme": {"type": "string", "description": "Thème (faj, ase…) : pour `thematique` et `autre` seulement."},
        "montant": {
            "oneOf": [{"type": "string"}, {"type": "number", "minimum": 0}],
            "description": "Montant en euros, au plus deux décimales (nombre, ou texte comme `1 234,56`).",
        },
    },
    "required": list(REQUIRED),
    "additionalProperties": False,
    "example": {"code_ml": "13201S00", "annee": 2025, "financeur_type": "region", "financeur_code": "93",
                "categorie": "fonctionnement", "theme": "", "montant": "120000.00"},
}  # fmt: skip


REFUSED = OpenApiResponse(
    {
        "type": "object",
        "properties": {
            "detail": {"type": "string", "description": "Le refus, en une phrase."},
            "erreurs": {
                "type": "array",
                "description": "Une erreur par ligne et par champ ; vide si le corps n'est pas une liste de lignes.",
                "items": {
                    "type": "object",
                    "properties": {
                        "ligne": {"type": "integer", "nullable": True, "description": "Position dans la liste (1…)."},
                        "champ": {"type": "string", "nullable": True},
                        "valeur": {"type": "string", "nullable": True},
                        "raison": {"type": "string"},
                    },
                    "required": ["ligne", "champ", "valeur", "raison"],
                },
            },
        },
        "description": "Sans `detail` quand un paramètre est invalide : le message est rangé sous son nom.",
    },
    description="Envoi refusé en entier (rien n'est enregistré) : une erreur par ligne et par champ, en français, "
    "comme l'écran d'import (ligne, champ, valeur, raison). Une Mission Locale hors du territoire du compte ou la "
    "ligne d'un autre financeur est une erreur de la ligne.",
)
DONE = inline_serializer(
    name="PushResult",
    fields={
        "simulation": serializers.BooleanField(help_text="Vrai : vérification seule, rien n'est enregistré."),
        "crees": serializers.IntegerField(),
        "modifies": serializers.IntegerField(),
        "inchanges": serializers.IntegerField(),
    },
)


def _cell(value) -> tuple[str, str | None]:
    """A JSON value as the text of a file's cell, or the reason it cannot be one."""
    if value is None:
        return "", None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return "", "texte ou nombre attendu."
    text = value if isinstance(value, str) else str(value if isinstance(value, int) else Decimal(repr(value)))
    if control_characters(text):
        return text, f"caractère de contrôle refusé dans « {shown(text)} »."
    return text.strip(), None


class NotALineList(Exception):
    """The body is not a list of 1 to MAX_LINES lines; the message says why, in French."""


def rows_of(data) -> tuple[list[Row], list[dict]]:
    """The rows of a push, and the problems of its shape (not a list, a line not an object, unknown fields)."""
    if not isinstance(data, list):
        raise NotALineList("Une liste JSON de lignes de financement est attendue.")
    if not data:
        raise NotALineList("La liste est vide : aucune ligne à enregistrer.")
    if len(data) > MAX_LINES:
        raise NotALineList(f"Au plus {MAX_LINES} lignes par envoi (reçu {len(data)}).")
    rows, issues = [], []
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            issues.append({"ligne": number, "champ": None, "valeur": None, "raison": "objet JSON attendu."})
            continue
        values = {}
        for name, value in item.items():
            if name not in FIELDS:
                issues.append({"ligne": number, "champ": shown(str(name)), "valeur": None,
                               "raison": f"champ inconnu ; champs possibles : {', '.join(FIELDS)}."})  # fmt: skip
                continue
            text, reason = _cell(value)
            if reason:
                issues.append({"ligne": number, "champ": name, "valeur": shown(text), "raison": reason})
            values[name] = text
        for name in REQUIRED:
            if name not in item:
                issues.append({"ligne": number, "champ": name, "valeur": None, "raison": "champ obligatoire manquant."})
        rows.append(Row(number, {name: values.get(name, "") for name in FIELDS}))
    return rows, issues


@method_decorator(login_not_required, name="dispatch")
class FundingLinePushView(RefusesControlCharactersInParams, APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="lignes_financement_import",
        summary="Envoyer des lignes de financement",
        description="Enregistre une liste de lignes de financement par le service de l'écran d'import : mêmes "
        "contrôles ligne par ligne, tout ou rien, sans effet si rien ne change (renvoyer le même envoi ne "
        "modifie rien), chaque écriture historisée au nom du titulaire du jeton. Une ligne existe déjà si elle a "
        "la même Mission Locale, année, financeur, catégorie et thème : son montant est mis à jour. Le compte "
        "n'enregistre que ce que l'écran d'import lui permet (ADR 0014) : la DGEFP toute ligne, DREETS et DDETS "
        f"les lignes de l'État de leur territoire, une collectivité les siennes. Au plus {MAX_LINES} lignes ; "
        "`simulation=1` vérifie sans enregistrer. Jeton « lecture et écriture » requis.",
        tags=["Financements"],
        parameters=[
            OpenApiParameter(
                "simulation", str, enum=["0", "1"], description="1 : vérifier seulement (une valeur vide est refusée)."
            )
        ],
        request={"application/json": {"type": "array", "items": LINE_SCHEMA, "minItems": 1, "maxItems": MAX_LINES}},
        responses={
            200: DONE,
            400: REFUSED,
            401: schema.UNAUTHENTICATED,
            403: OpenApiResponse(schema.ERROR, description="Jeton en lecture seule, ou rôle sans import de lignes."),
            415: schema.UNSUPPORTED_MEDIA_TYPE,
            429: schema.THROTTLED,
        },
    )
    def post(self, request):
        simulation = choice_param(request.query_params, "simulation", ["0", "1"]) == "1"
        if not request.user.has_perm("funding.import_fundingline"):
            raise PermissionDenied("Votre rôle ne permet pas d'enregistrer des lignes de financement.")
        try:
            rows, issues = rows_of(request.data)
        except NotALineList as error:
            return Response({"detail": str(error), "erreurs": []}, status=400)
        if issues:
            return _refused(issues)
        token = request.auth
        source = f"API, jeton « {token.name} »" if isinstance(token, ApiToken) else "API"
        report = funding_lines_import(rows=rows, filename=source[:190], acting_user=request.user,
                                      wet_run=not simulation)  # fmt: skip
        if not report.ok:
            return _refused(
                [{"ligne": i.line, "champ": i.column, "valeur": i.value, "raison": i.reason} for i in report.errors]
            )
        return Response({"simulation": simulation, "crees": report.created, "modifies": report.updated,
                         "inchanges": report.unchanged})  # fmt: skip


def _refused(issues: list[dict]) -> Response:
    count = len(issues)
    detail = f"Aucune ligne enregistrée : {count} erreur{'s' if count > 1 else ''} à corriger."
    return Response({"detail": detail, "erreurs": issues}, status=400)
