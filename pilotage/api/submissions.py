"""API resources of indicator data submissions (issue 15): the submissions, their quality reports and their
approvals (the workflow's log), with the visibility of the pages (`Submission.objects.visible_to`); and the push of
a warehouse export or a long results file (`POST /api/v1/depots-donnees/`), through the upload page's service
(`submissions.services.submission_create`: same checks, same territory, same background job)."""

from decimal import Decimal

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.decorators import method_decorator
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from pilotage.api import schema
from pilotage.api.models import ApiToken
from pilotage.api.pagination import ApiPagination
from pilotage.api.validation import RefusesControlCharactersInParams, TextField, year_param, year_parameter
from pilotage.core.models import JobStatus
from pilotage.funding.lines import FIRST_YEAR, LAST_YEAR
from pilotage.reference.models import Region
from pilotage.submissions.models import Submission, SubmissionKind, SubmissionStatus, SubmissionTransition
from pilotage.submissions.perms import own_results_mission_locale, submission_regions, submits
from pilotage.submissions.selectors import quality_report, quality_rows
from pilotage.submissions.services import submission_create


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


class ProcessingIssueSerializer(serializers.Serializer):
    """Un problème trouvé par le traitement : fichier, ligne, colonne, valeur, raison (comme le CSV de la page)."""

    fichier = serializers.CharField(source="file", allow_null=True, required=False)
    ligne = serializers.IntegerField(source="line", allow_null=True, required=False)
    colonne = serializers.CharField(source="column", allow_null=True, required=False)
    valeur = serializers.CharField(source="value", allow_null=True, required=False)
    raison = serializers.CharField(source="reason")
    gravite = serializers.CharField(source="severity", allow_null=True, required=False)


class ProcessingSerializer(serializers.Serializer):
    """Le traitement du dépôt (tâche de fond) : son état, son étape, son avancement et ses problèmes."""

    etat = serializers.ChoiceField(source="status", choices=JobStatus.choices)
    etape = serializers.CharField(source="stage")
    avancement = serializers.IntegerField(source="progress_done")
    total = serializers.IntegerField(source="progress_total", allow_null=True)
    pourcentage = serializers.IntegerField(source="percent", allow_null=True)
    message = serializers.CharField(help_text="Le message d'une tâche échouée ; vide sinon.")
    resume = serializers.SerializerMethodField()
    problemes = serializers.SerializerMethodField()
    problemes_non_affiches = serializers.SerializerMethodField()

    def get_resume(self, job) -> str:
        return (job.result or {}).get("summary", "")

    @extend_schema_field(ProcessingIssueSerializer(many=True))
    def get_problemes(self, job):
        return ProcessingIssueSerializer((job.result or {}).get("issues", []), many=True).data

    def get_problemes_non_affiches(self, job) -> int:
        return int((job.result or {}).get("more", 0) or 0)


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
    traitement = ProcessingSerializer(
        source="job",
        read_only=True,
        allow_null=True,
        help_text="Le traitement : état, étape, avancement et problèmes trouvés.",
    )

    class Meta:
        model = Submission
        fields = ["id", "region", "depot_national", "code_ml", "annee", "type", "fichier", "taille",
                  "empreinte_sha256", "donnees_au", "depose_le", "depose_par", "etat", "problemes",
                  "version_publiee", "publiee_le", "traitement"]  # fmt: skip

    def get_depose_par(self, obj) -> str | None:
        return str(obj.submitted_by) if obj.submitted_by else None


class SubmissionPushSerializer(serializers.Serializer):
    """Un dépôt envoyé par un entrepôt : le fichier et ce que demande la page de dépôt."""

    fichier = serializers.FileField(
        max_length=255, help_text="Archive .zip de l'export de l'entrepôt (fichiers CSV ou Parquet), ou résultats "
        "au format long en CSV ou XLSX.",
    )  # fmt: skip
    region = TextField(
        required=False, max_length=3, help_text="Code INSEE de la région des données ; inutile pour une Mission "
        "Locale (sa région) ; absent pour un export national de la DGEFP (toutes les régions, réparti par région).",
    )  # fmt: skip
    annee = serializers.IntegerField(min_value=FIRST_YEAR, max_value=LAST_YEAR, help_text="Année des données.")
    type = serializers.ChoiceField(
        choices=SubmissionKind.choices, help_text="warehouse : export de l'entrepôt (zip) ; results : résultats au "
        "format long (CSV ou XLSX).",
    )  # fmt: skip
    donnees_au = serializers.DateField(required=False, help_text="Date « données au » (par défaut : aujourd'hui).")


