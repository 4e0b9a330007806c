"""Every URL pattern of the platform, resolved from the URLconf with real ids from a small fixture, requested
by a few roles with bad query parameters (`annee`, `niveau`, `page`…: `abc`, `³`, `-1`, `99999`, empty): the
answer may be a page, a redirect, a 400 or a 404, never a 5xx.

A URL whose answer did not read the query string (neither `request.GET` nor the full path) takes the same path
whatever the value: it is requested with a role's first bad value only, the others go to the URLs that read it."""

import itertools
from datetime import date

import pytest
from django.core.handlers.wsgi import WSGIRequest
from django.test import client as test_client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from pilotage.core.roles import Role
from pilotage.dialogue.models import ManagementDialogue
from pilotage.dialogue.services import action_save, campaign_open
from pilotage.surveys.models import SurveyStatus
from tests.animation.factories import arml_user, programme_for
from tests.documents.factories import signed_amendment
from tests.factories import user_for_role
from tests.network import user_of
from tests.surveys.factories import make_survey, target_with_token

BAD_VALUES = ["abc", "³", "-1", "99999", ""]
PARAMETERS = ["annee", "niveau", "page", "ventilation", "classement", "debut", "fin", "q", "region", "departement"]
#: not crawled: they leave the session, call ProConnect over the network, or build the whole API schema
SKIPPED = {"accounts:logout", "accounts:proconnect_login", "accounts:proconnect_callback", "api:schema", "api:docs",
           "api:redoc"}  # fmt: skip


def _patterns(patterns=None, namespace=""):
    """(full name, kwarg names) of every named URL pattern outside the Django admin."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = f"{namespace}:{pattern.namespace}".strip(":") if pattern.namespace else namespace
            yield from _patterns(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            regex = pattern.pattern.regex
            yield f"{namespace}:{pattern.name}".strip(":"), tuple(sorted(regex.groupindex))


@pytest.fixture
def ids(network):
    """Real ids for the kwargs of the URLs: a campaign and a file, a CPO with a signed avenant, an animation
    programme, a survey with a target."""
    dgefp = user_for_role(Role.NATIONAL_ADMIN)
    campaign = campaign_open(region=network["region93"], year=2024, acting_user=dgefp)
    dialogue = ManagementDialogue.objects.get(campaign=campaign, mission_locale=network["ml13"])
    action = action_save(dialogue=dialogue, action=None, acting_user=dgefp, title="Action", theme="pathway",
                         owner="Direction", due_on=date(2025, 6, 30))  # fmt: skip
    amendment = signed_amendment(network["ml13"])
    programme = programme_for(arml_user("93"))
    survey = make_survey(dgefp, status=SurveyStatus.OPEN)
    target, _ = target_with_token(survey, mission_locale=network["ml13"], token="jeton-crawl")
    return {
        "code": ["ML13S00", "13", "93", "FR"], "level": ["ml", "departement", "region", "national"],
        "kind": ["arml", "financeurs", "services-etat"],
        "fmt": ["csv", "xlsx", "docx", "pdf"], "format": ["json"], "step": ["context"], "name": ["submit"],
        "action": ["close"], "token": ["jeton-crawl"], "uidb64": ["MQ"], "token_reset": ["x"],
        "campaign": [campaign.pk], "dialogue": [dialogue.pk], "action_pk": [action.pk, programme.actions.first().pk],
        "convention": [amendment.convention_id], "amendment_pk": [amendment.pk], "amendment": [amendment.pk],
        "payment_pk": [amendment.payments.first().pk if amendment.payments.exists() else 1], "document_pk": [1],
        "programme": [programme.pk], "survey": [survey.pk], "questionnaire": [survey.questionnaire_id],
        "target_pk": [target.pk], "organisation": [network["arml93"].pk, network["cd13"].pk],
        "api": ["93", "13", "ML13S00", network["cd13"].pk, amendment.convention_id, dialogue.pk, programme.pk],
    }  # fmt: skip


def _pk_candidates(name, ids):
    namespace, url_name = name.split(":", 1) if ":" in name else ("", name)
    if namespace == "dialogue":
        return ids["campaign"] if url_name.startswith("campaign") else ids["dialogue"]
    if namespace == "funding":
        return ids["convention"]
    if namespace == "documents":
        return ids["amendment"]
    if namespace == "animation":
        return ids["programme"]
    if namespace == "surveys":
        return ids["questionnaire"] if url_name.startswith("questionnaire") else ids["survey"]
    if namespace == "reference":
        return ids["organisation"]
    if namespace == "api":
        return ids["api"]
    if namespace == "core":  # background jobs: a job nobody started (404)
        return ["00000000-0000-4000-8000-000000000000"]
    return [1]


def _urls(name, kwargs, ids):
    """Every URL of the pattern `name` with the fixture's ids (at most 8 combinations)."""
    candidates = []
    for kwarg in kwargs:
        if kwarg == "pk":
            candidates.append(_pk_candidates(name, ids))
        elif kwarg == "token" and name.startswith("accounts:"):
            candidates.append(ids["token_reset"])
        else:
            candidates.append(ids.get(kwarg, ["1"]))
    urls = []
    for values in itertools.islice(itertools.product(*candidates), 8):
        try:
            urls.append(reverse(name, kwargs=dict(zip(kwargs, values, strict=True))))
        except Exception:  # noqa: BLE001 - a combination the pattern refuses (e.g. a format regex)
            continue
    return urls


