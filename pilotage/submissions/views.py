"""Pages of submissions: the list, the upload, a submission (its job's progress, its problems, its approval)."""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from pilotage.core.exports import csv_response
from pilotage.core.params import choice_param
from pilotage.core.workflow import TransitionError
from pilotage.reference.models import Region
from pilotage.submissions import services
from pilotage.submissions.forms import SubmissionForm
from pilotage.submissions.models import WAITING_STATES, Submission
from pilotage.submissions.perms import own_results_mission_locale, submission_regions, submits
from pilotage.submissions.quality import threshold_setting, thresholds
from pilotage.submissions.selectors import quality_report, quality_rows
from pilotage.submissions.workflow import WORKFLOW, pre_approved_departments

CRUMB = ("Dépôts de données", "submissions:list")


def _crumbs(*more):
    return [(CRUMB[0], reverse(CRUMB[1])), *more]


def submission_list(request):
    submissions = Submission.objects.visible_to(request.user).select_related("region", "submitted_by", "mission_locale")
    if not submits(request.user) and not submissions.exists():
        raise Http404("Page introuvable.")
    return render(request, "submissions/list.html", {
        "submissions": submissions[:200], "can_submit": submits(request.user),
        "breadcrumbs": [(CRUMB[0], None)],
    })  # fmt: skip


def submission_upload(request):
    user = request.user
    if not submits(user):
        raise Http404("Page introuvable.")
    regions = submission_regions(user)
    own_ml = own_results_mission_locale(user)
    region_choices = Region.objects.all() if regions is None else Region.objects.filter(code__in=regions or [])
    form = SubmissionForm(request.POST or None, request.FILES or None, regions=region_choices,
                          own_mission_locale=own_ml, national=regions is None)  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        region = own_ml.department.region if own_ml else data["region"]  # None: a national export (DGEFP)
        try:
            submission = services.submission_create(
                user=user, region=region, year=data["year"], kind=data["kind"], upload=data["file"],
                data_date=data["data_date"], mission_locale=own_ml,
            )  # fmt: skip
        except (ValidationError, PermissionDenied) as exc:
            form.add_error("file" if isinstance(exc, ValidationError) else None,
                           " ".join(getattr(exc, "messages", [str(exc)])))  # fmt: skip
        else:
            return redirect(submission)
    return render(request, "submissions/upload.html", {
        "form": form, "own_ml": own_ml, "breadcrumbs": _crumbs(("Déposer des données", None)),
        "max_size": services.file_size_label(services.max_upload_bytes()),
    })  # fmt: skip


def _visible(request, pk) -> Submission:
    return get_object_or_404(
        Submission.objects.visible_to(request.user).select_related("region", "submitted_by", "job", "mission_locale"),
        pk=pk,
    )


def submission_detail(request, pk):
    submission = _visible(request, pk)
    job = submission.job
    result = (job.result or {}) if job else {}
    return render(request, "submissions/detail.html", {
        "submission": submission, "job": job, "result": result,
        "processing": submission.status in WAITING_STATES,
        "children": submission.children.select_related("region").order_by("region__name"),
        "parent_visible": submission.parent_id is not None
        and Submission.objects.visible_to(request.user).filter(pk=submission.parent_id).exists(),
        "actions": WORKFLOW.available(request.user, submission),
        "transitions": submission.transitions.select_related("by"),
        "pre_approved": sorted(pre_approved_departments(submission)),
        "breadcrumbs": _crumbs((f"Dépôt n° {submission.pk}", None)),
    })  # fmt: skip


def submission_issues(request, pk):
    submission = _visible(request, pk)
    if submission.job is None or not submission.job.issues_csv:
        raise Http404("Aucun problème à télécharger.")
    return csv_response(submission.job.issues_csv, f"depot-{submission.pk}-problemes.csv")


@require_POST
def submission_action(request, pk, name):
    submission = _visible(request, pk)
    try:
        move = services.submission_move(submission=submission, name=name, user=request.user,
                                        reason=request.POST.get("reason", ""))  # fmt: skip
    except TransitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{move.transition.label} : fait.")
    return redirect(submission)


def submission_quality(request, pk):
    """The quality review of a staged submission, for its region or one of its Missions Locales (`?ml=`), with
    the outlier threshold chosen (`?seuil=`); reviewers mark a flagged value « expliqué »."""
    submission = _visible(request, pk)
    if submission.staged_dataset_id is None:
        raise Http404("Ce dépôt n'a pas de données à revoir.")
    offered = thresholds()
    threshold = choice_param(request, "seuil", offered, str(threshold_setting()), label="Seuil")
    mls = sorted(submission.ml_codes)
    ml_code = choice_param(request, "ml", ["", *mls], "", label="Mission Locale") or None
    report = quality_report(submission, threshold=Decimal(threshold), ml_code=ml_code)
    return render(request, "submissions/quality.html", {
        "submission": submission, "report": report, "rows": quality_rows(report), "thresholds": offered,
        "threshold": threshold, "mls": mls, "ml_code": ml_code or "",
        "can_explain": request.user.has_perm("submissions.review_submission", submission),
        "breadcrumbs": _crumbs((f"Dépôt n° {submission.pk}", submission.get_absolute_url()),
                               ("Revue de qualité", None)),
    })  # fmt: skip


@require_POST
def submission_explain(request, pk):
    submission = _visible(request, pk)
    data = request.POST
    try:
        services.value_explain(submission=submission, user=request.user, level=data.get("level", "")[:12],
                               code=data.get("code", "")[:20], indicator=data.get("indicator", "")[:30],
                               breakdown=data.get("breakdown", "")[:12], comment=data.get("comment", ""))  # fmt: skip
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, "Valeur marquée « expliqué ».")
    return redirect(reverse("submissions:quality", args=[pk]) + ("?" + request.GET.urlencode() if request.GET else ""))
