"""Survey pages. Every survey is fetched through `Survey.objects.visible_to(request.user)` (else 404); rules live
in services, perms, results and situations. The answer page by personal link is the only public page."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from pilotage.core.exports import AMOUNT, INTEGER, NUMBER, PERCENT, YES_NO, Column, export_response
from pilotage.indicators.masking import MASKED
from pilotage.surveys import forms, services
from pilotage.surveys.answering import is_answered
from pilotage.surveys.models import (
    QuestionKind,
    Questionnaire,
    ResponseStatus,
    Survey,
    SurveyStatus,
)
from pilotage.surveys.perms import sees_exact_results
from pilotage.surveys.queries import cross_for, results_for, situations_for
from pilotage.surveys.selectors import own_targets
from pilotage.surveys.situations import MIN_DEPARTMENTAL_SHARE, Situation, department_summary

HOME = ("Enquêtes", "surveys:home")


def _crumbs(*items):
    return [(HOME[0], reverse(HOME[1])), *items]


def _survey(request, pk) -> Survey:
    return get_object_or_404(Survey.objects.visible_to(request.user).select_related("questionnaire", "region"), pk=pk)


def _managed(request, pk) -> Survey:
    survey = _survey(request, pk)
    if not request.user.has_perm("surveys.manage_survey", survey):
        raise Http404("Enquête introuvable.")
    return survey


def _base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def home(request):
    user = request.user
    surveys = Survey.objects.visible_to(user).select_related("questionnaire", "region")
    return render(request, "surveys/home.html", {
        "surveys": surveys,
        "own_targets": own_targets(user),
        "can_create": user.has_perm("surveys.add_survey"),
        "breadcrumbs": [(HOME[0], None)],
    })  # fmt: skip


# Questionnaires (the builder)


def _questionnaire(request, pk) -> Questionnaire:
    if not request.user.has_perm("surveys.add_survey"):
        raise Http404("Questionnaire introuvable.")
    return get_object_or_404(Questionnaire, pk=pk)


def questionnaire_list(request):
    if not request.user.has_perm("surveys.add_survey"):
        raise Http404("Page introuvable.")
    return render(request, "surveys/questionnaire_list.html", {
        "questionnaires": Questionnaire.objects.all(),
        "breadcrumbs": _crumbs(("Questionnaires", None)),
    })  # fmt: skip


def questionnaire_detail(request, pk):
    questionnaire = _questionnaire(request, pk)
    section_form = forms.SectionForm(prefix="section")
    question_form = forms.QuestionForm(prefix="question", questionnaire=questionnaire)
    if request.method == "POST":
        try:
            if "add_section" in request.POST:
                section_form = forms.SectionForm(request.POST, prefix="section")
                if section_form.is_valid():
                    services.section_add(questionnaire=questionnaire, title=section_form.cleaned_data["title"],
                                         acting_user=request.user)  # fmt: skip
                    messages.success(request, "Section ajoutée.")
                    return redirect("surveys:questionnaire_detail", pk=pk)
            else:
                question_form = forms.QuestionForm(request.POST, prefix="question", questionnaire=questionnaire)
                if question_form.is_valid():
                    data = question_form.cleaned_data
                    services.question_add(
                        section=data["section"], acting_user=request.user, code=data["code"], text=data["text"],
                        kind=data["kind"], required=data["required"], options=data["options"],
                        condition_question=data["condition_question"], condition_values=data["condition_values"],
                    )  # fmt: skip
                    messages.success(request, "Question ajoutée.")
                    return redirect("surveys:questionnaire_detail", pk=pk)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except PermissionDenied as exc:
            messages.error(request, str(exc))
    sections = questionnaire.sections.prefetch_related("questions__condition_question")
    return render(request, "surveys/questionnaire_detail.html", {
        "questionnaire": questionnaire,
        "sections": sections,
        "editable": not questionnaire.surveys.exclude(status=SurveyStatus.DRAFT).exists()
        and request.user.has_perm("surveys.change_questionnaire", questionnaire),
        "section_form": section_form,
        "question_form": question_form,
        "breadcrumbs": _crumbs(("Questionnaires", reverse("surveys:questionnaire_list")), (questionnaire.title, None)),
    })  # fmt: skip


@require_POST
def questionnaire_copy(request, pk):
    copy = services.questionnaire_copy(questionnaire=_questionnaire(request, pk), acting_user=request.user)
    messages.success(request, "Copie créée : vous pouvez la modifier.")
    return redirect("surveys:questionnaire_detail", pk=copy.pk)


# Surveys: creation, targets, state machine, follow-up


def survey_create(request):
    if not request.user.has_perm("surveys.add_survey"):
        raise Http404("Page introuvable.")
    form = forms.SurveyForm(request.POST or None, initial={"questionnaire": request.GET.get("questionnaire")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            survey = services.survey_create(
                questionnaire=data["questionnaire"], title=data["title"], deadline=data["deadline"],
                funding_year=data["funding_year"], acting_user=request.user,
            )  # fmt: skip
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Enquête créée : ajoutez ses destinataires, puis ouvrez-la.")
            return redirect("surveys:detail", pk=survey.pk)
    return render(request, "core/form_page.html", {
        "form": form, "title": "Nouvelle enquête", "breadcrumbs": _crumbs(("Nouvelle enquête", None)),
    })  # fmt: skip


def survey_detail(request, pk):
    survey = _survey(request, pk)
    manages = request.user.has_perm("surveys.manage_survey", survey)
    context = {
        "survey": survey,
        "manages": manages,
        "has_situations": survey.questionnaire.questions().filter(code="convention").exists(),
        "transitions": survey.transitions.select_related("by"),
        "breadcrumbs": _crumbs((survey.title, None)),
    }
    if manages:
        targets = list(survey.targets.select_related("mission_locale", "funder", "response"))
        for target in targets:
            response = getattr(target, "response", None) if hasattr(target, "response") else None
            target.state = response.get_status_display() if response else "Pas encore ouverte"
            target.submitted = bool(response and response.status == ResponseStatus.SUBMITTED)
        context.update(
            targets=targets,
            submitted=sum(t.submitted for t in targets),
            targets_form=forms.TargetsForm(),
            deadline_form=forms.DeadlineForm(),
            issued_links=request.session.pop(f"survey_links_{survey.pk}", None),
        )
    return render(request, "surveys/detail.html", context)


@require_POST
def survey_targets(request, pk):
    survey = _managed(request, pk)
    form = forms.TargetsForm(request.POST)
    if not form.is_valid():
        for error in form.errors.values():
            messages.error(request, " ".join(error))
        return redirect("surveys:detail", pk=pk)
    data = form.cleaned_data
    if data["kind"] == "liste":
        mls, funders = data["mission_locales"], data["funders"]
    else:
        mls, funders = services.candidates(survey, data["kind"])
    try:
        added = services.targets_add(survey=survey, mission_locales=mls, funders=funders, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{added} destinataire(s) ajouté(s).")
    return redirect("surveys:detail", pk=pk)


@require_POST
def survey_deadline(request, pk):
    survey = _managed(request, pk)
    form = forms.DeadlineForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("Date limite illisible : utilisez le format AAAA-MM-JJ HH:MM.")
        services.survey_set_deadline(survey=survey, deadline=form.cleaned_data["deadline"], acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Date limite modifiée.")
    return redirect("surveys:detail", pk=pk)


ACTIONS = {"ouvrir": SurveyStatus.OPEN, "clore": SurveyStatus.CLOSED}


@require_POST
def survey_action(request, pk, action):
    survey = _managed(request, pk)
    try:
        if action in ACTIONS:
            links = services.survey_transition(
                survey=survey,
                to=ACTIONS[action],
                acting_user=request.user,
                reason=request.POST.get("reason", ""),
                base_url=_base_url(request),
            )
            if links:
                request.session[f"survey_links_{survey.pk}"] = [
                    (str(t.organisation), t.email, link) for t, link in links.items()
                ]  # fmt: skip
                messages.success(request, f"Enquête ouverte : {len(links)} invitation(s) émise(s).")
            else:
                messages.success(request, "Enquête close.")
        elif action == "relancer":
            sent = services.survey_send_reminders(survey=survey, base_url=_base_url(request), acting_user=request.user)
            messages.success(request, f"{sent} relance(s) envoyée(s) aux destinataires qui n'ont pas répondu.")
        elif action in ("publier", "retirer"):
            services.results_publish(survey=survey, published=action == "publier", acting_user=request.user)
            messages.success(request, "Publication mise à jour.")
        else:
            raise Http404("Action inconnue.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("surveys:detail", pk=pk)


@require_POST
def target_reissue(request, pk, target_pk):
    survey = _managed(request, pk)
    target = get_object_or_404(survey.targets, pk=target_pk)
    if not survey.accepts_answers:
        messages.error(request, "L'enquête n'est pas ouverte : aucun lien n'est émis.")
        return redirect("surveys:detail", pk=pk)
    link = services.target_issue_link(target=target, base_url=_base_url(request), acting_user=request.user)
    request.session[f"survey_links_{survey.pk}"] = [(str(target.organisation), target.email, link)]
    messages.success(request, "Nouveau lien émis ; l'ancien ne fonctionne plus.")
    return redirect("surveys:detail", pk=pk)


# Results


def _display(value):
    return "masqué" if value == MASKED else value


def results(request, pk):
    survey = _survey(request, pk)
    questions, responses, items = results_for(request.user, survey)
    cross_form = forms.CrossForm(request.GET or None, questions=questions)
    cross = None
    if cross_form.is_valid() and cross_form.cleaned_data["question"]:
        cross = cross_for(request.user, survey, questions, responses, cross_form.cleaned_data["question"],
                          cross_form.cleaned_data["by"] or "region")  # fmt: skip
    for item in items:
        rows = item.rows + item.groups
        if rows and all(r.count != MASKED for r in rows):
            item.chart = {
                "x": json.dumps([[r.label for r in item.rows]], ensure_ascii=False),
                "y": json.dumps([[float(r.pct or 0) for r in item.rows]]),
            }
    sections = []
    for item in items:
        if not sections or sections[-1][0] != item.question.section:
            sections.append((item.question.section, []))
        sections[-1][1].append(item)
    return render(request, "surveys/results.html", {
        "survey": survey,
        "sections": sections,
        "respondents": len(responses),
        "targets_count": survey.targets.count(),
        "exact": sees_exact_results(request.user, survey),
        "cross_form": cross_form,
        "cross": cross,
        "manages": request.user.has_perm("surveys.manage_survey", survey),
        "breadcrumbs": _crumbs((survey.title, reverse("surveys:detail", args=[pk])), ("Résultats", None)),
    })  # fmt: skip


STAT_LABELS = {"n": "Nombre de réponses", "total": "Total", "mean": "Moyenne", "median": "Médiane",
               "min": "Minimum", "max": "Maximum"}  # fmt: skip
#: a survey's results, one answer (or statistic, or free text) a row
RESULTS_EXPORT = (
    Column("section", "Section", "section", width=30),
    Column("code", "Code question", "code", width=16),
    Column("question", "Question", "question", width=60),
    Column("condition", "Condition", "condition", width=30),
    Column("interroges", "Interrogés", "asked", INTEGER),
    Column("base", "Base (répondants)", "base", INTEGER),
    Column("reponse", "Réponse", "answer", people=False),
    Column(
        "reponse_libelle",
        "Réponse",
        lambda row: STAT_LABELS[row["answer"]] if row["stat"] else row["answer"],
        machines=False,
        width=40,
    ),  # fmt: skip
    Column("effectif", "Effectif ou valeur", "count", lambda row: row["count_kind"]),
    Column("pct_base", "Part de la base", "pct", PERCENT, width=14),
    Column("pct_ensemble_repondants", "Part de l'ensemble des répondants", "pct_all", PERCENT),
)


def results_export(request, pk, fmt):
    survey = _survey(request, pk)
    _, _, items = results_for(request.user, survey)

    def rows():
        for item in items:
            q = item.question
            head = {"section": q.section.title, "code": q.code, "question": q.text, "condition": item.condition_text,
                    "asked": item.asked, "base": _display(item.base), "stat": False, "count_kind": INTEGER,
                    "pct": None, "pct_all": None}  # fmt: skip
            for row in item.rows + item.groups:
                yield {**head, "answer": row.label, "count": _display(row.count), "pct": row.pct,
                       "pct_all": row.pct_all}  # fmt: skip
            for name, value in item.stats.items():
                kind = INTEGER if name == "n" else (AMOUNT if q.kind == QuestionKind.AMOUNT else NUMBER)
                yield {**head, "answer": name, "stat": True, "count": _display(value), "count_kind": kind}
            for text in item.texts:
                yield {**head, "answer": text, "count": None}

    return export_response(request, columns=RESULTS_EXPORT, items=rows(), filename=f"enquete_{survey.pk}_resultats",
                           fmt=fmt, title="Résultats de l'enquête")  # fmt: skip


def _situations_page_survey(request, pk) -> Survey:
    survey = _managed(request, pk)
    if not survey.questionnaire.questions().filter(code="convention").exists():
        raise Http404("Ce questionnaire ne porte pas sur les relations avec le Conseil départemental.")
    return survey


def situations(request, pk):
    survey = _situations_page_survey(request, pk)
    years, rows = situations_for(request.user, survey)
    per_department: dict[str, list] = {}
    for row in rows:
        per_department.setdefault(row["department"].code, []).append(row["situation"])
    summary = department_summary(per_department)
    national = {s: sum(1 for r in rows if r["situation"] == s) for s in Situation}
    names = {r["department"].code: r["department"].name for r in rows}
    map_data = {code: round(float(d["solid_share"]), 1) for code, d in summary.items()}
    return render(request, "surveys/situations.html", {
        "survey": survey,
        "years": years,
        "rows": sorted(rows, key=lambda r: (r["department"].code, r["mission_locale"].code)),
        "national": [(s, national[s], (national[s] * 100 / len(rows)) if rows else None) for s in Situation],
        "departments": [(code, names[code], d) for code, d in summary.items()],
        "situations": list(Situation),
        "min_share": MIN_DEPARTMENTAL_SHARE,
        "map": json.dumps(map_data),
        "national_share": round(national[Situation.SOLID_COLLABORATION] * 100 / len(rows), 1) if rows else 0,
        "breadcrumbs": _crumbs((survey.title, reverse("surveys:detail", args=[pk])), ("Quatre situations", None)),
    })  # fmt: skip


def _situations_export(years, conventions) -> tuple[Column, ...]:
    funding = f"financement_departemental_{years[0]}_{years[-1]}"
    return (
        Column("code_ml", "Code Mission Locale", lambda r: r["mission_locale"].code),
        Column("mission_locale", "Mission Locale", lambda r: str(r["mission_locale"]), width=40),
        Column("departement", "Code département", lambda r: r["department"].code),
        Column("departement_nom", "Département", lambda r: r["department"].name, machines=False),
        Column("convention", "Convention avec le Conseil départemental", "convention", label=conventions),
        Column(
            "relation_solide", "Relation solide", lambda r: "oui" if r["relation_solid"] else "non", label=YES_NO
        ),  # fmt: skip
        Column(funding, f"Financement départemental {years[0]}-{years[-1]} (€)", "departmental", AMOUNT),
        Column("part_pct", "Part du Conseil départemental", "share", PERCENT),
        Column("annees_financees", "Années financées", "years_funded", INTEGER),
        Column("situation", "Situation", lambda r: int(r["situation"]), people=False),
        Column("situation_libelle", "Situation", lambda r: r["situation"].label, width=40),
    )


def situations_export(request, pk, fmt):
    survey = _situations_page_survey(request, pk)
    years, rows = situations_for(request.user, survey)
    question = survey.questionnaire.questions().get(code="convention")
    conventions = {option["value"]: option["label"] for option in question.choices()}
    return export_response(request, columns=_situations_export(years, conventions), items=rows, fmt=fmt,
                           filename=f"enquete_{survey.pk}_situations", title="Quatre situations")  # fmt: skip


# Answering: by personal link (no account), or signed in as the target organisation


def _form_items(questions, answers, errors):
    items = []
    for question in questions:
        value = answers.get(question.code)
        selected = value if isinstance(value, list) else ([value] if is_answered(value) else [])
        condition = ""
        if question.condition_question_id:
            labels = {o["value"]: o["label"] for o in question.condition_question.choices()}
            condition = " ou ".join(f"« {labels.get(v, v)} »" for v in question.condition_values)
        items.append({
            "question": question,
            "value": "" if value is None or isinstance(value, list) else value,
            "choices": [dict(o, checked=o["value"] in selected) for o in question.choices()],
            "error": errors.get(question.code, ""),
            "condition": condition,
            "multiple": question.kind == QuestionKind.MULTIPLE,
            "numeric": question.kind in (QuestionKind.NUMBER, QuestionKind.AMOUNT),
        })  # fmt: skip
    return items


def _no_leak(response):
    response["Referrer-Policy"] = "same-origin"  # the token is in the URL: never sent to another site
    response["Cache-Control"] = "no-store"
    return response


def _answer(request, target, *, action_url):
    survey = target.survey
    if not survey.accepts_answers:
        return _no_leak(render(request, "surveys/answer_closed.html", {"survey": survey, "target": target},
                               status=410))  # fmt: skip
    response = getattr(target, "response", None) if hasattr(target, "response") else None
    questions = list(survey.questionnaire.questions())
    answers = dict(response.answers) if response else {}
    errors: dict = {}
    submitted = bool(response and response.status == ResponseStatus.SUBMITTED)
    if request.method == "POST" and not submitted:
        final = "envoyer" in request.POST
        try:
            response, errors = services.response_save(target=target, data=request.POST, final=final,
                                                      acting_user=request.user)  # fmt: skip
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(action_url)
        if not errors:
            messages.success(request, "Réponse envoyée, merci." if final else
                             "Brouillon enregistré : vous pouvez revenir par le même lien.")  # fmt: skip
            return redirect(action_url)
        answers = dict(request.POST.lists())
        answers = {k: (v if k in {q.code for q in questions if q.kind == QuestionKind.MULTIPLE} else v[0])
                   for k, v in answers.items()}  # fmt: skip
        messages.error(request, f"{len(errors)} réponse(s) à corriger avant l'envoi." if final else
                       f"Brouillon enregistré sauf {len(errors)} réponse(s) à corriger.")  # fmt: skip
    sections = []
    for item in _form_items(questions, answers, errors):
        if not sections or sections[-1][0] != item["question"].section:
            sections.append((item["question"].section, []))
        sections[-1][1].append(item)
    return _no_leak(render(request, "surveys/answer.html", {
        "survey": survey,
        "target": target,
        "sections": sections,
        "submitted": submitted,
        "response": response,
        "action_url": action_url,
        "errors": errors,
    }))  # fmt: skip


@login_not_required
def answer(request, token):
    """The public page of a personal link: it opens its own target's response only; an unknown token is a 404."""
    target = services.target_for_token(token)
    if target is None:
        raise Http404("Lien inconnu.")
    return _answer(request, target, action_url=request.path)


def answer_signed_in(request, pk):
    """The same page for a signed-in member of the target organisation (the Mission Locale's team…)."""
    target = own_targets(request.user).filter(survey_id=pk).first()
    if target is None:
        raise Http404("Aucune réponse attendue de votre organisation pour cette enquête.")
    return _answer(request, target, action_url=request.path)
