"""Real-browser journey of a survey: a Mission Locale answers through its personal link (no account), saves a
draft, comes back, submits; the national observer (UNML) then reads the result."""

import re

import pytest
from playwright.sync_api import expect

from pilotage.core.roles import Role
from tests.browser.sessions import open_session
from tests.factories import MissionLocaleFactory, user_for_role
from tests.surveys.factories import make_survey, target_with_token

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHOICES = {
    "convention": "oui", "convention_duree": "pluriannuelle", "evolution_subvention": "hausse",
    "autres_conventions": "faj", "faj_pluriannuelle": "oui", "fluidite_techniciens": "tres_bonne",
    "freq_ase_mna": "trimestrielle", "freq_faj": "mensuelle", "freq_sante": "jamais", "freq_handicap": "annuelle",
    "freq_obligation_formation": "mensuelle", "freq_indicateurs": "annuelle",
    "freq_donnees_individuelles": "mensuelle", "outils_partages": "non", "evenements_conjoints": "oui",
    "evenements_frequence": "trimestrielle",
}  # fmt: skip


def choose(page, code, value):
    page.locator(f"label[for='q-{code}-{value}']").click()


def test_a_mission_locale_answers_by_link_and_the_national_observer_reads_the_result(page, live_server):
    observer = user_for_role(Role.NATIONAL_OBSERVER)
    survey = make_survey(observer, title="Relations avec le Conseil départemental 2026")
    ml = MissionLocaleFactory(code="13201S00", name="13-ML MARSEILLE", usual_name="Mission Locale de Marseille",
                              department_id="13")  # fmt: skip
    _, token = target_with_token(survey, mission_locale=ml)
    link = f"{live_server.url}/enquetes/r/{token}/"

    page.goto(link)
    assert "/compte/connexion/" not in page.url  # no account needed
    assert page.get_by_role("heading", level=1).inner_text() == "Relations avec le Conseil départemental 2026"
    assert "Mission Locale de Marseille" in page.content()
    duration = page.locator("[data-question='convention_duree']")
    assert duration.is_hidden()  # a conditional question appears once its condition is met
    choose(page, "convention", "oui")
    expect(duration).to_be_visible()
    choose(page, "convention_duree", "pluriannuelle")
    page.get_by_label("Combien d'interlocuteurs différents").fill("3")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.get_by_text("Brouillon enregistré")).to_be_visible()

    page.goto(link)  # coming back later: the draft is there
    assert page.locator("#q-convention-oui").is_checked()
    assert page.get_by_label("Combien d'interlocuteurs différents").input_value() == "3"
    page.get_by_role("button", name="Envoyer la réponse").click()
    expect(page.get_by_text(re.compile(r"réponse\(s\) à corriger avant l'envoi"))).to_be_visible()
    expect(page.get_by_text("Merci de répondre à cette question.").first).to_be_visible()
    for code, value in CHOICES.items():
        choose(page, code, value)
    page.get_by_label("Ce que vous souhaitez ajouter").fill("Un interlocuteur unique serait précieux.")
    page.get_by_role("button", name="Envoyer la réponse").click()
    expect(page.get_by_text("Réponse envoyée, merci.")).to_be_visible()
    expect(page.get_by_text("n'est plus modifiable")).to_be_visible()
    assert page.get_by_role("button", name="Envoyer la réponse").count() == 0

    open_session(page, live_server, observer)
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Enquêtes").click()
    page.get_by_role("link", name="Relations avec le Conseil départemental 2026").click()
    assert "Suivi des réponses : 1 sur 1" in page.content()
    page.get_by_role("link", name="Résultats", exact=True).click()
    table = page.locator("table[data-question='convention']")
    oui = table.locator("tr", has=page.locator("th", has_text=re.compile(r"^Oui$"))).inner_text().split("\t")
    assert [cell.strip() for cell in oui] == ["Oui", "1", "100\u202f%", "100\u202f%"]
    duration = page.locator("table[data-question='convention_duree']").inner_text()
    assert "Pluriannuelle\t1\t100\u202f%" in duration
    assert page.get_by_text("Un interlocuteur unique serait précieux.").count() == 1
    with page.expect_download() as download:
        page.get_by_role("link", name="Exporter les résultats (XLSX)").click()
    assert download.value.suggested_filename == f"enquete_{survey.pk}_resultats.xlsx"
