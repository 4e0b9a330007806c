"""Incremental sync: when each object last changed (`modifie_le`), `?modifie_depuis=`, `?ordre=`, and the
deletions.

`modifie_le` is read from the audit trail (django-simple-history, ADR 0015), not from a column: every write of
the platform — forms, services, imports' bulk writes (`bulk_*_with_history`), workflow transitions — leaves a
history record, whereas an `auto_now` column is skipped by `bulk_update` and `QuerySet.update`. It is the date of
the object's latest history record (null for an object never written since the history began, e.g. the
territories loaded by a migration). Deleted objects are the history's « - » records (`DeletionListView`).
"""

from datetime import UTC, datetime, time

from django.contrib.auth.decorators import login_not_required
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.decorators import method_decorator
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView

from pilotage.animation.models import Programme
from pilotage.api import schema
from pilotage.api.pagination import CursorPagination
from pilotage.api.validation import RefusesControlCharactersInParams, choice_param, choice_parameter, shown
from pilotage.dialogue.models import ManagementDialogue
from pilotage.funding.models import Convention, FundingLine
from pilotage.reference.models import Funder, MissionLocale, RegionalAssociation, StateService

SINCE = "modifie_depuis"
ORDER = "ordre"
ORDERS = ["modifie_le", "-modifie_le", "id", "-id"]


def since_param(params) -> datetime | None:
    """`modifie_depuis`: an ISO 8601 date-time (`2025-03-01T08:00:00Z`, `2025-03-01T09:00:00+01:00`, or a date:
    midnight, Paris time); a naive date-time is Paris time. A bad value is a French 400."""
    if SINCE not in params:
        return None
    text = params.get(SINCE, "").strip()
    try:
        moment = parse_datetime(text)
    except ValueError:
        moment = None
    if moment is None:
        try:
            day = parse_date(text)
        except ValueError:
            day = None
        moment = datetime.combine(day, time.min) if day else None
    if moment is None:
        hint = " (un « + » s'écrit %2B dans une adresse)" if " " in text else ""
        raise ValidationError({SINCE: f"Date et heure ISO 8601 attendues, comme 2025-03-01T08:00:00Z, reçu "
                                      f"« {shown(text)} »{hint}."})  # fmt: skip
    try:
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        # in UTC: PostgreSQL refuses offsets beyond ±15:59 that ISO 8601 (and Python) allow, like +20:24
        return moment.astimezone(UTC)
    except (OverflowError, ValueError):  # year 1 pushed out of range by its offset, a nonexistent local time
        raise ValidationError({SINCE: f"Date et heure hors des limites : « {shown(text)} »."}) from None


def with_updated_at(queryset):
    """`modifie_le` on each object: the date of its latest history record."""
    model = queryset.model
    history = model.history.model.objects.filter(**{model._meta.pk.attname: OuterRef("pk")})
    return queryset.annotate(modifie_le=Subquery(history.order_by("-history_date").values("history_date")[:1]))


def sync_filter(queryset, params):
    """`modifie_le`, then `modifie_depuis` (changed at or after) and `ordre` (with `pk` as the last key, so that
    pages never overlap; absent: the resource's own order, `pk` last)."""
    queryset = with_updated_at(queryset)
    if (since := since_param(params)) is not None:
        queryset = queryset.filter(modifie_le__gte=since)
    order = choice_param(params, ORDER, ORDERS)
    if order in ("modifie_le", "-modifie_le"):
        field = F("modifie_le")
        key = field.desc(nulls_last=True) if order.startswith("-") else field.asc(nulls_first=True)
        return queryset.order_by(key, "-pk" if order.startswith("-") else "pk")
    if order in ("id", "-id"):
        return queryset.order_by("-pk" if order.startswith("-") else "pk")
    current = list(queryset.query.order_by) or list(queryset.model._meta.ordering)
    return queryset.order_by(*current, "pk")


def sync_parameters() -> list[OpenApiParameter]:
    return [
        OpenApiParameter(
            SINCE,
            {"type": "string", "format": "date-time"},
            OpenApiParameter.QUERY,
            description="Seulement les objets modifiés à cette date et heure ou après (ISO 8601, ex. "
            "2025-03-01T08:00:00Z ; une date seule vaut minuit, heure de Paris). 400 si la valeur est illisible.",
        ),
        choice_parameter(
            ORDER,
            "Ordre : modifie_le, -modifie_le (plus récent d'abord), id ou -id (identifiant interne) ; absent : "
            "l'ordre propre à la ressource. L'identifiant départage toujours, les pages ne se recouvrent pas",
            enum=ORDERS,
        ),
    ]


