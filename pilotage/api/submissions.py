"""Read-only API resources of indicator data submissions (issue 15): the submissions, their quality reports and
their approvals (the workflow's log), with the visibility of the pages (`Submission.objects.visible_to`)."""

from decimal import Decimal

from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from pilotage.api import schema
from pilotage.api.pagination import ApiPagination
from pilotage.api.validation import refuse_control_characters_in_params, year_param, year_parameter
from pilotage.submissions.models import Submission, SubmissionStatus, SubmissionTransition
from pilotage.submissions.selectors import quality_report, quality_rows


class ApprovalSerializer(serializers.ModelSerializer):
    """Un changement d'état du dépôt : qui, quand, de quel état vers lequel, pourquoi."""

    transition = serializers.CharField(source="name", read_only=True)
    de = serializers.CharField(source="from_status", read_only=True)
    vers = serializers.CharField(source="to_status", read_only=True)
    par = serializers.SerializerMethodField()
    le = serializers.DateTimeField(source="at", read_only=True)
    motif = serializers.CharField(source="reason", read_only=True)

    class Meta:
        model = SubmissionTransition
        fields = ["transition", "de", "vers", "par", "le", "motif"]

    def get_par(self, obj) -> str | None:
        return str(obj.by) if obj.by else None


class SubmissionSerializer(serializers.ModelSerializer):
    """Un dépôt de données du tableau de bord CPO : région (ou export national), année, fichier (nom, taille,
    empreinte SHA-256), données au, dépôt, état, versions en attente et publiée."""

    region = serializers.CharField(
        source="region_id",
        read_only=True,
        allow_null=True,
        help_text="Code de la région ; vide pour un export national, réparti par région.",
    )
    depot_national = serializers.IntegerField(
        source="parent_id",
        read_only=True,
        allow_null=True,
        help_text="L'export national dont ce dépôt régional est issu.",
    )
    code_ml = serializers.CharField(source="mission_locale.code", read_only=True, allow_null=True, default=None)
    annee = serializers.IntegerField(source="year", read_only=True)
    type = serializers.CharField(source="kind", read_only=True)
    fichier = serializers.CharField(source="filename", read_only=True)
    taille = serializers.IntegerField(source="size", read_only=True)
    empreinte_sha256 = serializers.CharField(source="sha256", read_only=True)
    donnees_au = serializers.DateField(source="data_date", read_only=True)
    depose_le = serializers.DateTimeField(source="submitted_at", read_only=True)
    depose_par = serializers.SerializerMethodField()
    etat = serializers.ChoiceField(source="status", choices=SubmissionStatus.choices, read_only=True)
    problemes = serializers.IntegerField(source="issue_count", read_only=True)
    version_publiee = serializers.IntegerField(source="published_dataset.version", read_only=True, allow_null=True,
                                               default=None)  # fmt: skip
    publiee_le = serializers.DateTimeField(source="published_dataset.published_at", read_only=True, allow_null=True,
                                           default=None)  # fmt: skip

    class Meta:
        model = Submission
        fields = ["id", "region", "depot_national", "code_ml", "annee", "type", "fichier", "taille",
                  "empreinte_sha256", "donnees_au", "depose_le", "depose_par", "etat", "problemes",
                  "version_publiee", "publiee_le"]  # fmt: skip

    def get_depose_par(self, obj) -> str | None:
        return str(obj.submitted_by) if obj.submitted_by else None


FOUR_PLACES = Decimal("0.0001")


def _value(value):
    return None if value is None else str(value)


def quality_json(report) -> dict:
    rows = quality_rows(report, changes_shown=1000, outliers_shown=1000)
    completeness = report.completeness
    keep = ("level", "code", "indicator", "breakdown", "explanation")
    return {
        "seuil": str(report.threshold),
        "completude": {
            "missions_locales_absentes": [ml.code for ml in completeness.absent],
            "sans_ressources": completeness.without_resources,
            "sans_contexte": completeness.without_context,
            "delais": [{"partie": t["part"], "cloture": t["closing"].isoformat(), "retard_jours": t["late_days"]}
                       for t in completeness.timeliness],
        },
        "regles": [{**{k: r[k] for k in keep}, "valeur": _value(r["value"]), "regle": r["rule"],
                    "gravite": r["severity"]} for r in rows["violations"]],
        "valeurs_atypiques": [{**{k: r[k] for k in keep}, "valeur": _value(r["value"]),
                               "reference": _value(r["reference"]), "score": _value(r["score"].quantize(FOUR_PLACES)),
                               "comparee_a": r["against"]}
                              for r in rows["outliers"]],
        "changements": [{**{k: r[k] for k in keep}, "publie": _value(r["before"]), "depose": _value(r["after"])}
                        for r in rows["changes"]],
    }  # fmt: skip


@extend_schema_view(
    list=extend_schema(summary="Dépôts de données visibles", tags=["Depots"],
                       parameters=[year_parameter("Année des données.")],
                       responses={200: SubmissionSerializer, 400: schema.INVALID, 401: schema.UNAUTHENTICATED,
                                  404: schema.PAGE_NOT_FOUND, 429: schema.THROTTLED}),
    retrieve=extend_schema(summary="Un dépôt de données", tags=["Depots"],
                           responses={200: SubmissionSerializer, 400: schema.INVALID, 401: schema.UNAUTHENTICATED,
                                      404: schema.NOT_FOUND, 429: schema.THROTTLED}),
)  # fmt: skip
class SubmissionViewSet(viewsets.ReadOnlyModelViewSet):
    """Dépôts de données : la DGEFP tous ; la DREETS, la DDETS et l'ARML ceux de leur région ; une Mission Locale
    les siens ; les autres aucun (ils lisent les valeurs publiées)."""

    queryset = Submission.objects.none()
    serializer_class = SubmissionSerializer
    pagination_class = ApiPagination

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        refuse_control_characters_in_params(request.query_params)

    def get_queryset(self):
        queryset = Submission.objects.visible_to(self.request.user).select_related(
            "mission_locale", "submitted_by", "published_dataset"
        )
        if (year := year_param(self.request.query_params)) is not None:
            queryset = queryset.filter(year=year)
        return queryset

    @extend_schema(summary="Rapport de qualité d'un dépôt", tags=["Depots"],
                   responses={200: dict, 400: schema.INVALID, 401: schema.UNAUTHENTICATED, 404: schema.NOT_FOUND,
                              429: schema.THROTTLED})  # fmt: skip
    @action(detail=True, url_path="qualite")
    def quality(self, request, pk=None, **kwargs):
        submission = self.get_object()
        if submission.staged_dataset_id is None:
            raise Http404
        return Response(quality_json(quality_report(submission)))

    @extend_schema(summary="Approbations d'un dépôt (journal)", tags=["Depots"],
                   responses={200: ApprovalSerializer(many=True), 400: schema.INVALID, 401: schema.UNAUTHENTICATED,
                              404: schema.NOT_FOUND, 429: schema.THROTTLED})  # fmt: skip
    @action(detail=True, url_path="approbations")
    def approvals(self, request, pk=None, **kwargs):
        submission = self.get_object()
        return Response(ApprovalSerializer(submission.transitions.select_related("by"), many=True).data)
