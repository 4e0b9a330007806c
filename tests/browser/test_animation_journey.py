"""Real-browser journey of the regional animation: the ARML drafts its programme with three actions from the
State's catalogue and submits it; the DREETS approves it."""

import re

import pytest
from playwright.sync_api import expect

from pilotage.animation.models import Programme, ProgrammeStatus
from pilotage.core.roles import Role
from tests.animation.factories import regional_council, state_budget
from tests.browser.sessions import open_session
from tests.factories import RegionalAssociationFactory, region, user_for_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


ACTIONS = [
    ("1. Aide à la maîtrise des conventionnement ETAT et FSE", "Deux chargés de mission de l'ARML", "40 000", "25 000",
     "10 000", "Diagnostic des CPO", "2027-03-31"),
    ("8. Administration technique de l'entrepôt régional", "Administrateur régional de l'entrepôt", "30 000",
     "20 000", "5 000", "Tableaux de bord diffusés", "2027-06-30"),
    ("16. Développement des relations avec les grandes entreprises, les branches, les employeurs...",
     "Chargés de relation entreprises", "20 000", "15 000", "", "Rencontre régionale", "2027-10-15"),
]  # fmt: skip


def test_arml_drafts_three_actions_and_submits_then_dreets_approves(page, live_server):
    RegionalAssociationFactory(region=region("93"), name="Association régionale des Missions Locales PACA")
    regional_council("93")
    arml = user_for_role(Role.ARML, department_code="13")
    dreets = user_for_role(Role.REGIONAL_STATE, department_code="13")
    state_budget("93", 2027, "2000000")

    open_session(page, live_server, arml)
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Animation régionale").click()
    page.get_by_role("link", name="Nouveau programme").click()
    page.get_by_label("Année du programme").fill("2027")
    page.get_by_role("button", name="Enregistrer").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Programme régional d'animation 2027 — ARML 93"

    for action_type, method, cost, state, council, milestone, due_on in ACTIONS:
        page.get_by_role("link", name="Ajouter une action").click()
        page.get_by_label("Action du catalogue de l'État").select_option(label=action_type)
        page.get_by_label("Qui fait quoi : la méthode et l'organisation").fill(method)
        page.get_by_label("Coût prévisionnel de l'action (€)").fill(cost)
        page.get_by_label("Montant alloué par l'État (€)").fill(state)
        page.get_by_label(re.compile("Montant du Conseil régional")).fill(council)
        page.locator("#id_milestone_label_0").fill(milestone)
        page.locator("#id_milestone_date_0").fill(due_on)
        page.get_by_role("button", name="Enregistrer l'action").click()
        expect(page.get_by_text("Action enregistrée.")).to_be_visible()

    table = page.locator("#actions")
    assert table.locator("tbody tr").count() == 4  # three actions and the total
    assert page.locator("#total-cout").inner_text() == "90\u202f000,00\u202f€"
    assert page.locator("#total-etat").inner_text() == "60\u202f000,00\u202f€"
    expect(page.get_by_role("heading", name=re.compile("3,00 %, dans la fourchette recommandée 2–4 %"))).to_be_visible()
    page.get_by_role("button", name="Soumettre le programme à la DREETS").click()
    assert page.locator("#statut").text_content() == "Soumis à la DREETS"
    assert page.get_by_role("link", name="Ajouter une action").count() == 0  # read-only once submitted
    page.get_by_role("button", name="Se déconnecter").click()

    open_session(page, live_server, dreets)
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Animation régionale").click()
    page.get_by_role("link", name="2027").click()
    page.get_by_role("textbox", name="Commentaire", exact=True).fill("Programme conforme au catalogue.")
    page.get_by_role("button", name="Commenter").click()
    expect(page.get_by_text("Programme conforme au catalogue.")).to_be_visible()
    page.get_by_role("button", name="Approuver le programme").click()
    assert page.locator("#statut").text_content() == "Approuvé"
    expect(page.get_by_role("button", name="Rouvrir le programme")).to_be_visible()
    programme = Programme.objects.get(year=2027)
    assert programme.status == ProgrammeStatus.APPROVED and programme.approved_by == dreets
    assert list(programme.transitions.values_list("name", "by")) == [("submit", arml.pk), ("approve", dreets.pk)]
    assert programme.actions.count() == 3