class UpdatedAtField(serializers.DateTimeField):
    """`modifie_le`: the annotation of `with_updated_at`, or read from the history for an object fetched
    otherwise (the answer of a PATCH)."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, allow_null=True, help_text="Dernière modification (historique) ; null si "
                         "l'objet n'a pas changé depuis le début de l'historique.", **kwargs)  # fmt: skip

    def get_attribute(self, instance):
        if hasattr(instance, "modifie_le"):
            return instance.modifie_le
        latest = instance.history.order_by("-history_date").first()
        return latest.history_date if latest else None


# Deletions


def _resources():
    return {
        "missions-locales": (MissionLocale, "code"), "arml": (RegionalAssociation, "id"),
        "services-etat": (StateService, "id"), "financeurs": (Funder, "id"),
        "lignes-financement": (FundingLine, "id"), "conventions": (Convention, "id"),
        "dialogues-gestion": (ManagementDialogue, "id"), "programmes-animation": (Programme, "id"),
    }  # fmt: skip


RESOURCE_NAMES = [
    "missions-locales", "arml", "services-etat", "financeurs", "lignes-financement", "conventions",
    "dialogues-gestion", "programmes-animation",
]  # fmt: skip


def visible_deletions(user, model):
    """The « - » history records of `model` that `user` may learn about: every one for a national account; for
    the others, those of a Mission Locale they see (funding lines, conventions, dialogues) — for a council or a
    municipality, only its own funding lines and conventions; the other resources' deletions are national."""
    records = model.history.model.objects.filter(history_type="-")
    if user.scope.everything:
        return records
    field_names = {f.name for f in model.history.model._meta.fields}
    if "mission_locale" not in field_names:
        return records.none()
    visible = Q(mission_locale_id__in=MissionLocale.objects.visible_to(user).values("pk"))
    if getattr(user, "funder_id", None) and "funder" in field_names:
        visible &= Q(funder_id=user.funder_id)
    return records.filter(visible)


class DeletionSerializer(serializers.Serializer):
    """Un objet supprimé."""

    ressource = serializers.ChoiceField(choices=RESOURCE_NAMES, help_text="La ressource de l'API.")
    identifiant = serializers.CharField(help_text="`id` (ou `code_ml` pour une Mission Locale) de l'objet.")
    supprime_le = serializers.DateTimeField()


@method_decorator(login_not_required, name="dispatch")
class DeletionListView(RefusesControlCharactersInParams, GenericAPIView):
    pagination_class = CursorPagination
    serializer_class = DeletionSerializer

    @staticmethod
    def cursor_key(row) -> tuple:
        """(deleted at, resource, history id): the list's order, in values a cursor carries (text, integers)."""
        when, name, history_id, _ = row
        return (when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"), name, history_id)

    @extend_schema(
        operation_id="suppressions_list",
        summary="Objets supprimés",
        description="Les suppressions enregistrées par l'historique, plus récentes en dernier, pour retirer d'une "
        "copie locale ce qui n'existe plus. Un compte national voit toutes les suppressions ; un autre compte, "
        "celles des lignes de financement, conventions et dossiers de dialogue d'une Mission Locale qu'il voit "
        "(une collectivité : ses propres lignes et conventions).",
        tags=["Synchronisation"],
        parameters=[
            choice_parameter("ressource", "Une seule ressource", enum=RESOURCE_NAMES),
            sync_parameters()[0],
        ],
        responses={
            200: DeletionSerializer(many=True),
            400: schema.INVALID,
            401: schema.UNAUTHENTICATED,
            404: schema.PAGE_NOT_FOUND,
            429: schema.THROTTLED,
        },  # fmt: skip
    )
    def get(self, request):
        params = request.query_params
        only = choice_param(params, "ressource", RESOURCE_NAMES)
        since = since_param(params)
        rows = []
        for name, (model, identifier) in _resources().items():
            if only not in (None, name):
                continue
            records = visible_deletions(request.user, model)
            if since is not None:
                records = records.filter(history_date__gte=since)
            for value, when, history_id in records.values_list(identifier, "history_date", "history_id"):
                rows.append((when, name, history_id, str(value)))
        rows.sort()
        page = self.paginate_queryset(rows)  # cursors in the order of `cursor_key`
        data = [{"ressource": name, "identifiant": value, "supprime_le": when} for when, name, _, value in page]
        return self.get_paginated_response(DeletionSerializer(data, many=True).data)
