"""Writes on questionnaires, surveys, targets and responses. Keyword-only, atomic; each records who acted."""

import json
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from pilotage.accounts.models import User
from pilotage.core.audit import save_audited
from pilotage.core.roles import Role
from pilotage.core.workflow import TransitionError, transition_apply
from pilotage.reference.models import Funder, FunderType, MissionLocale
from pilotage.surveys.answering import read_answers
from pilotage.surveys.links import new_token, target_issue_link
from pilotage.surveys.models import (
    Question,
    Questionnaire,
    Response,
    ResponseStatus,
    Section,
    Survey,
    SurveyStatus,
    Target,
    hash_token,
)
from pilotage.surveys.workflow import WORKFLOW

TEMPLATES_FILE = Path(__file__).parent / "data" / "questionnaires.json"


# Questionnaires


@transaction.atomic
def templates_load(*, path: Path = TEMPLATES_FILE, acting_user=None) -> list[Questionnaire]:
    """Create the template questionnaires of `path` that do not exist yet (by slug); an existing one is left as
    an administrator may have edited it. Returns the questionnaires created."""
    created = []
    for spec in json.loads(Path(path).read_text(encoding="utf-8")):
        if Questionnaire.objects.filter(slug=spec["slug"]).exists():
            continue
        questionnaire = save_audited(
            Questionnaire(slug=spec["slug"], title=spec["title"], description=spec.get("description", ""),
                          source=spec.get("source", ""), audience=spec["audience"], is_template=True),
            acting_user, "Modèle chargé",
        )  # fmt: skip
        by_code = {}
        for section_order, section_spec in enumerate(spec["sections"], start=1):
            section = Section(questionnaire=questionnaire, order=section_order, title=section_spec["title"])
            save_audited(section, acting_user)
            for order, q in enumerate(section_spec["questions"], start=1):
                condition = q.get("if", {})
                (condition_code, condition_values), *_ = condition.items() if condition else [(None, [])]
                by_code[q["code"]] = save_audited(
                    Question(
                        section=section, order=order, code=q["code"], text=q["text"], kind=q["kind"],
                        help_text=q.get("help", ""), required=q.get("required", True),
                        options=[{"value": v, "label": label} for v, label in q.get("options", [])],
                        groups=q.get("groups", []), seed_reference=q.get("seed", ""),
                        condition_question=by_code[condition_code] if condition_code else None,
                        condition_values=condition_values,
                    ),
                    acting_user,
                )  # fmt: skip
        created.append(questionnaire)
    return created


@transaction.atomic
def questionnaire_copy(*, questionnaire: Questionnaire, acting_user) -> Questionnaire:
    """An editable copy (not a template) of a questionnaire, conditions included."""
    if not acting_user.has_perm("surveys.add_survey"):
        raise PermissionDenied("Vous ne pouvez pas créer de questionnaire.")
    number = 1
    while Questionnaire.objects.filter(slug=f"{questionnaire.slug}-copie-{number}").exists():
        number += 1
    copy = save_audited(
        Questionnaire(slug=f"{questionnaire.slug}-copie-{number}", title=f"{questionnaire.title} (copie {number})",
                      description=questionnaire.description, source=questionnaire.source,
                      audience=questionnaire.audience, is_template=False),
        acting_user, f"Copie de {questionnaire.slug}",
    )  # fmt: skip
    copies: dict[int, Question] = {}
    for section in questionnaire.sections.prefetch_related("questions"):
        new_section = save_audited(Section(questionnaire=copy, order=section.order, title=section.title), acting_user)
        for question in section.questions.all():
            old_pk, condition_pk = question.pk, question.condition_question_id
            question.pk = None
            question.section = new_section
            question.condition_question = copies.get(condition_pk)
            copies[old_pk] = save_audited(question, acting_user)
    return copy


def _may_edit_questionnaire(user, questionnaire):
    if not user.has_perm("surveys.add_survey"):
        raise PermissionDenied("Vous ne pouvez pas modifier de questionnaire.")
    if questionnaire.is_template:
        raise ValidationError("Un modèle ne se modifie pas : copiez-le, puis modifiez la copie.")
    if questionnaire.surveys.exclude(status=SurveyStatus.DRAFT).exists():
        raise ValidationError("Ce questionnaire est déjà envoyé : copiez-le pour le modifier.")
    if not user.has_perm("surveys.change_questionnaire", questionnaire):
        raise PermissionDenied("Ce questionnaire est celui d'un autre service : copiez-le pour l'adapter.")


