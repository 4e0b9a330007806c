"""Personal links: a link opens its own target's response only, cannot be guessed (only its hash is stored),
expires after the deadline; drafts, one submission, read-only afterwards; invitations and reminders."""

import io
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from pilotage.core.roles import Role
from pilotage.surveys.models import Response, ResponseStatus, SurveyStatus, Target, hash_token
from pilotage.surveys.services import survey_transition, targets_add
from tests.factories import MissionLocaleFactory, user_for_role
from tests.surveys.factories import make_survey, target_with_token

pytestmark = pytest.mark.django_db

FULL = {
    "convention": "oui", "convention_duree": "annuelle", "evolution_subvention": "constant",
    "autres_conventions": ["faj"], "faj_pluriannuelle": "non", "fluidite_techniciens": "plutot_bonne",
    "freq_ase_mna": "jamais", "freq_faj": "mensuelle", "freq_sante": "jamais", "freq_handicap": "annuelle",
    "freq_obligation_formation": "jamais", "freq_indicateurs": "annuelle", "freq_donnees_individuelles": "mensuelle",
    "outils_partages": "non", "evenements_conjoints": "non",
}  # fmt: skip


@pytest.fixture
def open_survey(db):
    admin = user_for_role(Role.NATIONAL_ADMIN)
    survey = make_survey(admin)
    ml_a = MissionLocaleFactory(name="Mission Locale Alpha")
    ml_b = MissionLocaleFactory(name="Mission Locale Bêta")
    (target_a, token_a), (target_b, token_b) = (
        target_with_token(survey, mission_locale=ml_a),
        target_with_token(survey, mission_locale=ml_b),
    )
    return {"survey": survey, "admin": admin, "a": target_a, "token_a": token_a, "b": target_b, "token_b": token_b}


def url(token):
    return reverse("surveys:answer", args=[token])


def test_a_link_needs_no_account_and_opens_its_own_target_only(client, open_survey):
    page = client.get(url(open_survey["token_a"]))
    assert page.status_code == 200
    assert "Mission Locale Alpha" in page.content.decode() and "Bêta" not in page.content.decode()
    assert page["Referrer-Policy"] == "same-origin" and "no-store" in page["Cache-Control"]
    client.post(url(open_survey["token_a"]), {"convention": "oui", "brouillon": "1"})
    assert Response.objects.get(target=open_survey["a"]).answers == {"convention": "oui"}
    assert not Response.objects.filter(target=open_survey["b"]).exists()  # B's response is untouched
    assert "Mission Locale Bêta" in client.get(url(open_survey["token_b"])).content.decode()


def test_an_unknown_or_altered_token_is_a_404_and_only_hashes_are_stored(client, open_survey):
    token = open_survey["token_a"]
    for wrong in (token[:-1], token + "x", "x" * 43, "a" * 500):
        assert client.get(url(wrong)).status_code == 404
    assert not Target.objects.filter(token_hash=token).exists()
    assert Target.objects.get(pk=open_survey["a"].pk).token_hash == hash_token(token)


