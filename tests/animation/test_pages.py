"""Pages: the authorization matrix (each role × programmes in and out of its region → 404), drafting through
the forms, the band and the follow-up pages."""

import pytest
from django.urls import reverse

from pilotage.animation.models import Programme, ProgrammeStatus
from pilotage.animation.services import programme_transition
from pilotage.core.roles import Role
from pilotage.reference.models import RegionalAssociation
from tests.animation.factories import arml_user, programme_for, regional_council, state_budget
from tests.network import user_of
from tests.replay import replayed

SEES_93 = {Role.NATIONAL_ADMIN, Role.NATIONAL_OBSERVER, Role.REGIONAL_STATE, Role.REGIONAL_COUNCIL, Role.ARML}
SEES_84 = {Role.NATIONAL_ADMIN, Role.NATIONAL_OBSERVER}
DRAFTS_93 = {Role.NATIONAL_ADMIN, Role.ARML}


@pytest.fixture
@replayed
def programmes(network):
    regional_council("93")
    owner93 = arml_user("93")
    owner84 = arml_user("84")
    return {
        "93": programme_for(owner93, actions=((1, "10000", "5000", "2000"), (8, "20000", "10000", "0"))),
        "84": programme_for(owner84, actions=((5, "7000", "3000", "0"),)),
    }


@pytest.mark.parametrize("role", list(Role))
def test_programme_pages_follow_the_region(client, network, programmes, role):
    client.force_login(user_of(role, network))
    for region_code, expected in (("93", role in SEES_93), ("84", role in SEES_84)):
        programme = programmes[region_code]
        for name, args in (("programme_detail", []), ("annex", ["docx"])):
            response = client.get(reverse(f"animation:{name}", args=[programme.pk, *args]))
            assert response.status_code == (200 if expected else 404), (role, region_code, name)
        add = client.get(reverse("animation:action_add", args=[programme.pk]))
        may_draft = role in DRAFTS_93 and (region_code == "93" or role == Role.NATIONAL_ADMIN)
        assert add.status_code == (200 if may_draft else 404), (role, region_code)
    listing = client.get(reverse("animation:home")).content.decode()
    follow_up = client.get(reverse("animation:follow_up"), {"annee": 2026}).content.decode()
    for region_code, name in (("93", "Provence-Alpes-Côte d&#x27;Azur"), ("84", "Auvergne-Rhône-Alpes")):
        visible = role in (SEES_93 if region_code == "93" else SEES_84)
        assert (reverse("animation:programme_detail", args=[programmes[region_code].pk]) in listing) == visible
        assert (name in follow_up) == visible, (role, region_code)
    response = client.post(reverse("animation:transition", args=[programmes["84"].pk, "submit"]))
    assert response.status_code == (302 if role in SEES_84 else 404)


def test_the_arml_drafts_through_the_forms(client, network):
    council = regional_council("93")
    user = arml_user("93")
    client.force_login(user)
    response = client.post(reverse("animation:programme_create"), {"year": "2027"})
    programme = Programme.objects.get(year=2027)
    assert response.url == reverse("animation:programme_detail", args=[programme.pk])
    again = client.post(reverse("animation:programme_create"), {"year": "2027"})
    assert "Le programme 2027 de ARML 93 existe déjà." in again.content.decode()
    url = reverse("animation:action_add", args=[programme.pk])
    catalogue = client.post(url, {"action_type": "3", "method": "Chargée de documentation de l'ARML",
                                  "forecast_cost": "12 000", "state_amount": "6 000,50", "council_amount": "3 000",
                                  "milestone_label_0": "Recensement", "milestone_date_0": "2027-04-30"})  # fmt: skip
    assert catalogue.status_code == 302
    action = programme.actions.get()
    assert action.title == "Collecte et diffusion des bonnes pratiques et des innovations"
    assert action.objective.number == 2 and action.why_items[0].startswith("Identifier, capitaliser et diffuser")
    assert [(f.funder, str(f.amount)) for f in action.fundings.all()] == [(council, "3000.00")]
    assert [m.label for m in action.milestones.all()] == ["Recensement"]
    local = client.post(url, {"action_type": "", "title": "Accueil des nouveaux salariés", "why": "Intégrer",
                              "how": "Journée d'accueil", "method": "ARML", "forecast_cost": "1000",
                              "state_amount": "500"})  # fmt: skip
    assert "Une action locale se rattache à l&#x27;un des six objectifs." in local.content.decode()
    too_much = client.post(url, {"action_type": "5", "method": "ARML", "forecast_cost": "1000",
                                 "state_amount": "800", "council_amount": "300"})  # fmt: skip
    assert "dépassent le coût prévisionnel de l&#x27;action" in too_much.content.decode()
    wrong_objective = client.post(url, {"action_type": "5", "objective": "6", "method": "ARML",
                                        "forecast_cost": "1000", "state_amount": "500"})  # fmt: skip
    assert "relève de l&#x27;objectif 2" in wrong_objective.content.decode()
    assert programme.actions.count() == 1
    local = client.post(url, {"action_type": "", "objective": "1", "title": "Accueil des nouveaux salariés",
                              "why": "Intégrer\nFidéliser", "how": "Journée d'accueil", "method": "ARML",
                              "forecast_cost": "1000", "state_amount": "500"})  # fmt: skip
    assert local.status_code == 302
    local_action = programme.actions.get(position=2)
    assert local_action.action_type is None and local_action.why_items == ["Intégrer", "Fidéliser"]
    edit = client.post(reverse("animation:action_edit", args=[programme.pk, local_action.pk]), {
        "action_type": "", "objective": "1", "title": "Accueil des nouveaux salariés", "why": "Intégrer",
        "how": "Journée", "method": "ARML", "forecast_cost": "2000", "state_amount": "1000"})  # fmt: skip
    assert edit.status_code == 302
    page = client.get(reverse("animation:programme_detail", args=[programme.pk])).content.decode()
    assert "14\u202f000,00\u202f€" in page and "7\u202f000,50\u202f€" in page  # totals: cost, State
    client.post(reverse("animation:transition", args=[programme.pk, "submit"]))
    programme.refresh_from_db()
    assert programme.status == ProgrammeStatus.SUBMITTED
    assert client.get(url).status_code == 404  # read-only once submitted


