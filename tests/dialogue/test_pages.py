"""Dialogue pages: who sees which file (page, step, export: 404 outside), and the file filled through pages."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from pilotage.core.roles import Role
from pilotage.dialogue.models import DialogueStatus, ManagementDialogue
from pilotage.indicators.models import Target
from tests.network import user_of

#: role (user in the 13) → files it sees; councils, municipalities, ARML and observers see none
VISIBLE = {
    Role.NATIONAL_ADMIN: {"d13", "d83", "d69"},
    Role.REGIONAL_STATE: {"d13", "d83"},
    Role.DEPARTMENTAL_STATE: {"d13"},
    Role.ML_DIRECTOR: {"d13"},
    Role.ML_STAFF: {"d13"},
    Role.REGIONAL_COUNCIL: set(),
    Role.DEPARTMENTAL_COUNCIL: set(),
    Role.MUNICIPALITY: set(),
    Role.ARML: set(),
    Role.NATIONAL_OBSERVER: set(),
}


def test_every_role_is_listed():
    assert set(VISIBLE) == set(Role)


@pytest.mark.parametrize("role", list(Role))
def test_files_by_page_step_and_export(client, network, campaigns, role):
    client.force_login(user_of(role, network))
    for key in ("d13", "d83", "d69"):
        dialogue = campaigns[key]
        expected = 200 if key in VISIBLE[role] else 404
        assert client.get(reverse("dialogue:dialogue", args=[dialogue.pk])).status_code == expected, key
        assert client.get(reverse("dialogue:step", args=[dialogue.pk, "context"])).status_code == expected, key
    for key, seen in (("c93", bool(VISIBLE[role] & {"d13", "d83"})), ("c84", "d69" in VISIBLE[role])):
        response = client.get(reverse("dialogue:campaign_export", args=[campaigns[key].pk, "csv"]))
        assert response.status_code == (200 if seen else 404), key
        if seen and key == "c93":
            text = response.content.decode("utf-8-sig")
            assert ("ML83S00" in text) == ("d83" in VISIBLE[role])


def test_campaign_page_lists_only_visible_files(client, network, campaigns):
    client.force_login(user_of(Role.DEPARTMENTAL_STATE, network))
    page = client.get(reverse("dialogue:campaign", args=[campaigns["c93"].pk])).content.decode()
    assert "Mission Locale Treize" in page and "Quatre-vingt-trois" not in page


def test_opening_a_campaign_through_the_page(client, network):
    from pilotage.dialogue.models import DialogueCampaign

    client.force_login(user_of(Role.REGIONAL_STATE, network))
    assert client.get(reverse("dialogue:campaign_open")).status_code == 200
    response = client.post(reverse("dialogue:campaign_open"), {"region": "93", "year": "2025"})
    campaign = DialogueCampaign.objects.get()
    assert response.status_code == 302 and campaign.dialogues.count() == 2
    assert campaign.activity_report_closing == date(2026, 2, 28)
    # another region is not offered to this DREETS
    response = client.post(reverse("dialogue:campaign_open"), {"region": "84", "year": "2025"})
    assert response.status_code == 200 and DialogueCampaign.objects.count() == 1
    client.force_login(user_of(Role.DEPARTMENTAL_COUNCIL, network))
    assert client.get(reverse("dialogue:campaign_open")).status_code == 404


def test_a_file_is_filled_and_concluded_through_the_pages(client, network, campaigns):
    from tests.factories import cpo_for

    cpo_for(network["ml13"], start="2024-01-01", planned="1000000.00")
    d13 = campaigns["d13"]
    director = user_of(Role.ML_DIRECTOR, network)
    client.force_login(director)
    step = reverse("dialogue:step", args=[d13.pk, "context"])
    page = client.get(step).content.decode()
    assert "Poids régional de la Mission Locale" in page and "Jeunes en contact" in page
    client.post(step, {"context.diagnostic": "Territoire urbain dense, forte part de QPV"})
    assert d13.answers.get(theme="context.diagnostic").text.startswith("Territoire urbain")
    client.post(step, {"comment": "1", "text": "Données DEFM à actualiser"})
    assert d13.comments.get().author == director
    client.post(reverse("dialogue:transition", args=[d13.pk]), {"name": "start"})
    assert ManagementDialogue.objects.get(pk=d13.pk).status == DialogueStatus.IN_PROGRESS
    # the director may not propose the subsidy: the form is not there and a POST is refused
    conclusive = reverse("dialogue:step", args=[d13.pk, "conclusive"])
    assert "Enregistrer la proposition" not in client.get(conclusive).content.decode()

    dreets = user_of(Role.REGIONAL_STATE, network)
    client.force_login(dreets)
    page = client.get(conclusive).content.decode()
    assert "Marge restante" in page and "Enregistrer la proposition" in page
    client.post(conclusive, {"subsidy": "1", "amount": "1 080 000,00", "justification": "Activité en hausse"})
    assert ManagementDialogue.objects.get(pk=d13.pk).proposed_subsidy == Decimal("1080000.00")
    page = client.get(conclusive).content.decode()
    assert "dans le cadre de ±10 %" in page
    response = client.post(reverse("dialogue:synthesis", args=[d13.pk]), {
        "context-strengths": "Partenariats solides", "pathway-areas_for_progress": "Diagnostic",
        "objectifs-R10": "0,45", "objectifs-R11": "0,2",
    })  # fmt: skip
    assert response.status_code == 302
    assert Target.objects.get(mission_locale=network["ml13"], year=2025, ratio="R10").value == Decimal("0.45")
    client.post(reverse("dialogue:action_create", args=[d13.pk]), {
        "theme": "pathway", "title": "Diagnostic dans le mois", "owner": "Cheffe de service",
        "due_on": "2025-09-30", "status": "planned",
    })  # fmt: skip
    assert d13.actions.count() == 1
    # concluding goes through its confirmation page, which lists what is incomplete
    response = client.post(reverse("dialogue:transition", args=[d13.pk]), {"name": "conclude"})
    assert response.status_code == 302 and response["Location"] == reverse("dialogue:conclude", args=[d13.pk])
    d13.refresh_from_db()
    assert d13.status == DialogueStatus.IN_PROGRESS
    page = client.get(reverse("dialogue:conclude", args=[d13.pk])).content.decode()
    assert "Objectifs 2025 négociés : 2 ratios sur 13" in page and "incomplet" in page
    client.post(reverse("dialogue:transition", args=[d13.pk]), {"name": "conclude", "confirmed": "on"})
    d13.refresh_from_db()
    assert d13.status == DialogueStatus.CONCLUDED
    page = client.get(reverse("dialogue:dialogue", args=[d13.pk])).content.decode()
    assert "Rouvrir le dialogue" in page and "Partenariats solides" in page and "Diagnostic dans le mois" in page
    # read-only: the step form is gone and a POST changes nothing
    assert "Enregistrer l'étape" not in client.get(step).content.decode()
    response = client.post(step, {"context.diagnostic": "changé"})
    assert response.status_code == 403
    assert d13.answers.get(theme="context.diagnostic").text.startswith("Territoire urbain")


def test_followup_counts_states_and_targets(client, network, campaigns):
    client.force_login(campaigns["dgefp"])
    page = client.get(reverse("dialogue:followup")).content.decode()
    assert "Dialogue de gestion 2024 — Provence-Alpes-Côte d&#x27;Azur" in page
    assert "3 dossiers" in page
    client.force_login(user_of(Role.ML_DIRECTOR, network))
    assert client.get(reverse("dialogue:followup")).status_code == 404


def test_the_synthesis_document_carries_the_file(client, network, campaigns):
    from pilotage.documents.rendering import docx_text, pdf_text
    from tests.dialogue.conftest import complete
    from tests.factories import cpo_for

    cpo_for(network["ml13"], start="2024-01-01", planned="1000000.00")
    d13 = campaigns["d13"]
    dreets = user_of(Role.REGIONAL_STATE, network)
    from pilotage.dialogue.services import answers_save

    answers_save(dialogue=d13, answers={"context.diagnostic": "Territoire urbain dense"}, acting_user=dreets)
    complete(d13, dreets)
    client.force_login(dreets)
    texts = {}
    for fmt, read in (("docx", docx_text), ("pdf", pdf_text)):
        response = client.get(reverse("dialogue:synthesis_document", args=[d13.pk, fmt]))
        assert response.status_code == 200
        assert f"synthese-dialogue-2024-ML-ML13S00.{fmt}" in response["Content-Disposition"]
        texts[fmt] = " ".join(read(response.content).split())
    for text in texts.values():
        assert "Synthèse du dialogue de gestion 2024" in text
        assert "Territoire urbain dense" in text
        assert "Bonne couverture du territoire" in text and "Renforcer le diagnostic" in text
        assert "1 050 000,00 €" in text.replace("\u202f", " ").replace("\u00a0", " ")
        assert "un million cinquante mille euros" in text
        assert "dans la marge de ±10 %" in text
    # a file of another region: 404 for the document too
    assert client.get(reverse("dialogue:synthesis_document", args=[campaigns["d69"].pk, "pdf"])).status_code == 404


@pytest.mark.parametrize("role", list(Role))
def test_files_by_api(client, network, campaigns, role):
    client.force_login(user_of(role, network))
    response = client.get("/api/v1/dialogues-gestion/?annee=2024")
    assert response.status_code == 200
    codes = {item["code_ml"] for item in response.json()["results"]}
    assert codes == {campaigns[key].mission_locale.code for key in VISIBLE[role]}
    for key in ("d13", "d69"):
        expected = 200 if key in VISIBLE[role] else 404
        assert client.get(f"/api/v1/dialogues-gestion/{campaigns[key].pk}/").status_code == expected
    assert client.get("/api/v1/dialogues-gestion/?annee=deux").status_code == 400


def test_campaign_pages_make_as_many_queries_with_3_or_33_files(client, network, campaigns):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from pilotage.dialogue.models import ManagementDialogue
    from tests.factories import MissionLocaleFactory

    client.force_login(campaigns["dgefp"])
    c93 = campaigns["c93"].pk
    urls = [reverse("dialogue:campaign", args=[c93]), reverse("dialogue:followup"), reverse("dialogue:home"),
            reverse("dialogue:campaign_export", args=[c93, "csv"])]  # fmt: skip

    def counts():
        result = {}
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            result[url] = len(queries)
        return result

    before = counts()
    for ml in MissionLocaleFactory.create_batch(30, department_id="13"):
        ManagementDialogue.objects.create(campaign=campaigns["c93"], mission_locale=ml)
    assert counts() == before
