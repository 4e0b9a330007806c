"""The DGEFP adds local actions under an objective in the administration; the demo story of PACA."""

from decimal import Decimal

import pytest
from django.urls import reverse

from pilotage.animation.models import ActionType, Objective, Programme
from pilotage.core.roles import Role
from tests.factories import user_for_role


@pytest.mark.django_db
def test_the_dgefp_adds_a_local_action_under_an_objective(client):
    client.force_login(user_for_role(Role.NATIONAL_ADMIN))
    url = reverse("admin:animation_actiontype_add")
    refused = client.post(url, {"title": "Accueil des nouveaux directeurs", "why": "Intégrer", "how": "Journées"})
    assert refused.status_code == 200 and not ActionType.objects.filter(is_local=True).exists()
    assert "Ce champ est obligatoire" in refused.content.decode()
    response = client.post(url, {"objective": Objective.objects.get(number=1).pk, "title": "Accueil des directeurs",
                                 "why": "Intégrer\nFidéliser", "how": "Journées d'accueil"})  # fmt: skip
    assert response.status_code == 302
    local = ActionType.objects.get(is_local=True)
    assert (local.number, local.why, local.objective.number) == (None, ["Intégrer", "Fidéliser"], 1)
    catalogue = ActionType.objects.get(number=1)
    assert (
        client.post(reverse("admin:animation_actiontype_delete", args=[catalogue.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert client.get(reverse("admin:animation_mission_add")).status_code == 403
    client.force_login(user_for_role(Role.ARML))
    assert client.get(url).status_code == 302  # the administration is the DGEFP's


@pytest.mark.slow
@pytest.mark.django_db
def test_the_demo_story_of_paca():
    from pilotage.animation.reading import programme_summary
    from pilotage.demo.animation import DEMO_YEAR, demo_animation_load
    from pilotage.demo.demo import demo_load
    from pilotage.demo.funding import demo_funding_load

    demo_load()
    demo_funding_load()
    assert demo_animation_load() == 9
    approved = Programme.objects.get(year=DEMO_YEAR, regional_association__region_id="93")
    assert approved.regional_association.region_id == "93" and approved.status == "approved"
    assert approved.convention.is_tripartite and approved.council_approved_by.email == "region@demo.pilotage.fr"
    summary = programme_summary(approved)
    assert summary.region_band.band.position == "recommended" and summary.totals.state == Decimal("1630000")
    assert [a.position for a in summary.flagged_actions] == [1, 2]
    draft = Programme.objects.get(year=DEMO_YEAR + 1, regional_association__region_id="93")
    assert draft.status == "draft" and programme_summary(draft).region_band.band.position == "observed"
    assert demo_animation_load() == 0
    from pilotage.animation.reading import national_distribution

    distribution = national_distribution(DEMO_YEAR)
    assert distribution["count"] == 8
    assert distribution["counts"] == {"recommended": 4, "observed": 2, "outside": 2, "unknown": 0}
    statuses = dict(Programme.objects.filter(year=DEMO_YEAR).values_list("regional_association__region_id", "status"))
    assert statuses == {"93": "approved", "84": "closed", "75": "reported", "44": "approved", "11": "approved",
                        "32": "submitted", "53": "approved", "76": "draft"}  # fmt: skip