def test_the_band_on_the_programme_page(client, network):
    user = arml_user("93")
    programme = programme_for(user, year=2026, actions=((1, "40000", "30000", "0"),))
    client.force_login(user)
    page = client.get(reverse("animation:programme_detail", args=[programme.pk])).content.decode()
    assert "budget de l&#x27;État des Missions Locales de la région inconnu" in page
    state_budget("93", 2025, "1000000")  # last known year
    page = client.get(reverse("animation:programme_detail", args=[programme.pk])).content.decode()
    assert "3,00\u202f%, dans la fourchette recommandée 2–4 %" in page and "en 2025 (dernière année connue)" in page
    state_budget("93", 2026, "500000")
    state_budget("84", 2026, "99000000")  # another region's budget does not count
    page = client.get(reverse("animation:programme_detail", args=[programme.pk])).content.decode()
    assert "6,00\u202f%, dans la fourchette observée 1–6 %" in page and "500\u202f000,00\u202f€" in page
    state_budget("93", 2026, "10000")
    page = client.get(reverse("animation:programme_detail", args=[programme.pk])).content.decode()
    assert "5,88\u202f%, dans la fourchette observée 1–6 %" in page


def test_the_national_follow_up(client, network):
    from tests.factories import user_for_role

    owner93, owner84 = arml_user("93"), arml_user("84")
    p93 = programme_for(owner93, year=2026, actions=((1, "40000", "30000", "0"),))
    programme_for(owner84, year=2026, actions=((1, "40000", "12000", "0"),))
    state_budget("93", 2026, "1000000")
    state_budget("84", 2026, "2000000")
    dreets = user_for_role(Role.REGIONAL_STATE, department_code="13")
    p93 = programme_transition(programme=p93, name="submit", acting_user=owner93)
    programme_transition(programme=p93, name="approve", acting_user=dreets)
    client.force_login(user_for_role(Role.NATIONAL_ADMIN))
    page = client.get(reverse("animation:follow_up"), {"annee": "2026"}).content.decode()
    assert page.count('<th scope="row">') == 18
    assert "3,00\u202f%" in page and "0,60\u202f%" in page and "hors fourchette" in page
    assert 'map-chart level="reg"' in page and "&quot;93&quot;: 3.0" in page and "&quot;84&quot;: 0.6" in page
    assert client.get(reverse("animation:follow_up"), {"annee": "deux"}).status_code == 400
    assert RegionalAssociation.objects.count() == 2


