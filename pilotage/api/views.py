"""The REST API of the reference data, and the pages where a person manages their API tokens.

Every queryset starts from `Model.objects.visible_to(request.user)`: an object outside the user's territory
answers 404 like an object that does not exist, and a list's `count` covers only the visible objects.

The API views opt out of Django's LoginRequiredMiddleware (which only knows session logins) so that a request
with a token reaches DRF; DRF then authenticates it (token or session) and requires an authenticated user
(`IsAuthenticated`, the default permission of the project's REST_FRAMEWORK settings). DRF ≥ 3.15.2 already
exempts every APIView (its router's root view too); our views say it explicitly, as the project's public views do.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, Sum
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action, api_view
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from pilotage.accounts.lockout import LOCKED_OUT_TOKEN_MESSAGE, account_locked_out
from pilotage.animation.models import Programme
from pilotage.api import details, schema, serializers
from pilotage.api.forms import ApiTokenForm
from pilotage.api.models import ApiToken
from pilotage.api.pagination import ApiPagination, CursorPagination
from pilotage.api.services import API_CHANGE_REASON, api_token_create, api_token_revoke
from pilotage.api.sync import sync_filter, sync_parameters, with_updated_at
from pilotage.api.validation import (
    RefusesControlCharactersInParams,
    choice_param,
    choice_parameter,
    text_parameter,
    year_param,
    year_parameter,
)
from pilotage.dialogue.models import ManagementDialogue
from pilotage.funding.models import Convention, FundingCategory, FundingLine
from pilotage.reference.models import (
    Department,
    Funder,
    FunderType,
    MissionLocale,
    Region,
    RegionalAssociation,
    StateService,
    StateServiceLevel,
)
from pilotage.reference.perms import departments_outside_territory
from pilotage.reference.services import mission_locale_editable_fields, mission_locale_update

TRUE_VALUES = {"1", "true", "oui"}
FALSE_VALUES = {"0", "false", "non"}


def _param(name: str, description: str) -> OpenApiParameter:
    return text_parameter(name, description)


def _read_schema(*, serializer, tag: str, plural: str, singular: str, parameters=(), detail=None):
    """The documentation of a list + retrieve resource."""
    return extend_schema_view(
        list=extend_schema(
            summary=f"{plural} visibles",
            description=f"{plural} du périmètre du compte ; `count` ne compte rien d'autre.",
            parameters=[*parameters, *sync_parameters()],
            tags=[tag],
            responses={
                200: serializer,
                400: schema.INVALID,
                401: schema.UNAUTHENTICATED,
                404: schema.PAGE_NOT_FOUND,
                429: schema.THROTTLED,
            },
        ),
        retrieve=extend_schema(
            summary=singular,
            description=f"{singular} du périmètre du compte ; hors du périmètre : 404.",
            tags=[tag],
            responses={
                200: detail or serializer,
                400: schema.INVALID,
                401: schema.UNAUTHENTICATED,
                404: schema.NOT_FOUND,
                429: schema.THROTTLED,
            },
        ),
    )


@method_decorator(login_not_required, name="dispatch")
class ReferenceViewSet(RefusesControlCharactersInParams, viewsets.ReadOnlyModelViewSet):
    """Read-only resources filtered by the user's territory, then by the query parameters."""

    model: type = None
    pagination_class = ApiPagination
    #: the serializer of `retrieve` when it nests more than the list's rows (details.py)
    detail_serializer_class = None

    def get_serializer_class(self):
        if self.action == "retrieve" and self.detail_serializer_class is not None:
            return self.detail_serializer_class
        return super().get_serializer_class()

    def get_queryset(self):
        params = self.request.query_params
        queryset = self.filter_by_params(self.model.objects.visible_to(self.request.user), params)
        return sync_filter(queryset, params) if self.action == "list" else with_updated_at(queryset)

    def filter_by_params(self, queryset, params):
        return queryset

    choice_param = staticmethod(choice_param)


@_read_schema(serializer=serializers.RegionSerializer, tag="Territoires", plural="Régions", singular="Une région")
class RegionViewSet(ReferenceViewSet):
    model = Region
    queryset = Region.objects.none()  # for the schema; requests use get_queryset
    serializer_class = serializers.RegionSerializer


