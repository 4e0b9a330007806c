"""Regional animation pages. Every query starts from `visible_to(request.user)`; rules live in services."""

import json
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from pilotage.animation import forms
from pilotage.animation.annex import KIND, annex_context
from pilotage.animation.models import Mission, Programme, ProgrammeStatus
from pilotage.animation.reading import REPORT_STATUSES, national_distribution, national_follow_up, programme_summary
from pilotage.animation.rules import BAND_LABELS
from pilotage.animation.services import (
    action_delete,
    action_report_save,
    action_save,
    comment_add,
    programme_record_convention,
    programme_transition,
)
from pilotage.animation.services import (
    programme_create as create_programme,
)
from pilotage.animation.workflow import WORKFLOW
from pilotage.core.audit import history_entries
from pilotage.core.exports import AMOUNT, PERCENT, YEAR, YES_NO, Column, export_response
from pilotage.core.params import year_param
from pilotage.core.workflow import TransitionError
from pilotage.documents.rendering import CONTENT_TYPES, document_download
from pilotage.reference.models import Region

HOME = ("Animation régionale", "animation:home")


def _crumbs(*items):
    return [(HOME[0], reverse(HOME[1])), *items]


def _programme(request, pk) -> Programme:
    return get_object_or_404(
        Programme.objects.visible_to(request.user).select_related("regional_association__region", "convention"),
        pk=pk,
    )


def _programme_crumbs(programme, *items):
    return _crumbs((str(programme), reverse("animation:programme_detail", args=[programme.pk])), *items)


def _error(request, exc: ValidationError):
    for message in exc.messages:
        messages.error(request, message)


def home(request):
    programmes = (
        Programme.objects.visible_to(request.user)
        .select_related("regional_association__region")
        .annotate(state_total=Sum("actions__state_amount"), cost_total=Sum("actions__forecast_cost"),
                  action_count=Count("actions"))
        .order_by("-year", "regional_association__region__name")
    )  # fmt: skip
    return render(
        request,
        "animation/home.html",
        {
            "programmes": programmes,
            "can_create": request.user.has_perm("animation.add_programme"),
            "breadcrumbs": [(HOME[0], None)],
        },
    )


def catalogue(request):
    missions = Mission.objects.prefetch_related("objectives__action_types")
    return render(request, "animation/catalogue.html", {
        "missions": missions, "breadcrumbs": _crumbs(("Catalogue des actions", None)),
    })  # fmt: skip


def programme_create(request):
    if not request.user.has_perm("animation.add_programme"):
        raise Http404
    form = forms.ProgrammeCreateForm(request.POST or None, user=request.user,
                                     initial={"year": timezone.now().year + 1})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            programme = create_programme(regional_association=form.operator(), year=form.cleaned_data["year"],
                                         acting_user=request.user)  # fmt: skip
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, "Programme créé : ajoutez ses actions.")
            return redirect("animation:programme_detail", programme.pk)
    return render(request, "core/form_page.html", {
        "form": form, "title": "Nouveau programme régional d'animation",
        "breadcrumbs": _crumbs(("Nouveau programme", None)),
    })  # fmt: skip


def programme_detail(request, pk):
    programme = _programme(request, pk)
    user = request.user
    summary = programme_summary(programme)
    return render(
        request,
        "animation/programme_detail.html",
        {
            "programme": programme,
            "summary": summary,
            "band": summary.region_band.band,
            "budget_year": summary.region_band.budget_year,
            "distribution": national_distribution(programme.year),
            "transitions": WORKFLOW.available(user, programme),
            "can_draft": user.has_perm("animation.draft_programme", programme),
            "can_review": user.has_perm("animation.review_programme", programme),
            "can_comment": user.has_perm("animation.comment_programme", programme),
            "can_report": user.has_perm("animation.report_programme", programme),
            "comment_form": forms.CommentForm(programme=programme),
            "convention_form": forms.ConventionRecordForm(),
            "comments": programme.comments.select_related("author", "action"),
            "log": programme.transitions.select_related("by"),
            "history_entries": _history(programme),
            "breadcrumbs": _crumbs((str(programme), None)),
        },
    )


