"""Management dialogue pages. Every query starts from `visible_to(request.user)`; writes go through services."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from pilotage.core.audit import history_entries
from pilotage.core.exports import AMOUNT, DATE, YES_NO, Column, export_response
from pilotage.core.params import year_param
from pilotage.core.workflow import TransitionError
from pilotage.dialogue import context as read
from pilotage.dialogue import forms, perms, services
from pilotage.dialogue.documents import KIND, synthesis_context
from pilotage.dialogue.guide import STEP_BY_KEY, STEPS, SYNTHESIS_THEMES
from pilotage.dialogue.models import ActionPlanItem, DialogueCampaign, DialogueStatus, ManagementDialogue
from pilotage.dialogue.workflow import WORKFLOW, amendment_for
from pilotage.documents.rendering import CONTENT_TYPES, document_download
from pilotage.indicators.forms import TargetsForm
from pilotage.indicators.models import Target
from pilotage.indicators.services import targets_set

HOME = ("Dialogue de gestion", "dialogue:home")


def _crumbs(*items):
    return [(HOME[0], reverse(HOME[1])), *items]


def _dialogue(request, pk) -> ManagementDialogue:
    return get_object_or_404(
        ManagementDialogue.objects.visible_to(request.user).select_related("campaign__region", "mission_locale"),
        pk=pk,
    )


def _error_message(request, exc):
    text = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
    messages.error(request, text)


def _dialogue_crumbs(dialogue, *items):
    campaign = dialogue.campaign
    return _crumbs(
        (str(campaign), reverse("dialogue:campaign", args=[campaign.pk])),
        (dialogue.mission_locale.display_name, reverse("dialogue:dialogue", args=[dialogue.pk]) if items else None),
        *items,
    )


def home(request):
    user = request.user
    campaigns = DialogueCampaign.objects.visible_to(user).select_related("region")
    dialogues = ManagementDialogue.objects.visible_to(user)
    if not campaigns.exists() and not perms.opens_campaign(user) and not dialogues.exists():
        raise Http404("Page introuvable.")
    rows = []
    for campaign in campaigns:
        followup = read.campaign_followup(dialogues.filter(campaign=campaign))
        rows.append({"campaign": campaign, **followup})
    own = None
    if user.mission_locale_id:
        own = dialogues.select_related("campaign__region").order_by("-campaign__year")
    cancelled = []
    if perms.opens_campaign(user):
        regions = None if user.scope.everything else user.scope.region_codes
        history = DialogueCampaign.history.filter(history_type="-").select_related("history_user", "region")
        if regions is not None:
            history = history.filter(region_id__in=regions)
        cancelled = history.order_by("-history_date")[:20]
    return render(request, "dialogue/home.html", {
        "rows": rows, "can_open": perms.opens_campaign(user), "own": own, "cancelled": cancelled,
        "breadcrumbs": _crumbs(),
    })  # fmt: skip


def campaign_open(request):
    user = request.user
    if not perms.opens_campaign(user):
        raise Http404("Page introuvable.")
    regions = forms.region_choices(user)
    form = forms.CampaignForm(request.POST or None, regions=regions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = services.campaign_open(
                region=data["region"], year=data["year"], acting_user=user,
                **{k: data.get(k) for k in ("opens_on", "preparation_due", "conclusion_due",
                                            "activity_report_closing", "finance_report_closing")},
            )  # fmt: skip
        except ValidationError as exc:
            form.add_error(None, exc)  # a field's error sits next to its field
        except PermissionDenied as exc:
            _error_message(request, exc)
        else:
            messages.success(request, f"Campagne ouverte : {campaign.dialogues.count()} dossiers créés.")
            return redirect("dialogue:campaign", campaign.pk)
    return render(request, "core/form_page.html", {
        "form": form, "title": "Ouvrir une campagne de dialogue de gestion",
        "breadcrumbs": _crumbs(("Ouvrir une campagne", None)),
    })  # fmt: skip


def _campaign_rows(request, campaign):
    return (
        ManagementDialogue.objects.visible_to(request.user).filter(campaign=campaign)
        .select_related("mission_locale__department", "campaign").order_by("mission_locale__name")
    )  # fmt: skip


def campaign_detail(request, pk):
    campaign = get_object_or_404(DialogueCampaign.objects.visible_to(request.user).select_related("region"), pk=pk)
    dialogues = _campaign_rows(request, campaign)
    followup = read.campaign_followup(dialogues)
    return render(request, "dialogue/campaign.html", {
        "campaign": campaign, "dialogues": dialogues, "late_ids": followup["late_ids"],
        "with_targets": followup["with_targets"], "followup": followup,
        "results": read.targets_versus_achieved(dialogues),
        "can_cancel": perms.opens_campaign(request.user, campaign.region)
        and services.campaign_untouched_refusal(campaign) is None,
        "breadcrumbs": _crumbs((str(campaign), None)),
    })  # fmt: skip


def campaign_cancel(request, pk):
    """Cancel a campaign opened by mistake, while none of its files has moved; a reason is required."""
    campaign = get_object_or_404(DialogueCampaign.objects.visible_to(request.user).select_related("region"), pk=pk)
    if not perms.opens_campaign(request.user, campaign.region):
        raise Http404("Page introuvable.")
    refusal = services.campaign_untouched_refusal(campaign)
    form = forms.CampaignCancelForm(request.POST or None)
    if request.method == "POST" and refusal is None and form.is_valid():
        try:
            services.campaign_cancel(campaign=campaign, reason=form.cleaned_data["reason"], acting_user=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{campaign} annulée ; le motif est gardé dans l'historique.")
            return redirect("dialogue:home")
    return render(request, "dialogue/campaign_cancel.html", {
        "campaign": campaign, "form": form, "refusal": refusal, "files": campaign.dialogues.count(),
        "breadcrumbs": _crumbs((str(campaign), reverse("dialogue:campaign", args=[campaign.pk])),
                               ("Annuler la campagne", None)),
    })  # fmt: skip


#: a campaign's files, one a row (items: the file and whether it is late)
CAMPAIGN_EXPORT = (
    Column("code_ml", "Code Mission Locale", lambda row: row[0].mission_locale.code),
    Column("mission_locale", "Mission Locale", lambda row: row[0].mission_locale.display_name, width=40),
    Column("departement", "Code département", lambda row: row[0].mission_locale.department.code),
    Column("departement_nom", "Département", lambda row: row[0].mission_locale.department.name, machines=False),
    Column("etat", "État du dossier", lambda row: row[0].status, label=dict(DialogueStatus.choices)),
    Column("en_retard", "En retard", lambda row: row[1], label=YES_NO),
    Column("subvention_proposee", "Subvention proposée (€)", lambda row: row[0].proposed_subsidy, AMOUNT),
    Column("conclu_le", "Conclu le", lambda row: row[0].concluded_on, DATE),
)


def campaign_export(request, pk, fmt):
    campaign = get_object_or_404(DialogueCampaign.objects.visible_to(request.user), pk=pk)
    dialogues = _campaign_rows(request, campaign)
    late_ids = set(dialogues.late().values_list("pk", flat=True))
    items = [(d, d.pk in late_ids) for d in dialogues]
    return export_response(request, columns=CAMPAIGN_EXPORT, items=items, fmt=fmt,
                           filename=f"dialogue-{campaign.year}-{campaign.region_id}",
                           title=f"Dialogue de gestion {campaign.year}")  # fmt: skip


def dialogue_detail(request, pk):
    dialogue = _dialogue(request, pk)
    user = request.user
    return render(request, "dialogue/dialogue.html", {
        "dialogue": dialogue, "steps": read.steps_progress(dialogue),
        "transitions": WORKFLOW.available(user, dialogue), "transition_log": dialogue.transitions.all(),
        "synthesis": dialogue.synthesis.order_by("pk"), "actions": dialogue.actions.all(),
        "targets": read.targets(dialogue), "history_entries": history_entries(dialogue),
        "can_synthesis": perms.writes_synthesis(user, dialogue),
        "can_follow": perms.follows_action_plan(user, dialogue),
        "amendment": amendment_for(dialogue),
        "breadcrumbs": _dialogue_crumbs(dialogue),
    })  # fmt: skip


def dialogue_step(request, pk, step):
    dialogue = _dialogue(request, pk)
    step = STEP_BY_KEY.get(step)
    if step is None:
        raise Http404("Étape inconnue.")
    user = request.user
    can_write = perms.writes_answers(user, dialogue)
    answers = dict(dialogue.answers.values_list("theme", "text"))
    subsidy_form = None
    if step.shows_funding and perms.proposes_subsidy(user, dialogue):
        subsidy_form = forms.SubsidyForm(initial={"amount": dialogue.proposed_subsidy,
                                                  "justification": dialogue.subsidy_justification})  # fmt: skip
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied("Ce dossier n'est pas modifiable.")
        try:
            if "comment" in request.POST:
                comment_form = forms.CommentForm(request.POST)
                if comment_form.is_valid():
                    services.comment_add(dialogue=dialogue, step=step.key, text=comment_form.cleaned_data["text"],
                                         acting_user=user)  # fmt: skip
                    messages.success(request, "Commentaire ajouté.")
            elif "subsidy" in request.POST:
                subsidy_form = forms.SubsidyForm(request.POST)
                if subsidy_form.is_valid():
                    services.subsidy_propose(dialogue=dialogue, amount=subsidy_form.cleaned_data["amount"],
                                             justification=subsidy_form.cleaned_data["justification"],
                                             acting_user=user)  # fmt: skip
                    messages.success(request, "Proposition de subvention enregistrée.")
                else:
                    return _render_step(request, dialogue, step, can_write, answers, subsidy_form)
            else:
                texts = {t.key: request.POST.get(t.key, "") for t in step.themes if t.key in request.POST}
                changed = services.answers_save(dialogue=dialogue, answers=texts, acting_user=user)
                messages.success(request, f"Étape enregistrée ({changed} thème(s) modifié(s)).")
        except (ValidationError, PermissionDenied) as exc:
            if "subsidy" in request.POST and isinstance(exc, ValidationError) and subsidy_form is not None:
                subsidy_form.add_error("amount", exc)  # the service's refusal sits next to the amount
                return _render_step(request, dialogue, step, can_write, answers, subsidy_form)
            _error_message(request, exc)
        return redirect("dialogue:step", dialogue.pk, step.key)
    return _render_step(request, dialogue, step, can_write, answers, subsidy_form)


def _render_step(request, dialogue, step, can_write, answers, subsidy_form):
    user = request.user
    themes = [{"theme": t, "text": answers.get(t.key, "")} for t in step.themes]
    index = STEPS.index(step)
    return render(request, "dialogue/step.html", {
        "dialogue": dialogue, "step": step, "themes": themes, "can_write": can_write,
        "indicators": read.step_indicators(user, dialogue, step),
        "funding": read.funding(dialogue) if step.shows_funding else None, "subsidy_form": subsidy_form,
        "comments": dialogue.comments.filter(step=step.key).select_related("author"),
        "comment_form": forms.CommentForm() if can_write else None,
        "previous_step": STEPS[index - 1] if index else None,
        "next_step": STEPS[index + 1] if index + 1 < len(STEPS) else None,
        "breadcrumbs": _dialogue_crumbs(dialogue, (f"Étape {step.number}", None)),
    })  # fmt: skip


def synthesis_edit(request, pk):
    dialogue = _dialogue(request, pk)
    user = request.user
    if not perms.writes_synthesis(user, dialogue):
        raise PermissionDenied("Le tableau de synthèse n'est pas modifiable par vous.")
    rows = {row.theme: row for row in dialogue.synthesis.all()}
    can_targets = perms.proposes_subsidy(user, dialogue)
    year = dialogue.campaign.target_year
    current = Target.objects.by_ratio(dialogue.mission_locale, year)
    targets_form = TargetsForm(request.POST or None, current=current, prefix="objectifs") if can_targets else None
    if request.method == "POST":
        data = {
            theme: {k: request.POST.get(f"{theme}-{k}", "") for k in ("strengths", "areas_for_progress",
                                                                       "priority_actions")}
            for theme, _ in SYNTHESIS_THEMES
        }  # fmt: skip
        if targets_form is not None and not targets_form.is_valid():
            messages.error(request, "Objectifs invalides : corrigez les valeurs signalées.")
        else:
            try:
                changed = services.synthesis_save(dialogue=dialogue, rows=data, acting_user=user)
                if targets_form is not None:
                    changed += targets_set(mission_locale=dialogue.mission_locale, year=year,
                                           values=dict(targets_form.cleaned_data), acting_user=user)  # fmt: skip
            except (ValidationError, PermissionDenied) as exc:
                _error_message(request, exc)
            else:
                messages.success(request, f"Synthèse et objectifs enregistrés ({changed} modification(s)).")
                return redirect("dialogue:dialogue", dialogue.pk)
    table = [{"theme": theme, "label": label, "row": rows.get(theme)} for theme, label in SYNTHESIS_THEMES]
    return render(request, "dialogue/synthesis.html", {
        "dialogue": dialogue, "table": table, "targets_form": targets_form, "year": year,
        "breadcrumbs": _dialogue_crumbs(dialogue, ("Synthèse et objectifs", None)),
    })  # fmt: skip


def action_edit(request, pk, action_pk=None):
    dialogue = _dialogue(request, pk)
    user = request.user
    action = get_object_or_404(dialogue.actions, pk=action_pk) if action_pk else None
    allowed = perms.writes_synthesis(user, dialogue) or (action and perms.follows_action_plan(user, dialogue))
    if not allowed:
        raise PermissionDenied("Le plan d'action n'est pas modifiable par vous.")
    form = forms.ActionForm(request.POST or None, instance=action or ActionPlanItem(dialogue=dialogue),
                            follow_up_only=not dialogue.is_open)  # fmt: skip
    if request.method == "POST" and form.is_valid():
        fields = {k: form.cleaned_data[k] for k in form.changed_data if k in form.cleaned_data}
        if action is None:
            fields = {k: form.cleaned_data[k] for k in form.fields}
        try:
            services.action_save(dialogue=dialogue, action=action, acting_user=user, **fields)
        except (ValidationError, PermissionDenied) as exc:
            _error_message(request, exc)
        else:
            messages.success(request, "Action enregistrée.")
            return redirect(reverse("dialogue:dialogue", args=[dialogue.pk]) + "#plan-action")
    title = "Modifier l'action" if action else "Nouvelle action du plan d'action"
    return render(request, "core/form_page.html", {
        "form": form, "title": title, "breadcrumbs": _dialogue_crumbs(dialogue, (title, None)),
    })  # fmt: skip


def dialogue_conclude(request, pk):
    """The confirmation before concluding: what is complete, what is not (blocking or not)."""
    dialogue = _dialogue(request, pk)
    if "conclude" not in {t.name for t in WORKFLOW.available(request.user, dialogue)}:
        messages.error(request, "Ce dossier ne peut pas être conclu par vous en son état.")
        return redirect("dialogue:dialogue", dialogue.pk)
    checklist = read.conclusion_checklist(dialogue)
    return render(request, "dialogue/conclude.html", {
        "dialogue": dialogue, "checklist": checklist,
        "incomplete": [item for item in checklist if not item["done"]],
        "blocked": any(item["blocking"] and not item["done"] for item in checklist),
        "breadcrumbs": _dialogue_crumbs(dialogue, ("Conclure le dialogue", None)),
    })  # fmt: skip


def dialogue_transition(request, pk):
    dialogue = _dialogue(request, pk)
    if request.method != "POST":
        return redirect("dialogue:dialogue", dialogue.pk)
    form = forms.TransitionForm(request.POST)
    if form.is_valid() and form.cleaned_data["name"] == "conclude" and not form.cleaned_data["confirmed"]:
        return redirect("dialogue:conclude", dialogue.pk)  # concluding is confirmed on its own page
    if form.is_valid():
        try:
            dialogue = services.dialogue_transition(
                dialogue=dialogue,
                name=form.cleaned_data["name"],
                reason=form.cleaned_data["reason"],
                acting_user=request.user,
            )
        except TransitionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Le dossier est maintenant « {dialogue.get_status_display()} ».")
    return redirect("dialogue:dialogue", dialogue.pk)


def followup(request):
    """National (DGEFP) or regional (DREETS) follow-up: where each campaign stands, late files, targets."""
    user = request.user
    campaigns = DialogueCampaign.objects.visible_to(user).select_related("region")
    if not perms.opens_campaign(user):
        raise Http404("Page introuvable.")
    year = year_param(request)
    years = sorted(set(campaigns.values_list("year", flat=True)), reverse=True)
    year = year or (years[0] if years else None)
    dialogues = ManagementDialogue.objects.visible_to(user).filter(campaign__year=year)
    rows = [
        {"campaign": c, **read.campaign_followup(dialogues.filter(campaign=c))} for c in campaigns.filter(year=year)
    ]
    return render(request, "dialogue/followup.html", {
        "rows": rows, "year": year, "years": years, "overall": read.campaign_followup(dialogues),
        "results": read.targets_versus_achieved(dialogues), "breadcrumbs": _crumbs(("Suivi des campagnes", None)),
    })  # fmt: skip


def synthesis_document(request, pk, fmt):
    """The synthesis as DOCX (editable) or PDF, generated from the file's data."""
    dialogue = _dialogue(request, pk)
    if fmt not in CONTENT_TYPES:
        raise Http404("Format inconnu.")
    filename = f"synthese-dialogue-{dialogue.campaign.year}-ML-{dialogue.mission_locale.code}.{fmt}"
    return document_download(KIND, fmt, synthesis_context(dialogue, request.user), filename)