@_read_schema(
    serializer=serializers.DepartmentSerializer,
    tag="Territoires",
    plural="Départements",
    singular="Un département",
    parameters=[_param("region", "Code INSEE de la région (ex. 93).")],
)
class DepartmentViewSet(ReferenceViewSet):
    model = Department
    queryset = Department.objects.none()
    serializer_class = serializers.DepartmentSerializer

    def filter_by_params(self, queryset, params):
        if params.get("region"):
            queryset = queryset.filter(region_id=params["region"])
        return queryset


@_read_schema(
    serializer=serializers.MissionLocaleSerializer,
    tag="Missions Locales",
    plural="Missions Locales",
    singular="Une Mission Locale",
    parameters=[
        _param(
            "departement", "Code INSEE d'un département : Missions Locales qui y ont leur siège ou qui le couvrent."
        ),
        _param(
            "region", "Code INSEE d'une région : Missions Locales qui y ont leur siège ou y couvrent un département."
        ),
        choice_parameter("actif", "1 : en activité ; 0 : fermées, fusionnées ou temporaires", enum=["1", "0"]),
        _param("q", "Recherche : nom ou nom d'usage ou commune (contient), code structure ou SIRET (exact)."),
    ],
)
class MissionLocaleViewSet(ReferenceViewSet):
    model = MissionLocale
    queryset = MissionLocale.objects.none()
    serializer_class = serializers.MissionLocaleSerializer
    lookup_field = "code"
    parser_classes = [JSONParser]
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return super().get_queryset().select_related("department").prefetch_related("departments_covered")

    def filter_by_params(self, queryset, params):
        if params.get("departement"):
            queryset = queryset.for_department(params["departement"])
        if params.get("region"):
            queryset = queryset.for_region(params["region"])
        if "actif" in params:
            active = params["actif"].strip().lower()
            if active not in TRUE_VALUES | FALSE_VALUES:
                choice_param(params, "actif", ["1", "0"])  # the 400 naming the accepted values
            queryset = queryset.filter(is_active=active in TRUE_VALUES)
        if params.get("q", "").strip():
            queryset = queryset.search(params["q"])
        return queryset

    @extend_schema(
        summary="Modifier une Mission Locale",
        description="Envoyer seulement les champs à changer. La DGEFP, la DREETS de sa région et la DDETS de son "
        "département peuvent changer tous les champs, mais seule la DGEFP peut rattacher la Mission Locale à un "
        "département hors de leur territoire ou l'en détacher ; sa direction peut changer ses coordonnées et sa "
        f"gouvernance ({', '.join(sorted(serializers.DIRECTOR_API_FIELDS))}). Un champ en lecture seule "
        "(`code_ml`, `region`) peut être renvoyé inchangé. Chaque modification est historisée au nom du compte.",
        tags=["Missions Locales"],
        responses={
            200: serializers.MissionLocaleSerializer,
            400: schema.INVALID,
            401: schema.UNAUTHENTICATED,
            403: schema.FORBIDDEN,
            404: schema.NOT_FOUND,
            415: schema.UNSUPPORTED_MEDIA_TYPE,
            429: schema.THROTTLED,
        },
    )
    def partial_update(self, request, *args, **kwargs):
        mission_locale = self.get_object()  # 404 outside the territory
        allowed = mission_locale_editable_fields(user=request.user, mission_locale=mission_locale)
        if allowed == ():
            raise PermissionDenied("Vous ne pouvez pas modifier cette Mission Locale.")
        serializer = self.get_serializer(mission_locale, data=request.data, partial=True)
        self._refuse_fields_that_cannot_be_written(serializer, request.data)
        serializer.is_valid(raise_exception=True)
        changes = _changed_fields(mission_locale, serializer.validated_data)
        if allowed is not None:
            _refuse_fields_outside(allowed, changes)
        _refuse_departments_outside_territory(request.user, mission_locale, serializer.validated_data)
        if changes:
            mission_locale = mission_locale_update(
                mission_locale=mission_locale,
                changes={name: serializer.validated_data[name] for name in changes},
                acting_user=request.user,
                reason=API_CHANGE_REASON,
            )
        return Response(self.get_serializer(mission_locale).data)

    def _refuse_fields_that_cannot_be_written(self, serializer, data):
        """Unknown fields and changed read-only fields are refused rather than silently ignored."""
        if not isinstance(data, dict):
            return  # the serializer answers "a dictionary was expected"
        errors = {}
        current = None
        for name, value in data.items():
            field = serializer.fields.get(name)
            if field is None:
                errors[name] = ["Champ inconnu."]
            elif field.read_only:
                current = current if current is not None else self.get_serializer(serializer.instance).data
                if value != current[name]:
                    errors[name] = ["Ce champ n'est pas modifiable."]
        if errors:
            raise ValidationError(errors)