def test_the_crawl_covers_every_url_pattern(ids):
    names = [name for name, _ in _patterns() if name not in SKIPPED]
    assert len(names) > 80
    missing = [name for name, kwargs in _patterns() if name not in SKIPPED and not _urls(name, kwargs, ids)]
    assert missing == []


#: the DGEFP (who reaches every page) with every bad value, two other roles with two; one test per role, so that
#: the parallel workers share the crawl
CRAWLS = {
    Role.NATIONAL_ADMIN: BAD_VALUES,
    Role.ML_DIRECTOR: ["abc", "99999"],
    Role.DEPARTMENTAL_COUNCIL: ["abc", "99999"],
}


class _Environ(dict):
    """A request's WSGI environ (also its `META`) that notes whether something read its query string: `GET` and
    `get_full_path()` both read it from here."""

    query_string_read = False

    def __getitem__(self, key):
        self.query_string_read |= key == "QUERY_STRING"
        return super().__getitem__(key)

    def get(self, key, default=None):
        self.query_string_read |= key == "QUERY_STRING"
        return super().get(key, default)


@pytest.mark.parametrize("role", CRAWLS)
def test_no_url_answers_5xx_to_bad_parameters(client, network, ids, role, monkeypatch):
    monkeypatch.setattr(test_client, "WSGIRequest", lambda environ: WSGIRequest(_Environ(environ)))
    client.force_login(user_of(role, network))
    urls = [url for name, kwargs in _patterns() if name not in SKIPPED for url in _urls(name, kwargs, ids)]
    failures = []
    for rank, value in enumerate(CRAWLS[role]):
        reading = []
        for url in urls:
            response = client.get(url, dict.fromkeys(PARAMETERS, value))
            if response.status_code >= 500:
                failures.append(f"{url}?…={value!r} → {response.status_code}")
            if response.wsgi_request.environ.query_string_read:
                reading.append(url)
        if rank == 0:  # the other values only where the answer depends on the query string
            if role == Role.NATIONAL_ADMIN:  # the watch sees a view read `annee`
                assert reverse("funding:conference", args=["departement", "13"]) in reading
            urls = reading
    assert failures == []


def test_a_bad_year_is_a_french_400(client, network):
    client.force_login(user_of(Role.NATIONAL_ADMIN, network))
    response = client.get(reverse("funding:conference", args=["departement", "13"]), {"annee": "abc"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Année « abc » invalide : saisissez une année de 2000 à 2100, par exemple 2024." in page
    assert client.get(reverse("indicators:dashboard", args=["national", "FR"]), {"annee": "³"}).status_code == 400
    response = client.get(reverse("indicators:dashboard", args=["national", "FR"]), {"ventilation": "chats"})
    assert response.status_code == 400 and "valeurs possibles total, femmes" in response.content.decode()
