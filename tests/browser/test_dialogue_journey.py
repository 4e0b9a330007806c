"""Real-browser journey of the management dialogue: the Mission Locale's director fills its step and transmits,
the DREETS completes and concludes the file, then downloads the avenant of the year to come."""

import re
from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from pilotage.core.roles import Role
from pilotage.dialogue.models import DialogueStatus, ManagementDialogue
from pilotage.dialogue.services import campaign_open
from pilotage.documents.rendering import docx_text
from pilotage.funding.models import Amendment
from pilotage.funding.services import amendment_set_budget
from tests.browser.sessions import open_session
from tests.factories import MissionLocaleFactory, cpo_for, user_for_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_director_prepares_dreets_concludes_and_downloads_the_avenant(page, live_server):
    ml = MissionLocaleFactory(code="13201S00", name="13-ML MARSEILLE", usual_name="Mission Locale de Marseille",
                              department_id="13")  # fmt: skip
    director = user_for_role(Role.ML_DIRECTOR, mission_locale=ml)
    dreets = user_for_role(Role.REGIONAL_STATE, department_code="13")
    campaign = campaign_open(region=ml.department.region, year=2024, acting_user=dreets)
    cpo = cpo_for(ml, start="2023-01-01", planned="1000000.00")
    amendment = Amendment(convention=cpo, year=2025, number=3, iban="FR7630006000011234567890189")
    amendment_set_budget(amendment=amendment, amounts={"socle": (Decimal("1020000.00"), "2102500003")},
                         acting_user=dreets)  # fmt: skip
    dialogue = ManagementDialogue.objects.get(campaign=campaign, mission_locale=ml)

    # the director fills the context step and transmits the preparation
    open_session(page, live_server, director)
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Dialogue de gestion").click()
    page.get_by_role("link", name="Dossier 2024 de Mission Locale de Marseille").click()
    page.get_by_role("link", name=re.compile("Étape 1")).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Étape 1 : Analyse et partage du contexte"
    page.get_by_label("Le diagnostic de territoire").fill("Territoire urbain, 31 % des jeunes en QPV.")
    page.get_by_role("button", name="Enregistrer l'étape").click()
    expect(page.get_by_text("Étape enregistrée")).to_be_visible()
    page.get_by_role("link", name="Retour au dossier").click()
    page.get_by_role("button", name="Transmettre la préparation et ouvrir l'échange").click()
    expect(page.get_by_text("En cours", exact=True).first).to_be_visible()
    page.get_by_role("button", name="Se déconnecter").click()

    # the DREETS writes the synthesis, an action and the subsidy, then concludes
    open_session(page, live_server, dreets)
    page.goto(f"{live_server.url}/dialogue-de-gestion/dossiers/{dialogue.pk}/")
    page.get_by_role("link", name="Rédiger la synthèse et les objectifs").click()
    page.locator("#pathway-strengths").fill("Accueil sans rendez-vous dans six centres sociaux")
    page.get_by_label(re.compile(r"\(R10\), en %")).fill("45 %")  # a percentage as typed
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_role("link", name="Ajouter une action").click()
    page.get_by_label("Thème").select_option("pathway")
    page.get_by_label("Action").fill("Diagnostic dans le mois")
    page.get_by_label("Pilote").fill("Responsable de l'accueil")
    page.get_by_label("Échéance").fill("2025-09-30")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_role("link", name=re.compile("Étape 4")).click()
    page.get_by_label("Subvention de l'État proposée (€)").fill("1 020 000")
    page.get_by_role("button", name="Enregistrer la proposition").click()
    expect(page.get_by_text("dans le cadre de ±10 %")).to_be_visible()
    page.get_by_role("link", name="Retour au dossier").click()
    page.get_by_role("link", name="Conclure le dialogue…").click()
    # the confirmation lists what is incomplete: step 3's themes were left empty
    expect(page.get_by_text(re.compile(r"Étape 3 — .* : 0 thème renseigné sur"))).to_be_visible()
    expect(page.get_by_text(re.compile(r"élément.? incomplet")).first).to_be_visible()
    page.get_by_role("button", name="Confirmer : conclure le dialogue").click()
    expect(page.get_by_text("Le dossier est maintenant « Conclu »")).to_be_visible()
    dialogue.refresh_from_db()
    assert dialogue.status == DialogueStatus.CONCLUDED and dialogue.proposed_subsidy == Decimal("1020000.00")
    assert dialogue.concluded_on == date.today()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Avenant 2025 (Word, modifiable)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".docx")
    with open(download.path(), "rb") as handle:
        text = docx_text(handle.read())
    assert ml.siret in re.sub(r"\s", "", text) and "2102500003" in text
    assert "un million vingt mille euros" in text


def test_a_campaign_for_a_year_out_of_range_is_refused_next_to_its_field(page, live_server):
    """Year 2999 and the calendar in reverse order: each error sits by its field, in French, and nothing is
    created; corrected, the campaign opens."""
    from pilotage.dialogue.models import DialogueCampaign

    MissionLocaleFactory(code="13201S00", usual_name="Mission Locale de Marseille", department_id="13")
    dreets = user_for_role(Role.REGIONAL_STATE, department_code="13")
    open_session(page, live_server, dreets)
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Dialogue de gestion").click()
    page.goto(f"{live_server.url}/dialogue-de-gestion/campagnes/nouvelle/")
    page.locator("#id_region").select_option(index=1)
    page.locator("#id_year").fill("2999")
    page.get_by_role("button", name="Enregistrer").click()
    year_group = page.locator(".fr-input-group").filter(has=page.locator("#id_year"))
    expect(year_group).to_have_class(re.compile("fr-input-group--error"))
    expect(year_group.locator(".fr-error-text")).to_contain_text(f"de {date.today().year - 3} à")  # its years
    assert not DialogueCampaign.objects.exists()

    last_year = date.today().year - 1
    page.locator("#id_year").fill(str(last_year))
    page.locator("#id_opens_on").fill(f"{last_year + 1}-03-31")
    page.locator("#id_preparation_due").fill(f"{last_year + 1}-02-01")  # before the opening
    page.get_by_role("button", name="Enregistrer").click()
    dates_group = page.locator(".fr-input-group--error").filter(has=page.locator("#id_preparation_due"))
    expect(dates_group.locator(".fr-error-text")).to_be_visible()
    assert not DialogueCampaign.objects.exists()

    page.locator("#id_year").fill(str(date.today().year - 1))
    page.locator("#id_opens_on").fill("")
    page.locator("#id_preparation_due").fill("")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(str(date.today().year - 1))
    assert DialogueCampaign.objects.filter(year=date.today().year - 1).count() == 1