def _changed_fields(mission_locale: MissionLocale, validated_data: dict) -> set[str]:
    """The model fields whose validated value differs from the stored one."""
    changed = set()
    for name, value in validated_data.items():
        if name == "departments_covered":
            if {d.pk for d in value} != {d.pk for d in mission_locale.departments_covered.all()}:
                changed.add(name)
        elif getattr(mission_locale, name) != value:
            changed.add(name)
    return changed


def _refuse_fields_outside(allowed, changes: set[str]) -> None:
    refused = sorted(serializers.MissionLocaleSerializer.API_FIELDS[name] for name in changes - set(allowed))
    if len(refused) == 1:
        raise PermissionDenied(f"Vous ne pouvez pas modifier le champ « {refused[0]} ».")
    if refused:
        names = ", ".join(f"« {name} »" for name in refused)
        raise PermissionDenied(f"Vous ne pouvez pas modifier les champs {names}.")


def _refuse_departments_outside_territory(user, mission_locale: MissionLocale, validated_data: dict) -> None:
    """A territorial editor may attach a Mission Locale to, or detach it from, the departments of their own
    territory only: outside it, the change would move it into, or out of, another service's territory."""
    department = validated_data.get("department", mission_locale.department)
    covered = validated_data.get("departments_covered", mission_locale.departments_covered.all())
    outside = departments_outside_territory(user, mission_locale, department, covered)
    if outside:
        raise PermissionDenied(
            f"Département(s) hors de votre territoire : {', '.join(outside)}. Seule la DGEFP peut y rattacher "
            "cette Mission Locale ou l'en détacher."
        )


@_read_schema(
    serializer=serializers.RegionalAssociationSerializer,
    tag="Organisations",
    plural="ARML",
    singular="Une ARML",
    parameters=[_param("region", "Code INSEE de la région.")],
)
class RegionalAssociationViewSet(ReferenceViewSet):
    model = RegionalAssociation
    queryset = RegionalAssociation.objects.none()
    serializer_class = serializers.RegionalAssociationSerializer

    def filter_by_params(self, queryset, params):
        if params.get("region"):
            queryset = queryset.filter(region_id=params["region"])
        return queryset


@_read_schema(
    serializer=serializers.StateServiceSerializer,
    tag="Organisations",
    plural="Services de l'État",
    singular="Un service de l'État",
    parameters=[choice_parameter("niveau", "Niveau du service", enum=StateServiceLevel.values)],
)
class StateServiceViewSet(ReferenceViewSet):
    model = StateService
    queryset = StateService.objects.none()
    serializer_class = serializers.StateServiceSerializer

    def filter_by_params(self, queryset, params):
        if level := self.choice_param(params, "niveau", StateServiceLevel.values):
            queryset = queryset.filter(level=level)
        return queryset


@_read_schema(
    serializer=serializers.FunderSerializer,
    tag="Organisations",
    plural="Financeurs",
    singular="Un financeur",
    parameters=[choice_parameter("type", "Type de financeur", enum=FunderType.values)],
)
class FunderViewSet(ReferenceViewSet):
    model = Funder
    queryset = Funder.objects.none()
    serializer_class = serializers.FunderSerializer

    def filter_by_params(self, queryset, params):
        if funder_type := self.choice_param(params, "type", FunderType.values):
            queryset = queryset.filter(type=funder_type)
        return queryset