PUSH_DESCRIPTION = (
    "Dépose un export de l'entrepôt (zip) ou un fichier de résultats au format long, comme la page « Déposer des "
    "données » et par le même service : mêmes contrôles (archive, taille, membres, année, date « données au », "
    "région verrouillée par une approbation), même territoire (la DGEFP toute région, une ARML la sienne, la "
    "direction d'une Mission Locale ses propres résultats), même traitement en tâche de fond (validation, calcul, "
    "mise en attente de publication). La réponse (201) est le dépôt ; son état, l'avancement du traitement et ses "
    "problèmes se lisent ensuite sur `GET /api/v1/depots-donnees/{id}/` (`etat`, `traitement`). Le dépôt est "
    "historisé au nom du titulaire du jeton. Corps `multipart/form-data` ; jeton « lecture et écriture » requis."
)


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
    create=extend_schema(
        operation_id="depots_donnees_create", summary="Déposer un export ou des résultats", tags=["Depots"],
        description=PUSH_DESCRIPTION, request={"multipart/form-data": SubmissionPushSerializer},
        responses={
            201: SubmissionSerializer,
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="Dépôt refusé, rien n'est enregistré : archive "
                                 "illisible ou inattendue, fichier trop gros, année ou date impossible, région "
                                 "inconnue ou verrouillée ; le message dit pourquoi, en français (`detail`, ou un "
                                 "message par champ)."),
            401: schema.UNAUTHENTICATED,
            403: OpenApiResponse(schema.ERROR, description="Jeton en lecture seule, rôle sans dépôt de données, ou "
                                 "région hors du territoire du compte : rien n'est enregistré."),
            415: OpenApiResponse(schema.ERROR, description="Corps autre que `multipart/form-data`."),
            429: schema.THROTTLED,
        },
    ),
    list=extend_schema(summary="Dépôts de données visibles", tags=["Depots"],
                       parameters=[year_parameter("Année des données.")],
                       responses={200: SubmissionSerializer, 400: schema.INVALID, 401: schema.UNAUTHENTICATED,
                                  404: schema.PAGE_NOT_FOUND, 429: schema.THROTTLED}),
    retrieve=extend_schema(summary="Un dépôt de données", tags=["Depots"],
                           responses={200: SubmissionSerializer, 400: schema.INVALID, 401: schema.UNAUTHENTICATED,
                                      404: schema.NOT_FOUND, 429: schema.THROTTLED}),
)  # fmt: skip
@method_decorator(login_not_required, name="dispatch")
class SubmissionViewSet(RefusesControlCharactersInParams, viewsets.ReadOnlyModelViewSet):
    """Dépôts de données : la DGEFP tous ; la DREETS, la DDETS et l'ARML ceux de leur région ; une Mission Locale
    les siens ; les autres aucun (ils lisent les valeurs publiées)."""

    queryset = Submission.objects.none()
    serializer_class = SubmissionSerializer
    pagination_class = ApiPagination
    parser_classes = [MultiPartParser]

    def get_serializer_class(self):
        return SubmissionPushSerializer if self.action == "create" else SubmissionSerializer

    def create(self, request, *args, **kwargs):
        user = request.user
        if not submits(user):
            raise PermissionDenied("Votre rôle ne permet pas de déposer des données d'indicateurs.")
        push = SubmissionPushSerializer(data=request.data)
        push.is_valid(raise_exception=True)
        data = push.validated_data
        own_ml = own_results_mission_locale(user)
        if own_ml is not None:
            region = own_ml.department.region
            if data.get("region", "").strip() not in ("", region.code):
                raise PermissionDenied("Une Mission Locale dépose ses résultats pour sa région seulement.")
        else:
            code = data.get("region", "").strip()
            if not code and submission_regions(user) is not None:  # only the DGEFP sends a national export
                raise ValidationError({"region": ["Ce champ est obligatoire."]})
            region = Region.objects.filter(code=code).first() if code else None  # None: a national export
            if code and region is None:
                raise ValidationError({"region": [f"Région inconnue : « {code} » (code INSEE attendu, ex. 93)."]})
        token = request.auth
        source = f"Dépôt API, jeton « {token.name} »" if isinstance(token, ApiToken) else "Dépôt API"
        try:
            submission = submission_create(
                user=user, region=region, year=data["annee"], kind=data["type"], upload=data["fichier"],
                data_date=data.get("donnees_au"), mission_locale=own_ml, reason=source,
            )  # fmt: skip
        except DjangoPermissionDenied as error:
            raise PermissionDenied(str(error)) from None
        except DjangoValidationError as error:
            raise ValidationError({"detail": " ".join(error.messages)}) from None
        submission = self.get_queryset().get(pk=submission.pk)
        headers = {"Location": request.build_absolute_uri(f"{submission.pk}/")}
        return Response(SubmissionSerializer(submission).data, status=201, headers=headers)

    def get_queryset(self):
        queryset = Submission.objects.visible_to(self.request.user).select_related(
            "mission_locale", "submitted_by", "published_dataset", "job"
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
