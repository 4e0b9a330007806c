"""The API's pagination. Page numbers: `page` is a positive integer (400 otherwise), a page past the last is 404;
`taille` chooses the page size (1 to MAX_PAGE_SIZE, 400 otherwise; PAGE_SIZE when absent). Cursors, for the
large lists (`CursorPagination`): `curseur`, an opaque keyset position that inserts and deletions do not shift."""

import base64
import binascii
import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from django.db.models import F, Q
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from pilotage.api.validation import control_characters, int_param, shown

MAX_PAGE = 10**6
PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000


class ApiPagination(PageNumberPagination):
    invalid_page_message = "Page inexistante : « {page_number} » dépasse la dernière page."
    page_size = PAGE_SIZE
    page_size_query_param = "taille"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request):
        size = int_param(request.query_params, self.page_size_query_param, 1, self.max_page_size,
                         expected="Taille de page attendue")  # fmt: skip
        return self.page_size if size is None else size

    def paginate_queryset(self, queryset, request, view=None):
        int_param(request.query_params, self.page_query_param, 1, MAX_PAGE, expected="Numéro de page attendu")
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound:
            raise NotFound(
                self.invalid_page_message.format(page_number=request.query_params.get(self.page_query_param))
            ) from None

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}
                parameter["description"] = (
                    "Numéro de page, à partir de 1 (400 s'il n'est pas un entier positif, 404 après la dernière page)."
                )
            elif parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE}
                parameter["description"] = (
                    f"Nombre de résultats par page, de 1 à {MAX_PAGE_SIZE} ({PAGE_SIZE} par défaut ; 400 au-delà)."
                )
        return parameters


# Cursor pagination (the large lists: funding lines, indicators, deletions)

CURSOR = "curseur"
CURSOR_DESCRIPTION = (
    "Curseur opaque d'une page, lu dans `next` ou `previous` de la page précédente (ne le construisez pas). La "
    "lecture par curseur est stable : un objet ajouté ou supprimé pendant la lecture ne décale pas les pages (ni "
    "doublon ni oubli parmi les objets présents du début à la fin). Sans `page` ni `curseur`, la première page ; "
    "`next` et `previous` portent alors un curseur. 404 si le curseur est inconnu, s'il ne correspond pas à "
    "l'`ordre` demandé ou à la version lue, ou s'il est donné avec `page`."
)


@dataclass(frozen=True)
class Key:
    """One key of a keyset order: a field (or annotation) name, its direction, and whether it may be null (nulls
    come first in ascending order, last in descending order, as `sync.sync_filter` orders them)."""

    name: str
    descending: bool = False
    nullable: bool = False
    kind: str = "str"  # how a position's value is read back from the cursor: str, int, datetime

    def reversed(self) -> "Key":
        return replace(self, descending=not self.descending)

    def order(self):
        field = F(self.name)
        return field.desc(nulls_last=True) if self.descending else field.asc(nulls_first=True)

    def beyond(self, value) -> Q:
        """The rows after `value` in this key's order."""
        if value is None:
            return Q(**{f"{self.name}__isnull": False}) if not self.descending else Q(pk__in=[])
        after = Q(**{f"{self.name}__{'lt' if self.descending else 'gt'}": value})
        return after | Q(**{f"{self.name}__isnull": True}) if self.nullable and self.descending else after

    def equal(self, value) -> Q:
        return Q(**{f"{self.name}__isnull": True}) if value is None else Q(**{self.name: value})

    def encode(self, value):
        return value.isoformat() if isinstance(value, datetime) else value

    def decode(self, value):
        if value is None:
            if not self.nullable:
                raise ValueError(self.name)
            return None
        if self.kind == "datetime":
            moment = datetime.fromisoformat(value)
            if moment.tzinfo is None:
                raise ValueError(self.name)
            return moment.astimezone(UTC)  # an offset pushing year 1 out of range: OverflowError
        if self.kind == "int":  # within a bigint: a larger one would reach the database as an error
            if isinstance(value, bool) or not isinstance(value, int) or not -(2**63) < value < 2**63:
                raise ValueError(self.name)
            return value
        if not isinstance(value, str) or len(value) > 1000 or control_characters(value):  # NUL breaks PostgreSQL
            raise ValueError(self.name)
        return value