def _history(obj):
    return history_entries(obj)


def action_edit(request, pk, action_pk=None):
    programme = _programme(request, pk)
    action = get_object_or_404(programme.actions, pk=action_pk) if action_pk else None
    if not request.user.has_perm("animation.draft_programme", programme):
        raise Http404
    form = forms.ActionForm(request.POST or None, programme=programme, action=action)
    if request.method == "POST" and form.is_valid():
        try:
            action_save(programme=programme, data=form.to_data(), acting_user=request.user, action=action)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, "Action enregistrée.")
            return redirect("animation:programme_detail", programme.pk)
    title = f"Modifier l'action {action.position}" if action else "Ajouter une action"
    return render(request, "animation/action_form.html", {
        "form": form, "programme": programme, "action": action, "title": title,
        "breadcrumbs": _programme_crumbs(programme, (title, None)),
    })  # fmt: skip


@require_POST
def action_delete_view(request, pk, action_pk):
    programme = _programme(request, pk)
    action = get_object_or_404(programme.actions, pk=action_pk)
    try:
        action_delete(action=action, acting_user=request.user)
        messages.success(request, "Action supprimée.")
    except ValidationError as exc:
        _error(request, exc)
    except PermissionDenied:
        raise Http404 from None
    return redirect("animation:programme_detail", programme.pk)


@require_POST
def transition(request, pk, name):
    programme = _programme(request, pk)
    if name not in WORKFLOW.transitions:
        raise Http404
    form = forms.ReasonForm(request.POST)
    form.is_valid()
    try:
        programme_transition(programme=programme, name=name, acting_user=request.user,
                             reason=form.cleaned_data.get("reason", ""))  # fmt: skip
        messages.success(request, f"{WORKFLOW.get(name).label} : fait.")
    except TransitionError as exc:
        messages.error(request, str(exc))
    return redirect("animation:programme_detail", programme.pk)


@require_POST
def comment(request, pk):
    programme = _programme(request, pk)
    form = forms.CommentForm(request.POST, programme=programme)
    if not form.is_valid():
        messages.error(request, "Commentaire vide ou action inconnue.")
    else:
        try:
            comment_add(programme=programme, action=form.cleaned_data["action"], text=form.cleaned_data["text"],
                        acting_user=request.user)  # fmt: skip
            messages.success(request, "Commentaire ajouté.")
        except ValidationError as exc:
            _error(request, exc)
        except PermissionDenied:
            raise Http404 from None
    return redirect(reverse("animation:programme_detail", args=[programme.pk]) + "#commentaires")


@require_POST
def convention_record(request, pk):
    programme = _programme(request, pk)
    form = forms.ConventionRecordForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Date de signature invalide.")
        return redirect("animation:programme_detail", programme.pk)
    try:
        programme_record_convention(programme=programme, acting_user=request.user, **form.cleaned_data)
        messages.success(request, "Convention tripartite enregistrée.")
    except ValidationError as exc:
        _error(request, exc)
    except PermissionDenied:
        raise Http404 from None
    return redirect("animation:programme_detail", programme.pk)


def annex(request, pk, fmt):
    programme = _programme(request, pk)
    if fmt not in CONTENT_TYPES:
        raise Http404
    filename = f"annexe_programme_animation_{programme.regional_association.region_id}_{programme.year}.{fmt}"
    return document_download(KIND, fmt, annex_context(programme), filename)


def report(request, pk):
    programme = _programme(request, pk)
    if programme.status not in {ProgrammeStatus.APPROVED, *REPORT_STATUSES}:
        raise Http404
    summary = programme_summary(programme)
    return render(request, "animation/report.html", {
        "programme": programme, "summary": summary,
        "can_report": request.user.has_perm("animation.report_programme", programme),
        "transitions": [t for t in WORKFLOW.available(request.user, programme)
                        if t.name in {"submit_report", "close"}],
        "breadcrumbs": _programme_crumbs(programme, ("Rapport d'activité", None)),
    })  # fmt: skip


