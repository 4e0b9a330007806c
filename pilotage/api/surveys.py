"""Surveys through the API: the visible surveys, their results as the results page shows them (published tables
with their bases, small counts masked for those who read them masked) and, for their managers only, the
responses. Everything comes from the surveys app: `Survey.objects.visible_to`, `queries.results_for`,
`queries.submitted_responses`, the permission `surveys.manage_survey` (the page's `_managed`: 404 otherwise)."""

from django.contrib.auth.decorators import login_not_required
from django.utils.decorators import method_decorator
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from pilotage.api import schema
from pilotage.api.exceptions import NOT_FOUND_MESSAGE
from pilotage.api.pagination import ApiPagination
from pilotage.api.sync import UpdatedAtField, sync_filter, with_updated_at
from pilotage.api.validation import RefusesControlCharactersInParams
from pilotage.indicators.masking import MASKED
from pilotage.surveys.models import Survey, SurveyStatus
from pilotage.surveys.perms import sees_exact_results
from pilotage.surveys.queries import results_for, submitted_responses

DECIMAL = {"max_digits": 20, "decimal_places": 2, "coerce_to_string": False, "allow_null": True}


class SurveySerializer(serializers.ModelSerializer):
    """Une enquête : son questionnaire, sa région (vide pour une enquête nationale), son état."""

    titre = serializers.CharField(source="title", read_only=True)
    questionnaire = serializers.CharField(source="questionnaire.title", read_only=True)
    region = serializers.CharField(source="region_id", read_only=True, allow_null=True)
    statut = serializers.ChoiceField(source="status", choices=SurveyStatus.choices, read_only=True)
    date_limite = serializers.DateTimeField(source="deadline", read_only=True)
    resultats_publies = serializers.BooleanField(source="results_published", read_only=True)
    modifie_le = UpdatedAtField()

    class Meta:
        model = Survey
        fields = ["id", "titre", "questionnaire", "region", "statut", "date_limite", "resultats_publies",
                  "modifie_le"]  # fmt: skip


class ResultRowSerializer(serializers.Serializer):
    """Une réponse possible (ou un regroupement) : son effectif et ses pourcentages."""

    valeur = serializers.CharField()
    libelle = serializers.CharField()
    effectif = serializers.IntegerField(allow_null=True, help_text="null si masqué (secret statistique).")
    secret_statistique = serializers.BooleanField()
    pct_base = serializers.DecimalField(**DECIMAL, help_text="Pourcentage de la base (arrondi à 0,1).")
    pct_ensemble = serializers.DecimalField(**DECIMAL, help_text="Pourcentage de l'ensemble des répondants.")


class QuestionResultSerializer(serializers.Serializer):
    """Le tableau d'une question, avec sa base, comme la page de résultats le publie."""

    section = serializers.CharField()
    code = serializers.CharField()
    question = serializers.CharField()
    condition = serializers.CharField(help_text="À qui la question a été posée (vide : à tous).")
    interroges = serializers.IntegerField(help_text="Répondants à qui la question a été posée.")
    base = serializers.IntegerField(allow_null=True, help_text="Répondants qui y ont répondu (null si masqué).")
    base_secret_statistique = serializers.BooleanField()
    lignes = ResultRowSerializer(many=True)
    regroupements = ResultRowSerializer(many=True)
    statistiques = serializers.DictField(
        child=serializers.DecimalField(**DECIMAL),
        help_text="Pour un nombre ou un montant : n, total, mean, median, min, max (null si masqué).",
    )
    textes = serializers.ListField(child=serializers.CharField(), help_text="Réponses libres.")


class SurveyResultsSerializer(serializers.Serializer):
    """Les résultats d'une enquête."""

    enquete = SurveySerializer()
    repondants = serializers.IntegerField()
    chiffres_exacts = serializers.BooleanField(help_text="Faux : petits effectifs masqués pour ce compte.")
    questions = QuestionResultSerializer(many=True)


class SurveyResponseSerializer(serializers.Serializer):
    """Une réponse envoyée : la cible (Mission Locale ou financeur) et ses réponses brutes."""

    id = serializers.IntegerField()
    code_ml = serializers.CharField(allow_null=True, help_text="La Mission Locale qui a répondu.")
    financeur = serializers.IntegerField(allow_null=True, help_text="Le financeur qui a répondu (`id`).")
    envoyee_le = serializers.DateTimeField(allow_null=True)
    reponses = serializers.DictField(help_text="Code de la question → réponse.")