def keys_of(queryset) -> list[Key]:
    """The keyset of a queryset's order (`order_by` strings or `F(...).asc/desc`), which must end with `pk`."""
    model = queryset.model
    keys = []
    for item in queryset.query.order_by or model._meta.ordering:
        if isinstance(item, str):
            name, descending = item.lstrip("-"), item.startswith("-")
        else:  # OrderBy(F(name))
            name, descending = item.expression.name, item.descending
        if name == "pk":
            keys.append(Key("pk", descending, kind="int"))
            continue
        annotation = queryset.query.annotations.get(name)
        field = annotation.output_field if annotation is not None else model._meta.get_field(name)
        internal = field.get_internal_type()
        if field.is_relation:
            internal = field.target_field.get_internal_type()
        kind = (
            "datetime"
            if internal == "DateTimeField"
            else "int"
            if internal.endswith(("IntegerField", "AutoField"))
            else "str"
        )
        keys.append(Key(field.attname if field.is_relation else name, descending,
                        nullable=annotation is not None or field.null, kind=kind))  # fmt: skip
    assert keys and keys[-1].name == "pk", "a keyset order ends with the primary key"
    return keys


def after(keys: list[Key], position: list) -> Q:
    """Rows strictly after `position` in the lexicographic order of `keys`."""
    condition = Q(pk__in=[])
    equal = Q()
    for key, value in zip(keys, position, strict=True):
        condition |= equal & key.beyond(value)
        equal &= key.equal(value)
    return condition