def test_the_activity_report_pages_show_the_gaps(client, network):
    from tests.factories import user_for_role

    owner = arml_user("93")
    programme = programme_for(owner, year=2026, actions=((1, "10000", "5000", "2000"), (8, "20000", "10000", "0")))
    dreets = user_for_role(Role.REGIONAL_STATE, department_code="13")
    client.force_login(owner)
    assert client.get(reverse("animation:report", args=[programme.pk])).status_code == 404  # not approved yet
    programme = programme_transition(programme=programme, name="submit", acting_user=owner)
    programme_transition(programme=programme, name="approve", acting_user=dreets)
    first, second = programme.actions.order_by("position")
    url = reverse("animation:action_report", args=[programme.pk, first.pk])
    milestone = first.milestones.get()
    missing_date = client.post(url, {"cost_spent": "12 000", f"achievement_{milestone.pk}": "met"})
    assert "Indiquez la date à laquelle le jalon a été atteint." in missing_date.content.decode()
    response = client.post(url, {"done": "Cinq sessions", "cost_spent": "12 000",
                                 f"achievement_{milestone.pk}": "partial", "indicator_label_0": "Sessions",
                                 "indicator_target_0": "6", "indicator_achieved_0": "5"})  # fmt: skip
    assert response.status_code == 302
    client.post(reverse("animation:action_report", args=[programme.pk, second.pk]), {"cost_spent": "20 500"})
    page = client.get(reverse("animation:report", args=[programme.pk])).content.decode()
    assert "1 action avec des écarts" in page and "n° 1 Aide à la maîtrise" in page
    assert "2\u202f000,00\u202f€ (+20,0\u202f%)" in page and "1 partiel" in page
    assert "500,00\u202f€ (+2,5\u202f%)" in page
    client.post(reverse("animation:transition", args=[programme.pk, "submit_report"]))
    programme.refresh_from_db()
    assert programme.status == ProgrammeStatus.REPORTED
    assert client.get(url).status_code == 404  # the report is handed in
    client.force_login(dreets)
    export = client.get(reverse("animation:follow_up_export", args=["csv"]), {"annee": "2026"})
    lines = export.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Code région;Région;Année;Statut du programme;Financement de l'État (€)")
    assert lines[1].startswith("93;Provence-Alpes-Côte d'Azur;2026;Rapport d'activité remis;15000,00;")
    assert lines[1].endswith(";Oui") and len(lines) == 2  # the DREETS follows its own region
    export = client.get(reverse("animation:follow_up_export", args=["csv"]), {"annee": "2026", "format": "technique"})
    lines = export.content.decode().splitlines()
    assert lines[0].startswith("code_region,region,annee,statut,montant_etat")
    assert lines[1].startswith("93,Provence-Alpes-Côte d'Azur,2026,reported,15000.00,") and lines[1].endswith(",oui")


@pytest.mark.parametrize("role", [Role.NATIONAL_ADMIN, Role.ARML, Role.REGIONAL_COUNCIL, Role.DEPARTMENTAL_STATE])
def test_the_api_follows_the_region(client, network, programmes, role):
    client.force_login(user_of(role, network))
    response = client.get("/api/v1/programmes-animation/", {"annee": "2026"})
    regions = sorted(row["region"] for row in response.json()["results"])
    assert regions == {Role.NATIONAL_ADMIN: ["84", "93"], Role.ARML: ["93"], Role.REGIONAL_COUNCIL: ["93"],
                       Role.DEPARTMENTAL_STATE: []}[role]  # fmt: skip
    for region_code in ("93", "84"):
        expected = role in (SEES_93 if region_code == "93" else SEES_84)
        detail = client.get(f"/api/v1/programmes-animation/{programmes[region_code].pk}/")
        assert detail.status_code == (200 if expected else 404)
        if expected and region_code == "93":
            body = detail.json()
            assert [a["cout_previsionnel"] for a in body.pop("actions_detail")] == ["10000.00", "20000.00"]
            assert body.pop("modifie_le") is not None
            assert body | {"id": 0, "arml": 0} == {
                "id": 0, "annee": 2026, "region": "93", "arml": 0, "etat": "draft", "actions": 2,
                "cout_previsionnel": "30000.00", "montant_etat": "15000.00", "convention": None}  # fmt: skip
    assert client.get("/api/v1/programmes-animation/?annee=deux").status_code == 400


def test_the_programme_page_makes_a_fixed_number_of_queries(client, network):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.animation.factories import add_action

    user = arml_user("93")
    programme = programme_for(user, actions=((1, "1000", "500", "100"),))
    client.force_login(user)
    counts = []
    for number in (2, 3, 8):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("animation:programme_detail", args=[programme.pk])).status_code == 200
        counts.append(len(queries))
        add_action(programme, user, number=number, cost="1000", state="500", council="100")
    assert counts[0] == counts[1] == counts[2], counts