@_read_schema(
    serializer=serializers.FundingLineSerializer,
    tag="Financements",
    plural="Lignes de financement",
    singular="Une ligne de financement",
    parameters=[
        year_parameter("Année (ex. 2024)."),
        choice_parameter("financeur_type", "Type de financeur", enum=FunderType.values),
        choice_parameter("categorie", "Catégorie", enum=FundingCategory.values),
        _param("code_ml", "Code structure de la Mission Locale."),
    ],
)
class FundingLineViewSet(ReferenceViewSet):
    model = FundingLine
    queryset = FundingLine.objects.none()
    serializer_class = serializers.FundingLineSerializer
    pagination_class = CursorPagination  # a large list (13,000 demo lines): stable pages under inserts

    def filter_by_params(self, queryset, params):
        queryset = queryset.select_related("mission_locale")
        if (year := year_param(params)) is not None:
            queryset = queryset.filter(year=year)
        if funder_type := self.choice_param(params, "financeur_type", FunderType.values):
            queryset = queryset.filter(funder_type=funder_type)
        if category := self.choice_param(params, "categorie", FundingCategory.values):
            queryset = queryset.filter(category=category)
        if code := params.get("code_ml", "").strip():
            queryset = queryset.filter(mission_locale__code=code)
        return queryset


@_read_schema(
    serializer=serializers.ConventionSerializer,
    tag="Financements",
    plural="Conventions",
    singular="Une convention, avec ses avenants (lignes budgétaires, versements) et ses documents",
    parameters=[_param("code_ml", "Code structure de la Mission Locale.")],
    detail=details.ConventionDetailSerializer,
)
class ConventionViewSet(ReferenceViewSet):
    model = Convention
    queryset = Convention.objects.none()
    serializer_class = serializers.ConventionSerializer
    detail_serializer_class = details.ConventionDetailSerializer

    def filter_by_params(self, queryset, params):
        queryset = queryset.select_related("mission_locale").prefetch_related("co_funders")
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("amendments__budget_lines", "amendments__payments", "documents")
        if code := params.get("code_ml", "").strip():
            queryset = queryset.filter(mission_locale__code=code)
        return queryset

    @extend_schema(
        summary="Un document d'une convention",
        description="Le fichier déposé sur la convention (PDF signé…), en pièce jointe ; hors du périmètre : 404.",
        tags=["Financements"],
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            400: schema.INVALID,
            401: schema.UNAUTHENTICATED,
            404: schema.NOT_FOUND,
            429: schema.THROTTLED,
        },
    )
    @action(detail=True, methods=["get"], url_path=r"documents/(?P<document_pk>[0-9]{1,9})")
    def document(self, request, pk=None, document_pk=None, format=None):  # noqa: A002  (DRF's format suffix)
        convention = self.get_object()
        document = get_object_or_404(convention.documents, pk=document_pk)
        name = document.file.name.rsplit("/", 1)[-1]
        return FileResponse(document.file.open("rb"), as_attachment=True, filename=name)


@_read_schema(
    serializer=serializers.ManagementDialogueSerializer,
    tag="Dialogue de gestion",
    plural="Dossiers de dialogue de gestion",
    singular="Un dossier de dialogue de gestion, avec ses thèmes, sa synthèse, ses objectifs et son plan d'action",
    parameters=[year_parameter("Année examinée."), _param("code_ml", "Code structure de la Mission Locale.")],
    detail=details.ManagementDialogueDetailSerializer,
)
class ManagementDialogueViewSet(ReferenceViewSet):
    model = ManagementDialogue
    queryset = ManagementDialogue.objects.none()
    serializer_class = serializers.ManagementDialogueSerializer
    detail_serializer_class = details.ManagementDialogueDetailSerializer

    def filter_by_params(self, queryset, params):
        queryset = queryset.select_related("campaign", "mission_locale")
        if (year := year_param(params)) is not None:
            queryset = queryset.filter(campaign__year=year)
        if code := params.get("code_ml", "").strip():
            queryset = queryset.filter(mission_locale__code=code)
        return queryset