class CursorPagination(ApiPagination):
    """Page numbers when `page` is given (to jump to a page), cursors otherwise: `next` and `previous` carry the
    keyset position of the page's last (first) row, so that rows inserted or deleted meanwhile never shift the
    pages. The position is taken in the queryset's own order (which ends with `pk`) or, for a list, in the order
    of `view.cursor_key(row)`. `count` is the number of rows of the whole list."""

    def paginate_queryset(self, queryset, request, view=None):
        params = request.query_params
        if CURSOR not in params:
            if self.page_query_param in params:
                self.cursor_mode = False
                return super().paginate_queryset(queryset, request, view)
        elif self.page_query_param in params:
            raise NotFound("Page inexistante : `curseur` et `page` désignent chacun une page ; donnez l'un ou l'autre.")
        self.cursor_mode = True
        self.request = request
        size = self.get_page_size(request)
        context = getattr(view, "cursor_context", None)
        is_list = isinstance(queryset, list)
        keys = None if is_list else keys_of(queryset)
        signature = "list" if is_list else ",".join(f"{'-' if k.descending else ''}{k.name}" for k in keys)
        position, backwards = self._read_cursor(params, signature, context, keys)
        if is_list:
            rows = sorted(queryset, key=view.cursor_key, reverse=backwards)
            if position is not None:
                try:
                    rows = [r for r in rows if (view.cursor_key(r) < position) == backwards
                            and view.cursor_key(r) != position]  # fmt: skip
                except TypeError:  # a position of other types than the keys
                    raise NotFound("Curseur inconnu : reprenez celui de `next` ou `previous`, tel quel.") from None
            self.count = len(queryset)
            page = rows[: size + 1]
            position_of = lambda row: list(view.cursor_key(row))  # noqa: E731
        else:
            self.count = queryset.count()
            walk = [key.reversed() for key in keys] if backwards else keys
            rows = queryset.order_by(*(key.order() for key in walk))
            if position is not None:
                rows = rows.filter(after(walk, position))
            page = list(rows[: size + 1])
            position_of = lambda row: [key.encode(getattr(row, key.name)) for key in keys]  # noqa: E731
        more = len(page) > size
        page = page[:size]
        if backwards:
            page.reverse()
        self.next_cursor = self.previous_cursor = None
        if page:
            first, last = position_of(page[0]), position_of(page[-1])
            if more or backwards:
                self.next_cursor = self._cursor(last, False, signature, context)
            if (more and backwards) or (position is not None and not backwards):
                self.previous_cursor = self._cursor(first, True, signature, context)
        return page

    def _cursor(self, position, backwards, signature, context) -> str:
        data = {"p": position, "o": signature, **({"r": 1} if backwards else {}), **({"c": context} if context else {})}
        text = json.dumps(data, separators=(",", ":"), default=str)
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

    def _read_cursor(self, params, signature, context, keys):
        if CURSOR not in params:
            return None, False
        text = params.get(CURSOR, "").strip()
        unreadable = NotFound(f"Curseur inconnu « {shown(text)} » : reprenez celui de `next` ou `previous`, tel "
                              "quel.")  # fmt: skip
        try:
            data = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode())
            position, order, backwards = data["p"], data["o"], bool(data.get("r"))
            if not isinstance(position, list):
                raise ValueError
        except (ValueError, TypeError, KeyError, UnicodeDecodeError, binascii.Error):
            raise unreadable from None
        if order != signature:
            raise NotFound("Ce curseur a été donné pour un autre ordre : gardez le même `ordre` d'une page à "
                           "l'autre, ou recommencez sans curseur.")  # fmt: skip
        if data.get("c") != context:
            raise NotFound("Les données ont changé de version depuis la première page : recommencez la lecture "
                           "sans curseur.")  # fmt: skip
        try:
            if keys is None:
                position = tuple(position)
                hash(position)
            else:
                if len(position) != len(keys):
                    raise ValueError
                position = [key.decode(value) for key, value in zip(keys, position, strict=True)]
        except (ValueError, TypeError, OverflowError):
            raise unreadable from None
        return position, backwards

    def _link(self, cursor):
        if cursor is None:
            return None
        url = remove_query_param(self.request.build_absolute_uri(), self.page_query_param)
        return replace_query_param(url, CURSOR, cursor)

    def get_next_link(self):
        return self._link(self.next_cursor) if self.cursor_mode else super().get_next_link()

    def get_previous_link(self):
        return self._link(self.previous_cursor) if self.cursor_mode else super().get_previous_link()

    def get_paginated_response(self, data):
        if not self.cursor_mode:
            return super().get_paginated_response(data)
        return Response({"count": self.count, "next": self.get_next_link(), "previous": self.get_previous_link(),
                         "results": data})  # fmt: skip

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["description"] = (
                    "Numéro de page, à partir de 1, pour aller directement à une page (400 s'il n'est pas un entier "
                    "positif ou avec `curseur`, 404 après la dernière page). Sans `page`, la lecture se fait par "
                    "curseur (`next`)."
                )
        cursor = {"name": CURSOR, "required": False, "in": "query", "description": CURSOR_DESCRIPTION,
                  "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]+$", "maxLength": 2000}}  # fmt: skip
        return [*parameters, cursor]

    def get_paginated_response_schema(self, schema):
        result = super().get_paginated_response_schema(schema)
        result["properties"]["next"]["example"] = (
            "https://pilotage.example.gouv.fr/api/v1/lignes-financement/?curseur=eyJwIjpbMTJdLCJvIjoiaWQscGsifQ"
        )
        result["properties"]["next"]["description"] = (
            "La page suivante (avec `curseur`, ou `page` si elle est donnée) ; null à la fin."
        )
        result["properties"]["previous"]["example"] = None
        result["properties"]["previous"]["description"] = "La page précédente ; null sur la première."
        return result