@transaction.atomic
def section_add(*, questionnaire: Questionnaire, title: str, acting_user) -> Section:
    _may_edit_questionnaire(acting_user, questionnaire)
    order = (questionnaire.sections.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    return save_audited(Section(questionnaire=questionnaire, order=order, title=title), acting_user)


@transaction.atomic
def question_add(*, section: Section, acting_user, **fields) -> Question:
    """`fields`: code, text, kind, required, options, groups, condition_question, condition_values."""
    _may_edit_questionnaire(acting_user, section.questionnaire)
    if section.questionnaire.questions().filter(code=fields["code"]).exists():
        raise ValidationError(f"Le code « {fields['code']} » est déjà utilisé dans ce questionnaire.")
    order = (section.questions.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    question = Question(section=section, order=order, **fields)
    question.full_clean(exclude=["section"])
    return save_audited(question, acting_user)


# Surveys and their state machine


@transaction.atomic
def survey_create(*, questionnaire, title, deadline, acting_user, region=None, funding_year=None) -> Survey:
    if not acting_user.has_perm("surveys.add_survey"):
        raise PermissionDenied("Vous ne pouvez pas créer d'enquête.")
    if acting_user.role == Role.REGIONAL_STATE:
        region = acting_user.state_service.region  # a DREETS's surveys are regional
    if deadline <= timezone.now():
        raise ValidationError("La date limite doit être dans le futur.")
    return save_audited(
        Survey(questionnaire=questionnaire, title=title, deadline=deadline, region=region,
               funding_year=funding_year, created_by=acting_user),
        acting_user, "Création",
    )  # fmt: skip


def _require_manager(user, survey):
    if not user.has_perm("surveys.manage_survey", survey):
        raise PermissionDenied("Vous ne gérez pas cette enquête.")


def survey_transition(*, survey: Survey, to: str, acting_user, reason: str = "", base_url: str = "") -> dict:
    """Move the survey along its declared workflow (`workflow.py`) to the state `to`, logged, in one
    `transition_apply`. Opening sends the invitations: returns {target: link} of the links issued (to show once to
    the manager)."""
    leading_there = WORKFLOW.transitions_to(to)
    if not leading_there:
        state, target = survey.get_status_display(), SurveyStatus(to).label
        raise TransitionError(WORKFLOW.messages.source.format(state=state, action="", target=target), code="source")
    move = transition_apply(obj=survey, transition=leading_there[0], user=acting_user, reason=reason,
                            params={"base_url": base_url})  # fmt: skip
    return move.outcome or {}


@transaction.atomic
def survey_set_deadline(*, survey: Survey, deadline, acting_user) -> Survey:
    """Move the deadline (to extend an open survey, or reopen the links of one whose deadline passed)."""
    _require_manager(acting_user, survey)
    if survey.status == SurveyStatus.CLOSED:
        raise ValidationError("L'enquête est close : sa date limite ne change plus.")
    if deadline <= timezone.now():
        raise ValidationError("La date limite doit être dans le futur.")
    survey.deadline = deadline
    return save_audited(survey, acting_user, "Date limite modifiée")


@transaction.atomic
def results_publish(*, survey: Survey, published: bool, acting_user) -> Survey:
    _require_manager(acting_user, survey)
    if published and survey.status != SurveyStatus.CLOSED:
        raise ValidationError("Les résultats se publient une fois l'enquête close.")
    survey.results_published = published
    return save_audited(survey, acting_user, "Résultats publiés" if published else "Publication retirée")


# Targets and their personal links


def default_email(*, mission_locale=None, funder=None) -> str:
    """The organisation's address, else its first active account (the Mission Locale's direction first)."""
    if mission_locale is not None and mission_locale.email:
        return mission_locale.email
    users = User.objects.filter(is_active=True)
    if mission_locale is not None:
        users = users.filter(mission_locale=mission_locale).order_by("role", "pk")  # ml_director < ml_staff
    else:
        users = users.filter(funder=funder).order_by("pk")
    return users.values_list("email", flat=True).first() or ""


def candidates(survey: Survey, kind: str):
    """The organisations of a target list: « missions_locales » (all active, of the region for a regional
    survey), « regions » (regional councils), « departements » (departmental councils)."""
    if kind == "missions_locales":
        mls = MissionLocale.objects.active().select_related("department")
        return list(mls.for_region(survey.region_id) if survey.region_id else mls), []
    funders = Funder.objects.filter(type=FunderType.REGION if kind == "regions" else FunderType.DEPARTEMENT)
    if survey.region_id:
        funders = (
            funders.filter(region_id=survey.region_id)
            if kind == "regions"
            else funders.filter(department__region_id=survey.region_id)
        )
    return [], list(funders.select_related("department"))


@transaction.atomic
def targets_add(*, survey: Survey, acting_user, mission_locales=(), funders=()) -> int:
    """Add targets (already present ones are skipped); a regional survey only targets its region."""
    _require_manager(acting_user, survey)
    if survey.status == SurveyStatus.CLOSED:
        raise ValidationError("L'enquête est close.")
    existing_ml = set(survey.targets.values_list("mission_locale_id", flat=True))
    existing_funders = set(survey.targets.values_list("funder_id", flat=True))
    added = []
    for ml in mission_locales:
        if survey.region_id and ml.department.region_id != survey.region_id:
            raise ValidationError(f"{ml} n'est pas dans la région de l'enquête.")
        if ml.pk not in existing_ml:
            added.append(Target(survey=survey, mission_locale=ml, email=default_email(mission_locale=ml)))
    for funder in funders:
        region = funder.region_id or (funder.department.region_id if funder.department_id else None)
        if survey.region_id and region != survey.region_id:
            raise ValidationError(f"{funder} n'est pas dans la région de l'enquête.")
        if funder.pk not in existing_funders:
            added.append(Target(survey=survey, funder=funder, email=default_email(funder=funder)))
    for target in added:
        target.token_hash = new_token()[1]  # never shown: a link is issued when invitations are sent
        save_audited(target, acting_user, "Destinataire ajouté")
    if survey.status == SurveyStatus.OPEN:
        for target in added:
            target_issue_link(target=target, base_url="", acting_user=acting_user)
    return len(added)


def survey_send_reminders(*, survey: Survey, base_url: str, acting_user=None) -> int:
    """Remind (with a new link) every target that has not submitted, while the survey is open and before its
    deadline. Returns how many e-mails were sent."""
    if acting_user is not None:
        _require_manager(acting_user, survey)
    if not survey.accepts_answers:
        return 0
    sent = 0
    pending = survey.targets.exclude(response__status=ResponseStatus.SUBMITTED).exclude(email="")
    for target in pending.select_related("mission_locale", "funder"):
        target_issue_link(target=target, base_url=base_url, acting_user=acting_user, reminder=True)
        sent += 1
    return sent


def target_for_token(token: str) -> Target | None:
    if not token or len(token) > 100:
        return None
    return (
        Target.objects.select_related("survey__questionnaire", "mission_locale", "funder")
        .filter(token_hash=hash_token(token))
        .first()
    )


# Responses


class AlreadySubmitted(ValidationError):
    pass


@transaction.atomic
def response_save(*, target: Target, data, final: bool, acting_user=None) -> tuple[Response, dict]:
    """Save a draft (`final=False`, incomplete answers kept) or submit (`final=True`, every required question
    answered). Refused after the deadline and once submitted. Returns (response, errors)."""
    target = Target.objects.select_for_update().get(pk=target.pk)
    if not target.survey.accepts_answers:
        raise ValidationError("L'enquête n'accepte plus de réponse : la date limite est passée ou elle est close.")
    response, _ = Response.objects.get_or_create(target=target)
    if response.status == ResponseStatus.SUBMITTED:
        raise AlreadySubmitted("Votre réponse est déjà envoyée : elle n'est plus modifiable.")
    questions = list(target.survey.questionnaire.questions())
    answers, errors = read_answers(questions, data, final=final)
    if errors and final:
        return response, errors
    response.answers = answers
    if final:
        response.status = ResponseStatus.SUBMITTED
        response.submitted_at = timezone.now()
    save_audited(response, acting_user if getattr(acting_user, "is_authenticated", False) else None,
           "Réponse envoyée" if final else "Brouillon enregistré")  # fmt: skip
    return response, errors