@_read_schema(
    serializer=serializers.AnimationProgrammeSerializer,
    tag="Animation",
    plural="Programmes régionaux d'animation",
    singular="Un programme régional d'animation, avec ses actions, cofinancements, jalons et indicateurs",
    parameters=[year_parameter("Année du programme."), _param("region", "Code INSEE de la région.")],
    detail=details.AnimationProgrammeDetailSerializer,
)
class AnimationProgrammeViewSet(ReferenceViewSet):
    model = Programme
    queryset = Programme.objects.none()
    serializer_class = serializers.AnimationProgrammeSerializer
    detail_serializer_class = details.AnimationProgrammeDetailSerializer

    def filter_by_params(self, queryset, params):
        queryset = queryset.select_related("regional_association").annotate(
            action_count=Count("actions"), cost_total=Sum("actions__forecast_cost"),
            state_total=Sum("actions__state_amount"),
        ).order_by("-year", "regional_association__region_id")  # fmt: skip
        if (year := year_param(params)) is not None:
            queryset = queryset.filter(year=year)
        if region := params.get("region", "").strip():
            queryset = queryset.filter(regional_association__region_id=region)
        return queryset


@login_not_required
@extend_schema(
    summary="Le compte authentifié",
    description="Rôle, organisation et périmètre du compte : ce que l'API lui montre.",
    tags=["Compte"],
    responses={200: serializers.MeSerializer, 401: schema.UNAUTHENTICATED, 429: schema.THROTTLED},
)
@api_view(["GET"])
def me(request):
    return Response(serializers.MeSerializer(request.user).data)


@never_cache
@require_http_methods(["GET", "POST"])
def token_page(request):
    """A person's API tokens: the list (never the secrets), a form to create one (its secret shown once)."""
    form = ApiTokenForm()
    new_secret = None
    if request.method == "POST":
        form = ApiTokenForm(request.POST)
        if account_locked_out(request):
            messages.error(request, LOCKED_OUT_TOKEN_MESSAGE)
        elif form.is_valid():
            try:
                token, new_secret = api_token_create(
                    user=request.user,
                    name=form.cleaned_data["name"],
                    scope=form.cleaned_data["scope"],
                    days=form.cleaned_data["days"],
                )
            except DjangoValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form = ApiTokenForm()
    return render(
        request,
        "api/token.html",
        {
            "tokens": ApiToken.objects.filter(user=request.user),
            "form": form,
            "new_secret": new_secret,
            "can_see_all": request.user.has_perm("api.view_all_apitokens"),
            "breadcrumbs": [("Mon compte", reverse("accounts:profile")), ("Jetons d'accès à l'API", None)],
        },
    )


@require_http_methods(["POST"])
def token_revoke(request, pk: int):
    """Revoke a token: its owner, or the DGEFP for anyone's; others get a 404 (they do not see it)."""
    token = get_object_or_404(ApiToken.objects.visible_to(request.user).select_related("user"), pk=pk)
    if not request.user.has_perm("api.revoke_apitoken", token):
        raise Http404
    name, owner = token.name, token.user
    api_token_revoke(token=token, acting_user=request.user)
    if owner == request.user:
        messages.success(request, f"Le jeton « {name} » est révoqué : il ne donne plus accès à l'API.")
    else:
        messages.success(request, f"Le jeton « {name} » de {owner.email} est révoqué.")
    return redirect(url_has_allowed_host_and_scheme_or(request, request.POST.get("next"), "api:token"))


@require_http_methods(["GET"])
def token_list_all(request):
    """The DGEFP's view of every account's tokens, to revoke one that leaked or that is no longer needed."""
    if not request.user.has_perm("api.view_all_apitokens"):
        raise Http404
    return render(
        request,
        "api/token_list_all.html",
        {
            "tokens": ApiToken.objects.visible_to(request.user).select_related("user"),
            "breadcrumbs": [("Mon compte", reverse("accounts:profile")), ("Jetons d'API de tous les comptes", None)],
        },
    )


def url_has_allowed_host_and_scheme_or(request, url: str | None, default: str) -> str:
    """`url` if it is a path of this site, else the URL named `default`."""
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=False):
        return url
    return reverse(default)
