"""The REST API. Every queryset starts from `visible_to(request.user)`: outside the territory is a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.decorators import api_view
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from pilotage.api import serializers
from pilotage.api.services import api_token_rotate
from pilotage.reference.models import Department, Funder, MissionLocale, Region, RegionalAssociation, StateService
from pilotage.reference.services import mission_locale_editable_fields


def _param(name, description, enum=None):
    return OpenApiParameter(name, OpenApiTypes.STR, OpenApiParameter.QUERY, description=description, enum=enum)


@method_decorator(login_not_required, name="dispatch")
class VisibleViewSet(viewsets.ReadOnlyModelViewSet):
    """Read-only resources filtered by the user's territory. DRF authenticates (token or session)."""

    model = None
    filters: dict[str, str] = {}

    def get_queryset(self):
        queryset = self.model.objects.visible_to(self.request.user)
        for param, lookup in self.filters.items():
            value = self.request.query_params.get(param)
            if value not in (None, ""):
                queryset = queryset.filter(**{lookup: value})
        return queryset


@extend_schema_view(list=extend_schema(summary="Régions visibles"), retrieve=extend_schema(summary="Une région"))
class RegionViewSet(VisibleViewSet):
    model = Region
    serializer_class = serializers.RegionSerializer
    queryset = Region.objects.none()


@extend_schema_view(
    list=extend_schema(summary="Départements visibles", parameters=[_param("region", "Code INSEE de la région")]),
    retrieve=extend_schema(summary="Un département"),
)
class DepartmentViewSet(VisibleViewSet):
    model = Department
    serializer_class = serializers.DepartmentSerializer
    queryset = Department.objects.none()
    filters = {"region": "region_id"}


@extend_schema_view(
    list=extend_schema(
        summary="Missions Locales visibles",
        parameters=[
            _param("departement", "Code INSEE du département (siège ou département couvert)"),
            _param("region", "Code INSEE de la région"),
            _param("actif", "1 : en activité, 0 : fermées ou temporaires", enum=["0", "1"]),
            _param("q", "Recherche sur le nom, le nom d’usage, la commune, le code structure ou le SIRET"),
        ],
    ),
    retrieve=extend_schema(summary="Une Mission Locale"),
    partial_update=extend_schema(
        summary="Modifier une Mission Locale",
        description="DGEFP, DREETS et DDETS de son territoire : tous les champs ; sa direction : les coordonnées "
        "et la gouvernance seulement. Chaque modification est historisée.",
    ),
)
@method_decorator(login_not_required, name="dispatch")
class MissionLocaleViewSet(mixins.UpdateModelMixin, VisibleViewSet):
    model = MissionLocale
    serializer_class = serializers.MissionLocaleSerializer
    queryset = MissionLocale.objects.none()
    lookup_field = "code"
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        queryset = (
            MissionLocale.objects.visible_to(self.request.user)
            .select_related("department")
            .prefetch_related("departments_covered")
        )
        params = self.request.query_params
        if params.get("departement"):
            queryset = queryset.for_department(params["departement"])
        if params.get("region"):
            queryset = queryset.for_region(params["region"])
        if params.get("actif") in {"0", "1"}:
            queryset = queryset.filter(is_active=params["actif"] == "1")
        if params.get("q"):
            queryset = queryset.search(params["q"])
        return queryset

    def perform_update(self, serializer):
        ml = serializer.instance
        allowed = mission_locale_editable_fields(user=self.request.user, mission_locale=ml)
        if allowed == ():
            raise PermissionDenied("Vous ne pouvez pas modifier cette Mission Locale.")
        if allowed is not None:
            refused = [
                name
                for name in self.request.data
                if serializer.MODEL_FIELDS.get(name) not in allowed and name in serializer.fields
            ]
            if refused:
                raise PermissionDenied(f"Vous ne pouvez pas modifier le ou les champs : {', '.join(sorted(refused))}.")
        ml._history_user = self.request.user
        ml._change_reason = "API"
        serializer.save()


@extend_schema_view(list=extend_schema(summary="ARML visibles"), retrieve=extend_schema(summary="Une ARML"))
class RegionalAssociationViewSet(VisibleViewSet):
    model = RegionalAssociation
    serializer_class = serializers.RegionalAssociationSerializer
    queryset = RegionalAssociation.objects.none()


@extend_schema_view(
    list=extend_schema(summary="Services de l'État visibles"), retrieve=extend_schema(summary="Un service")
)
class StateServiceViewSet(VisibleViewSet):
    model = StateService
    serializer_class = serializers.StateServiceSerializer
    queryset = StateService.objects.none()


@extend_schema_view(
    list=extend_schema(
        summary="Financeurs visibles",
        parameters=[_param("type", "Type de financeur", enum=[c for c, _ in Funder._meta.get_field("type").choices])],
    ),
    retrieve=extend_schema(summary="Un financeur"),
)
class FunderViewSet(VisibleViewSet):
    model = Funder
    serializer_class = serializers.FunderSerializer
    queryset = Funder.objects.none()
    filters = {"type": "type"}


@extend_schema(summary="L'utilisateur connecté, son rôle et son périmètre", responses=serializers.MeSerializer)
@api_view(["GET"])
@login_not_required
def me(request):
    return Response(serializers.MeSerializer(request.user).data)


def token_page(request):
    """A person sees whether they have an API token and can (re)generate it; the key is shown once."""
    new_key = None
    if request.method == "POST":
        new_key = api_token_rotate(user=request.user)
        messages.success(request, "Un nouveau jeton a été créé ; l'ancien ne fonctionne plus.")
    elif request.GET:
        return redirect("api:token")
    return render(
        request,
        "api/token.html",
        {
            "token": Token.objects.filter(user=request.user).first(),
            "new_key": new_key,
            "breadcrumbs": [("Mon compte", "/compte/"), ("Jeton d'accès à l'API", None)],
        },
    )