def test_issued_tokens_are_random_and_long(open_survey, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    survey = make_survey(open_survey["admin"], status=SurveyStatus.DRAFT)
    targets_add(survey=survey, mission_locales=[open_survey["a"].mission_locale, open_survey["b"].mission_locale],
                acting_user=open_survey["admin"])  # fmt: skip
    links = survey_transition(survey=survey, to=SurveyStatus.OPEN, acting_user=open_survey["admin"],
                              base_url="https://pilotage.example")  # fmt: skip
    tokens = [link.rsplit("/", 2)[-2] for link in links.values()]
    assert len(set(tokens)) == 2 and all(len(t) >= 43 for t in tokens)  # 32 random bytes, URL-safe base64
    for target, link in links.items():
        target.refresh_from_db()
        assert target.token_hash == hash_token(link.rsplit("/", 2)[-2]) and link.rsplit("/", 2)[-2] not in str(
            target.__dict__
        )


def test_the_link_expires_after_the_deadline(client, open_survey):
    survey = open_survey["survey"]
    survey.deadline = timezone.now() - timedelta(minutes=1)
    survey.save()
    page = client.get(url(open_survey["token_a"]))
    assert page.status_code == 410
    assert "n'accepte plus de réponse" in page.content.decode()
    assert client.post(url(open_survey["token_a"]), {"convention": "oui", "envoyer": "1"}).status_code == 410
    assert not Response.objects.exists()


def test_a_closed_survey_refuses_the_link(client, open_survey):
    survey = open_survey["survey"]
    survey.status = SurveyStatus.CLOSED
    survey.save()
    assert client.get(url(open_survey["token_a"])).status_code == 410


def test_draft_then_submission_once_then_read_only(client, open_survey):
    link = url(open_survey["token_a"])
    page = client.post(link, {"convention": "oui", "freq_sante": "jamais", "envoyer": "1"}, follow=True)
    assert "réponse(s) à corriger avant" in page.content.decode()  # required questions missing
    response = Response.objects.get(target=open_survey["a"])
    assert response.status == ResponseStatus.DRAFT
    client.post(link, {**FULL, "brouillon": "1"})
    client.post(link, {**FULL, "envoyer": "1"})
    response.refresh_from_db()
    assert response.status == ResponseStatus.SUBMITTED and response.answers["autres_conventions"] == ["faj"]
    page = client.get(link)
    assert "n'est plus modifiable" in page.content.decode() and '<form method="post" action' not in (
        page.content.decode()
    )
    client.post(link, {**FULL, "convention": "non", "envoyer": "1"})
    response.refresh_from_db()
    assert response.answers["convention"] == "oui"


def test_answers_of_hidden_conditional_questions_are_dropped_and_bad_values_refused(client, open_survey):
    link = url(open_survey["token_a"])
    client.post(link, {"convention": "non", "convention_duree": "annuelle", "nb_interlocuteurs": "trois",
                       "brouillon": "1"})  # fmt: skip
    answers = Response.objects.get(target=open_survey["a"]).answers
    assert answers == {"convention": "non"}
    page = client.post(link, {"convention": "peut-être", "brouillon": "1"}, follow=True)
    assert "Réponse inconnue" in page.content.decode()


def test_invitations_and_reminders_reach_only_those_who_have_not_answered(client, open_survey, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    admin = open_survey["admin"]
    survey = make_survey(admin, status=SurveyStatus.DRAFT, title="Relations 2026")
    ml_a, ml_b = open_survey["a"].mission_locale, open_survey["b"].mission_locale
    ml_a.email, ml_b.email = "alpha@example.org", "beta@example.org"
    ml_a.save()
    ml_b.save()
    client.force_login(admin)
    client.post(reverse("surveys:targets", args=[survey.pk]), {"kind": "liste", "codes": f"{ml_a.code}\n{ml_b.code}"})
    client.post(reverse("surveys:action", args=[survey.pk, "ouvrir"]))
    assert sorted(m.to[0] for m in mail.outbox) == ["alpha@example.org", "beta@example.org"]
    assert all("Date limite" in m.body and "Relations 2026" in m.subject for m in mail.outbox)
    link_a = re.search(r"https?://\S+/enquetes/r/\S+/", next(m for m in mail.outbox if "alpha" in m.to[0]).body)[0]
    link_b = re.search(r"https?://\S+/enquetes/r/\S+/", next(m for m in mail.outbox if "beta" in m.to[0]).body)[0]
    client.logout()
    client.post(link_a, {**FULL, "envoyer": "1"})
    assert Response.objects.get(target__survey=survey, target__mission_locale=ml_a).status == "submitted"
    mail.outbox.clear()
    call_command("send_survey_reminders", "--survey", str(survey.pk), stdout=io.StringIO())
    assert [m.to for m in mail.outbox] == [["beta@example.org"]]
    assert mail.outbox[0].subject.startswith("Relance")
    new_link = re.search(r"https?://\S+/enquetes/r/\S+/", mail.outbox[0].body)[0]
    assert client.get(new_link.replace("http://127.0.0.1:8000", "")).status_code == 200
    assert client.get(link_b).status_code == 404  # the reminder's link replaces the invitation's
    survey.deadline = timezone.now() - timedelta(seconds=1)
    survey.save()
    mail.outbox.clear()
    call_command("send_survey_reminders", "--survey", str(survey.pk), stdout=io.StringIO())
    assert mail.outbox == []  # nothing after the deadline


def test_a_reissued_link_replaces_the_old_one(client, open_survey, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client.force_login(open_survey["admin"])
    client.post(reverse("surveys:target_reissue", args=[open_survey["survey"].pk, open_survey["a"].pk]))
    client.logout()
    assert client.get(url(open_survey["token_a"])).status_code == 404
    new = re.search(r"/enquetes/r/\S+/", mail.outbox[0].body)[0]
    assert client.get(new).status_code == 200


def test_a_council_answers_the_funders_questionnaire_with_a_french_amount(client):
    from tests.factories import FunderFactory, department
    from tests.surveys.factories import FUNDERS

    admin = user_for_role(Role.NATIONAL_ADMIN)
    survey = make_survey(admin, slug=FUNDERS)
    council = FunderFactory(departmental_council=True, department=department("13"))
    target, token = target_with_token(survey, funder=council)
    page = client.get(url(token))
    assert page.status_code == 200 and "Montant annuel total" in page.content.decode()
    client.post(url(token), {
        "finance_ml": "oui", "nb_ml_financees": "4", "montant_annuel": "1\u202f234\u202f567,50 €",
        "nature_financement": ["fonctionnement", "delegation"], "conventionnement": "pluriannuelle",
        "freq_dialogue": "trimestrielle", "satisfaction_dialogue": "plutot", "conference_regionale": "oui",
        "attentes": ["donnees", "visibilite"], "cpo_articulee": "oui", "envoyer": "1",
    })  # fmt: skip
    response = Response.objects.get(target=target)
    assert response.status == ResponseStatus.SUBMITTED
    assert response.answers["montant_annuel"] == "1234567.50" and response.answers["nb_ml_financees"] == 4
    assert response.answers["nature_financement"] == ["fonctionnement", "delegation"]