def _hidden(value):
    return None if value == MASKED else value


def _row(row) -> dict:
    return {"valeur": row.value, "libelle": row.label, "effectif": _hidden(row.count),
            "secret_statistique": row.count == MASKED, "pct_base": row.pct, "pct_ensemble": row.pct_all}  # fmt: skip


def results_data(user, survey) -> dict:
    questions, responses, items = results_for(user, survey)
    return {
        "enquete": SurveySerializer(survey).data,
        "repondants": len(responses),
        "chiffres_exacts": sees_exact_results(user, survey),
        "questions": [
            {
                "section": item.question.section.title, "code": item.question.code, "question": item.question.text,
                "condition": item.condition_text, "interroges": item.asked, "base": _hidden(item.base),
                "base_secret_statistique": item.base == MASKED, "lignes": [_row(r) for r in item.rows],
                "regroupements": [_row(r) for r in item.groups],
                "statistiques": {k: _hidden(v) for k, v in item.stats.items()}, "textes": item.texts,
            }
            for item in items
        ],
    }  # fmt: skip


READ_ERRORS = {400: schema.INVALID, 401: schema.UNAUTHENTICATED, 404: schema.NOT_FOUND, 429: schema.THROTTLED}


@extend_schema_view(
    list=extend_schema(
        summary="Enquêtes visibles",
        description="La DGEFP et l'UNML : toutes les enquêtes ; une DREETS : celles de sa région et celles dont les "
        "résultats sont publiés ; les autres comptes : les enquêtes dont les résultats sont publiés au réseau.",
        tags=["Enquetes"],
        responses={
            200: SurveySerializer,
            400: schema.INVALID,
            401: schema.UNAUTHENTICATED,
            404: schema.PAGE_NOT_FOUND,
            429: schema.THROTTLED,
        },  # fmt: skip
    ),
    retrieve=extend_schema(summary="Une enquête", tags=["Enquetes"], responses={200: SurveySerializer, **READ_ERRORS}),
)
@method_decorator(login_not_required, name="dispatch")
class SurveyViewSet(RefusesControlCharactersInParams, viewsets.ReadOnlyModelViewSet):
    queryset = Survey.objects.none()
    serializer_class = SurveySerializer
    pagination_class = ApiPagination

    def get_queryset(self):
        queryset = Survey.objects.visible_to(self.request.user).select_related("questionnaire").order_by("-deadline")
        if self.action == "list":
            return sync_filter(queryset, self.request.query_params)
        return with_updated_at(queryset)

    @extend_schema(
        summary="Résultats d'une enquête",
        description="Chaque question avec sa base (« parmi les N qui ont répondu… »), ses effectifs et pourcentages, "
        "comme la page de résultats : petits effectifs masqués (`secret_statistique`) pour les comptes qui les "
        "voient masqués (ni service de l'État ni gestionnaire de l'enquête).",
        tags=["Enquetes"],
        responses={200: SurveyResultsSerializer, **READ_ERRORS},
    )
    @action(detail=True, methods=["get"], url_path="resultats")
    def results(self, request, pk=None, format=None):  # noqa: A002  (DRF's format suffix)
        survey = self.get_object()
        return Response(results_data(request.user, survey))

    @extend_schema(
        summary="Réponses d'une enquête (gestionnaires)",
        description="Les réponses envoyées, brutes, pour les gestionnaires de l'enquête seulement (la DGEFP, la "
        "DREETS de sa région, l'organisme national qui l'a lancée) ; pour les autres comptes : 404, comme la page.",
        tags=["Enquetes"],
        responses={200: SurveyResponseSerializer(many=True), **READ_ERRORS},
    )
    @action(detail=True, methods=["get"], url_path="reponses", pagination_class=ApiPagination)
    def responses(self, request, pk=None, format=None):  # noqa: A002  (DRF's format suffix)
        survey = self.get_object()
        if not request.user.has_perm("surveys.manage_survey", survey):
            raise NotFound(NOT_FOUND_MESSAGE)
        page = self.paginate_queryset(submitted_responses(survey))
        data = [
            {"id": r.pk, "code_ml": r.target.mission_locale.code if r.target.mission_locale_id else None,
             "financeur": r.target.funder_id, "envoyee_le": r.submitted_at, "reponses": r.answers}
            for r in page
        ]  # fmt: skip
        return self.get_paginated_response(SurveyResponseSerializer(data, many=True).data)
