"""The DGEFP's audit pages: deleted objects and their history, the log of exports (ADR 0015)."""

import heapq

from django.apps import apps
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from simple_history.models import HistoricalChanges
from simple_history.utils import get_history_manager_for_model

from pilotage.audit.models import ExportLog
from pilotage.core.audit import deleted_object_entries
from pilotage.reference.perms import is_national_admin

DELETIONS_SHOWN = 300


def _require_dgefp(request):
    if not is_national_admin(request.user):
        raise Http404


def _tracked_models():
    """The business models whose history is kept (not the many-to-many history tables)."""
    historical = [m for m in apps.get_models() if issubclass(m, HistoricalChanges) and hasattr(m, "instance_type")]
    return sorted(
        (m.instance_type for m in historical if hasattr(m.instance_type._meta, "simple_history_manager_attribute")),
        key=lambda model: str(model._meta.verbose_name),
    )


def deleted_objects(request):
    """Every deletion, newest first, each with a link to the deleted object's whole history."""
    _require_dgefp(request)
    models = _tracked_models()
    chosen = request.GET.get("type", "")
    if chosen:
        models = [m for m in models if m._meta.label_lower == chosen]
    streams = []
    for model in models:
        records = get_history_manager_for_model(model).filter(history_type="-").select_related("history_user")
        streams.append(records.order_by("-history_date", "-history_id")[:DELETIONS_SHOWN])
    newest = heapq.merge(*streams, key=lambda record: record.history_date, reverse=True)
    rows = []
    for record in newest:
        model = record.instance_type
        pk = getattr(record, model._meta.pk.attname)
        rows.append(
            {
                "date": record.history_date,
                "user": record.history_user,
                "type": model._meta.verbose_name,
                "label": _label(record),
                "reason": record.history_change_reason or "",
                "url": reverse("audit:deleted_object", args=[model._meta.label_lower, pk]),
            }
        )
        if len(rows) >= DELETIONS_SHOWN:
            break
    return render(
        request,
        "audit/deleted_objects.html",
        {
            "rows": rows,
            "limit": DELETIONS_SHOWN,
            "types": [(m._meta.label_lower, m._meta.verbose_name) for m in _tracked_models()],
            "chosen": chosen,
            "breadcrumbs": [("Objets supprimés", None)],
        },
    )


def _label(record) -> str:
    try:
        return str(record.instance)
    except Exception:  # a __str__ reading a related object deleted too
        return f"n° {getattr(record, record.instance_type._meta.pk.attname)}"


def deleted_object(request, model_label, pk):
    """The whole history of an object, read from its history table: it stays readable after its deletion."""
    _require_dgefp(request)
    try:
        model = apps.get_model(model_label)
    except (LookupError, ValueError):
        raise Http404 from None
    if model not in _tracked_models():
        raise Http404
    try:
        pk = model._meta.pk.to_python(pk)
    except Exception:
        raise Http404 from None
    history = get_history_manager_for_model(model).filter(**{model._meta.pk.attname: pk})
    last = history.order_by("-history_date", "-history_id").first()
    if last is None:
        raise Http404
    return render(
        request,
        "audit/deleted_object.html",
        {
            "model_name": model._meta.verbose_name,
            "label": _label(last),
            "deleted": last.history_type == "-",
            "last": last,
            "history_entries": deleted_object_entries(model, pk),
            "breadcrumbs": [("Objets supprimés", reverse("audit:deleted_objects")), (_label(last), None)],
        },
    )


def export_log(request):
    """Who exported what, when."""
    _require_dgefp(request)
    page = Paginator(ExportLog.objects.select_related("user"), 100).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/export_log.html",
        {"page_obj": page, "querystring": "", "breadcrumbs": [("Exports journalisés", None)]},
    )