def action_report_edit(request, pk, action_pk):
    programme = _programme(request, pk)
    action = get_object_or_404(programme.actions, pk=action_pk)
    if not request.user.has_perm("animation.report_programme", programme):
        raise Http404
    form = forms.ActionReportForm(request.POST or None, action=action)
    if request.method == "POST" and form.is_valid():
        try:
            action_report_save(action=action, data=form.to_data(), acting_user=request.user)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, "Rapport de l'action enregistré.")
            return redirect("animation:report", programme.pk)
    title = f"Rapport d'activité — action {action.position}"
    return render(request, "animation/action_report_form.html", {
        "form": form, "programme": programme, "action": action, "title": title,
        "breadcrumbs": _programme_crumbs(programme, ("Rapport d'activité", reverse("animation:report",
                                                                                     args=[programme.pk])),
                                         (title, None)),
    })  # fmt: skip


def _follow_up_rows(request):
    user = request.user
    visible = Programme.objects.visible_to(user)
    years = sorted(set(visible.values_list("year", flat=True)), reverse=True)
    year = year_param(request, years[0] if years else timezone.now().year)
    regions = Region.objects.order_by("name")
    if not user.scope.everything:
        regions = regions.filter(code__in=user.scope.region_codes)
    return year, years, national_follow_up(year, visible, list(regions))


def _cents(value):
    return value.quantize(Decimal("0.01")) if value is not None else None


#: the national follow-up of the animation programmes, one region a row (items: `national_follow_up`'s rows)
FOLLOW_UP_EXPORT = (
    Column("code_region", "Code région", lambda row: row.region.code),
    Column("region", "Région", lambda row: row.region.name, width=30),
    Column("annee", "Année", lambda row: row.year, YEAR),
    Column("statut", "Statut du programme", lambda row: row.programme.status if row.programme else "",
           label=dict(ProgrammeStatus.choices), width=28),  # fmt: skip
    Column("montant_etat", "Financement de l'État (€)", lambda row: _cents(row.state_amount), AMOUNT),
    Column("budget_etat_ml", "Budget de l'État des Missions Locales (€)",
           lambda row: _cents(row.band.state_budget) if row.band else None, AMOUNT),  # fmt: skip
    Column("annee_budget", "Année du budget", lambda row: row.budget_year, YEAR),
    Column("part_etat_pct", "Part de l'État", lambda row: round(row.band.share_pct, 2)
           if row.band and row.band.share_pct is not None else None, PERCENT, places=2),  # fmt: skip
    Column("position", "Position dans la fourchette", lambda row: row.band.position if row.band else "",
           label=BAND_LABELS, width=36),  # fmt: skip
    Column("rapport_remis", "Rapport d'activité remis", lambda row: (
        ("oui" if row.programme.status in REPORT_STATUSES else "non") if row.programme else ""), label=YES_NO),
)  # fmt: skip


def follow_up_export(request, fmt):
    year, _, rows = _follow_up_rows(request)
    for row in rows:
        row.year = year
    return export_response(request, columns=FOLLOW_UP_EXPORT, items=rows, filename=f"suivi_animation_{year}",
                           fmt=fmt, title=f"Suivi de l'animation régionale {year}")  # fmt: skip


def follow_up(request):
    """The State's follow-up of every region it sees: programme, State amount, band, activity report."""
    year, years, rows = _follow_up_rows(request)
    with_share = [row for row in rows if row.band and row.band.share_pct is not None]
    chart = {
        "x": json.dumps([[row.region.name for row in with_share]]),
        "y": json.dumps([[float(round(row.band.share_pct, 2)) for row in with_share]]),
        "map": json.dumps({row.region.code: float(round(row.band.share_pct, 2)) for row in with_share}),
        # the map's reference value: the State's share of all the programmes shown over all their budgets
        "national": float(
            round(sum(r.state_amount for r in with_share) / sum(r.band.state_budget for r in with_share) * 100, 2)
        )
        if with_share
        else 0,
    }
    return render(request, "animation/follow_up.html", {
        "year": year, "years": years, "rows": rows, "chart": chart, "with_share": with_share,
        "report_statuses": REPORT_STATUSES,
        "breadcrumbs": _crumbs(("Suivi des programmes", None)),
    })  # fmt: skip
