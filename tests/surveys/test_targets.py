"""Target lists (all Missions Locales, regions, departments, a chosen list) and the public surface."""

import pytest
from django.urls import reverse

from pilotage.core.roles import Role
from pilotage.reference.models import Funder, FunderType
from pilotage.surveys.models import SurveyStatus
from tests.factories import FunderFactory, MissionLocaleFactory, department, region, user_for_role
from tests.surveys.factories import FUNDERS, make_survey

pytestmark = pytest.mark.django_db


def test_the_funders_survey_targets_regional_and_departmental_councils(client):
    admin = user_for_role(Role.NATIONAL_ADMIN)
    survey = make_survey(admin, slug=FUNDERS, status=SurveyStatus.DRAFT)
    FunderFactory(regional_council=True, region=region("93"))
    FunderFactory(regional_council=True, region=region("84"))
    for code in ("13", "83", "69"):
        FunderFactory(departmental_council=True, department=department(code))
    epci = FunderFactory(municipality=True, department=department("13"))
    client.force_login(admin)
    client.post(reverse("surveys:targets", args=[survey.pk]), {"kind": "regions"})
    client.post(reverse("surveys:targets", args=[survey.pk]), {"kind": "departements"})
    client.post(reverse("surveys:targets", args=[survey.pk]), {"kind": "regions"})  # twice: nothing more
    client.post(reverse("surveys:targets", args=[survey.pk]), {"kind": "liste", "codes": f"financeur:{epci.pk}"})
    types = sorted(t.funder.type for t in survey.targets.select_related("funder"))
    assert types == sorted([FunderType.REGION] * 2 + [FunderType.DEPARTEMENT] * 3 + [FunderType.COMMUNE_EPCI])
    page = client.post(reverse("surveys:targets", args=[survey.pk]), {"kind": "liste", "codes": "INCONNU"},
                       follow=True)  # fmt: skip
    assert "Organisations inconnues : INCONNU" in page.content.decode()
    assert Funder.objects.count() == 6


def test_all_missions_locales_of_the_network_and_opening_requires_targets(client):
    admin = user_for_role(Role.NATIONAL_ADMIN)
    survey = make_survey(admin, status=SurveyStatus.DRAFT)
    client.force_login(admin)
    page = client.post(reverse("surveys:action", args=[survey.pk, "ouvrir"]), follow=True)
    assert "Ajoutez au moins un destinataire" in page.content.decode()
    mls = [MissionLocaleFactory(department_id=code) for code in ("13", "69", "971")]
    client.post(reverse("surveys:targets", args=[survey.pk]), {"kind": "missions_locales"})
    assert {t.mission_locale_id for t in survey.targets.all()} == {ml.pk for ml in mls}
    page = client.post(reverse("surveys:action", args=[survey.pk, "ouvrir"]), follow=True)
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.OPEN and "Liens personnels émis" in page.content.decode()
    transition = survey.transitions.get()
    assert (transition.from_status, transition.to_status, transition.by) == ("draft", "open", admin)
    assert "Liens personnels émis" not in client.get(reverse("surveys:detail", args=[survey.pk])).content.decode()
    page = client.post(reverse("surveys:action", args=[survey.pk, "publier"]), follow=True)
    assert "une fois l&#x27;enquête close" in page.content.decode()


def test_only_the_answer_page_is_public(client):
    admin = user_for_role(Role.NATIONAL_ADMIN)
    survey = make_survey(admin)
    for name, args in (("home", []), ("detail", [survey.pk]), ("results", [survey.pk]), ("create", []),
                       ("results_export", [survey.pk, "csv"]), ("questionnaire_list", [])):  # fmt: skip
        response = client.get(reverse(f"surveys:{name}", args=args))
        assert response.status_code == 302 and "/compte/connexion/" in response.url, name
    assert client.get(reverse("surveys:answer", args=["inconnu"])).status_code == 404


def test_the_manager_extends_the_deadline_and_the_links_open_again(client):
    from datetime import timedelta

    from django.utils import timezone

    from tests.surveys.factories import target_with_token

    admin = user_for_role(Role.NATIONAL_ADMIN)
    survey = make_survey(admin)
    _, token = target_with_token(survey, mission_locale=MissionLocaleFactory())
    survey.deadline = timezone.now() - timedelta(hours=1)
    survey.save()
    assert client.get(reverse("surveys:answer", args=[token])).status_code == 410
    client.force_login(admin)
    page = client.post(reverse("surveys:deadline", args=[survey.pk]), {"deadline": "2001-01-01T10:00"}, follow=True)
    assert "dans le futur" in page.content.decode()
    client.post(reverse("surveys:deadline", args=[survey.pk]), {"deadline": "2099-01-01T10:00"})
    client.logout()
    assert client.get(reverse("surveys:answer", args=[token])).status_code == 200
    council = user_for_role(Role.DEPARTMENTAL_COUNCIL)
    client.force_login(council)
    assert (
        client.post(reverse("surveys:deadline", args=[survey.pk]), {"deadline": "2099-02-01T10:00"}).status_code == 404
    )
