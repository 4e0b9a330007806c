"""`/api/v1/indicateurs/`: the CPO dashboard's values in the long format of cpo-indicators.md, for BI tools.

Nothing is decided here: the entities a user reads are `indicators.perms.visible_entity_codes` (the dashboard's
`sees_entity`), the version read is `indicators.queries.current_dataset_for`, and the masking of small counts is
`indicators.queries.masked_rows` (the dashboard's `masked_values`, entity by entity and breakdown by breakdown).
"""

from django.contrib.auth.decorators import login_not_required
from django.utils.decorators import method_decorator
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView

from pilotage.api import schema
from pilotage.api.pagination import CursorPagination
from pilotage.api.validation import (
    RefusesControlCharactersInParams,
    choice_param,
    choice_parameter,
    text_parameter,
    year_param,
    year_parameter,
)
from pilotage.indicators.catalogue import INDICATORS, LEVELS
from pilotage.indicators.engine.compute import BREAKDOWNS
from pilotage.indicators.masking import MASKED
from pilotage.indicators.perms import visible_entity_codes
from pilotage.indicators.queries import (
    available_years,
    current_dataset_for,
    dataset_data_date,
    dataset_rows,
    dataset_version,
    masked_rows,
)

DECIMAL = {"max_digits": 24, "decimal_places": 10, "coerce_to_string": False}


class IndicatorValueSerializer(serializers.Serializer):
    """Une valeur du tableau de bord CPO, au format long de cpo-indicators.md."""

    niveau = serializers.ChoiceField(choices=LEVELS, help_text="ml, departement, region ou national.")
    code = serializers.CharField(help_text="Code structure (ml), code INSEE (département, région) ou FR.")
    annee = serializers.IntegerField()
    indicateur = serializers.CharField(help_text="Identifiant de l'indicateur ou du ratio (ex. 2.1, R10).")
    libelle = serializers.CharField(help_text="Libellé de l'indicateur.")
    ventilation = serializers.ChoiceField(choices=BREAKDOWNS)
    valeur = serializers.DecimalField(
        allow_null=True,
        help_text="Nombre (ratio en fraction : 0.4321) ; null si inconnu ou masqué (secret statistique).",
        **DECIMAL,
    )
    secret_statistique = serializers.BooleanField(
        help_text="Vrai : petit effectif masqué pour ce compte, comme sur le tableau de bord."
    )


class DatasetSerializer(serializers.Serializer):
    """La version des indicateurs lue."""

    annee = serializers.IntegerField()
    version = serializers.IntegerField(help_text="Numéro de version de l'année (1 pour le premier chargement).")
    donnees_au = serializers.DateField(help_text="Date des données (« données au »).")
    charge_le = serializers.DateTimeField(help_text="Date et heure du chargement.")


class IndicatorPagination(CursorPagination):
    def get_paginated_response(self, data, dataset=None):
        response = super().get_paginated_response(data)
        response.data["jeu"] = dataset
        return response

    def get_paginated_response_schema(self, schema):
        result = super().get_paginated_response_schema(schema)
        result["properties"]["jeu"] = {
            "type": "object",
            "nullable": True,
            "description": "La version lue (null si aucun indicateur n'est chargé pour l'année).",
            "properties": {
                "annee": {"type": "integer"},
                "version": {"type": "integer", "description": "Numéro de version de l'année (1, 2…)."},
                "donnees_au": {"type": "string", "format": "date", "description": "Date « données au »."},
                "charge_le": {"type": "string", "format": "date-time"},
            },
            "required": ["annee", "version", "donnees_au", "charge_le"],
        }
        result["required"] = [*result.get("required", []), "jeu"]
        return result


@method_decorator(login_not_required, name="dispatch")
class IndicatorListView(RefusesControlCharactersInParams, GenericAPIView):
    pagination_class = IndicatorPagination
    serializer_class = IndicatorValueSerializer

    @extend_schema(
        operation_id="indicateurs_list",
        summary="Indicateurs du tableau de bord CPO",
        description="Les valeurs d'une année (par défaut la dernière chargée), une ligne par niveau, code, "
        "indicateur et ventilation, pour les entités dont le compte voit le tableau de bord : son territoire, sa "
        "région et la France comme repères. Les petits effectifs sont masqués comme sur le tableau de bord "
        "(`valeur` null, `secret_statistique` vrai) pour les rôles qui les voient masqués. `jeu` donne la version "
        "lue et sa date « données au ». Un code hors du périmètre donne une liste vide.",
        tags=["Indicateurs"],
        parameters=[
            year_parameter("Année des indicateurs (par défaut la dernière chargée)."),
            choice_parameter("niveau", "Niveau", enum=list(LEVELS)),
            text_parameter("code", "Code de l'entité (code structure, code INSEE ou FR)."),
            choice_parameter("indicateur", "Indicateur ou ratio", enum=list(INDICATORS)),
            choice_parameter("ventilation", "Ventilation", enum=list(BREAKDOWNS)),
        ],
        responses={
            200: IndicatorValueSerializer(many=True),
            400: schema.INVALID,
            401: schema.UNAUTHENTICATED,
            404: schema.PAGE_NOT_FOUND,
            429: schema.THROTTLED,
        },
    )
    def get(self, request):
        params = request.query_params
        year = year_param(params)
        level = choice_param(params, "niveau", list(LEVELS))
        indicator = choice_param(params, "indicateur", list(INDICATORS))
        breakdown = choice_param(params, "ventilation", list(BREAKDOWNS))
        code = params.get("code", "").strip() or None
        if year is None:
            years = available_years()
            year = years[0] if years else None
        dataset = current_dataset_for(request.user, year) if year is not None else None
        # a cursor reads on in the version it started with (or is refused: the data changed meanwhile)
        self.cursor_context = None if dataset is None else dataset.pk
        if dataset is None:
            rows = []
        else:
            entities = {
                each: visible_entity_codes(request.user, each, codes=None if code is None else [code])
                for each in LEVELS
                if level in (None, each)
            }
            rows = dataset_rows(dataset, entities, indicator=indicator, breakdown=breakdown)
        page = self.paginate_queryset(rows)
        data = [
            {
                "niveau": row.level, "code": row.code, "annee": dataset.year, "indicateur": row.indicator,
                "libelle": INDICATORS[row.indicator].label if row.indicator in INDICATORS else row.indicator,
                "ventilation": row.breakdown, "valeur": None if value == MASKED else value,
                "secret_statistique": value == MASKED,
            }
            for row, value in masked_rows(request.user, dataset, page)
        ]  # fmt: skip
        info = None
        if dataset is not None:
            info = DatasetSerializer({
                "annee": dataset.year, "version": dataset_version(dataset),
                "donnees_au": dataset_data_date(dataset), "charge_le": dataset.loaded_at,
            }).data  # fmt: skip
        return self.get_paginated_response(IndicatorValueSerializer(data, many=True).data, info)

    def get_paginated_response(self, data, dataset=None):
        return self.paginator.get_paginated_response(data, dataset)

    @staticmethod
    def cursor_key(row) -> tuple:  # the order of the (empty) list read when no indicator is loaded
        return (row.level, row.code, row.indicator, row.breakdown)
