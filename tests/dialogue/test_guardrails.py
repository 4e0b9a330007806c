"""Guardrails of the dialogue (issue 14, point 4): a campaign's year within the CPO years known, its dates in
order, with the error next to the field; a campaign opened by mistake cancelled with a reason while no file has
moved; concluding confirmed on a page listing what is incomplete; a subsidy's error next to its field."""

from datetime import date

import pytest
from django.urls import reverse

from pilotage.core.roles import Role
from pilotage.dialogue.models import DialogueCampaign, ManagementDialogue
from pilotage.dialogue.services import answers_save, campaign_cancel, campaign_errors, campaign_years
from tests.factories import cpo_for
from tests.network import user_of

pytestmark = pytest.mark.django_db


def _field_errors(response):
    return response.context["form"].errors


def test_campaign_years_are_those_of_the_cpos_known_and_not_the_future(network):
    today = date.today()
    assert list(campaign_years()) == list(range(today.year - 3, today.year + 1))  # no CPO yet: the last four years
    cpo_for(network["ml13"], start="2022-01-01")  # a CPO 2022-2025
    assert list(campaign_years()) == list(range(2022, min(2025, today.year) + 1))


def test_a_campaign_for_2999_with_dates_in_reverse_is_refused_next_to_the_fields(client, network):
    cpo_for(network["ml13"], start="2024-01-01")
    client.force_login(user_of(Role.REGIONAL_STATE, network))
    url = reverse("dialogue:campaign_open")
    response = client.post(url, {"region": "93", "year": "2999"})
    assert response.status_code == 200 and not DialogueCampaign.objects.exists()
    last = min(2027, date.today().year)
    assert _field_errors(response)["year"] == [
        f"Saisissez une année des CPO connues de la plateforme (de 2024 à {last}) : l'année dont l'activité est "
        f"examinée, par exemple {last - 1}."
    ]
    page = response.content.decode()
    assert 'id="id_year' in page and "Saisissez une année des CPO connues" in page
    response = client.post(url, {"region": "93", "year": "2025", "opens_on": "2026-05-01",
                                 "preparation_due": "2026-03-15", "conclusion_due": "2026-02-01"})  # fmt: skip
    errors = _field_errors(response)
    assert errors["preparation_due"] == ["Choisissez une date postérieure à l'ouverture (01/05/2026)."]
    assert errors["conclusion_due"] == [
        "Choisissez une date postérieure à la préparation des Missions Locales (15/03/2026)."
    ]
    assert not DialogueCampaign.objects.exists()
    response = client.post(url, {"region": "93", "year": "2025", "finance_report_closing": "2026-01-31"})
    assert _field_errors(response)["finance_report_closing"] == [
        "Choisissez une date qui ne précède pas la clôture du compte rendu d'activité (28/02/2026)."
    ]
    response = client.post(url, {"region": "93", "year": "2025", "opens_on": "2031-01-15"})
    assert "Choisissez une date de 2025 ou de 2026" in _field_errors(response)["opens_on"][0]
    response = client.post(url, {"region": "93", "year": "abc"})
    assert _field_errors(response)["year"] == ["Saisissez un nombre entier."]
    assert client.post(url, {"region": "93", "year": "2025"}).status_code == 302  # the right campaign opens


def test_the_service_refuses_what_the_form_refuses(network):
    cpo_for(network["ml13"], start="2024-01-01")
    assert set(campaign_errors(2999, {})) == {"year"}
    assert campaign_errors(2025, {}) == {}


def test_a_campaign_opened_by_mistake_is_cancelled_with_a_reason_and_logged(client, network, caplog):
    dreets = user_of(Role.REGIONAL_STATE, network)
    client.force_login(dreets)
    client.post(reverse("dialogue:campaign_open"), {"region": "93", "year": "2024"})
    campaign = DialogueCampaign.objects.get()
    detail = client.get(reverse("dialogue:campaign", args=[campaign.pk])).content.decode()
    assert "Annuler la campagne" in detail
    url = reverse("dialogue:campaign_cancel", args=[campaign.pk])
    response = client.post(url, {"reason": ""})
    assert response.context["form"].errors["reason"] == [
        "Indiquez pourquoi la campagne est annulée, par exemple « année erronée »."
    ]
    assert DialogueCampaign.objects.exists()
    with caplog.at_level("INFO", logger="pilotage.audit"):
        response = client.post(url, {"reason": "Année erronée : 2024 au lieu de 2025"})
    assert response.status_code == 302 and not DialogueCampaign.objects.exists()
    assert not ManagementDialogue.objects.exists()
    assert "Année erronée : 2024 au lieu de 2025" in caplog.text
    entry = DialogueCampaign.history.get(history_type="-")
    assert entry.history_user == dreets and entry.history_change_reason.endswith("Année erronée : 2024 au lieu de 2025")
    home = client.get(reverse("dialogue:home")).content.decode()
    assert "Campagnes annulées" in home and "Année erronée : 2024 au lieu de 2025" in home
    assert client.post(reverse("dialogue:campaign_open"), {"region": "93", "year": "2024"}).status_code == 302


def test_a_campaign_whose_files_moved_is_not_cancelled(client, network):
    dreets = user_of(Role.REGIONAL_STATE, network)
    client.force_login(dreets)
    client.post(reverse("dialogue:campaign_open"), {"region": "93", "year": "2024"})
    campaign = DialogueCampaign.objects.get()
    dialogue = campaign.dialogues.get(mission_locale=network["ml13"])
    answers_save(dialogue=dialogue, answers={"context.transmission": "Un territoire"}, acting_user=dreets)
    assert "Annuler la campagne" not in client.get(reverse("dialogue:campaign", args=[campaign.pk])).content.decode()
    page = client.get(reverse("dialogue:campaign_cancel", args=[campaign.pk])).content.decode()
    assert "La campagne ne peut plus être annulée : des thèmes sont renseignés." in page
    client.post(reverse("dialogue:campaign_cancel", args=[campaign.pk]), {"reason": "Erreur"})
    assert DialogueCampaign.objects.exists()
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="ne peut plus être annulée"):
        campaign_cancel(campaign=campaign, reason="Erreur", acting_user=dreets)


def test_only_who_opens_campaigns_cancels_them(client, network):
    client.force_login(user_of(Role.REGIONAL_STATE, network))
    client.post(reverse("dialogue:campaign_open"), {"region": "93", "year": "2024"})
    campaign = DialogueCampaign.objects.get()
    for role in (Role.DEPARTMENTAL_STATE, Role.ML_DIRECTOR):
        client.force_login(user_of(role, network))
        assert client.post(reverse("dialogue:campaign_cancel", args=[campaign.pk]), {"reason": "x"}).status_code == 404
    assert DialogueCampaign.objects.exists()


def test_concluding_asks_for_confirmation_and_lists_what_is_incomplete(client, network, campaigns):
    d13 = campaigns["d13"]
    dreets = user_of(Role.REGIONAL_STATE, network)
    client.force_login(dreets)
    answers_save(dialogue=d13, answers={"context.transmission": "Un territoire"}, acting_user=dreets)
    from pilotage.dialogue.services import dialogue_transition

    dialogue_transition(dialogue=d13, name="start", acting_user=dreets)
    page = client.get(reverse("dialogue:dialogue", args=[d13.pk])).content.decode()
    assert reverse("dialogue:conclude", args=[d13.pk]) in page  # a link to the confirmation, not a one-click form
    page = client.get(reverse("dialogue:conclude", args=[d13.pk])).content.decode()
    assert "Étape 1 — " in page and ": 1 thème renseigné sur" in page
    assert "proposée (étape conclusive) — <strong>à compléter avant de conclure</strong>" in page
    assert "Le dossier ne peut pas encore être conclu" in page and "Confirmer : conclure" not in page


def test_a_subsidy_error_sits_next_to_the_amount_and_says_what_is_expected(client, network, campaigns):
    d13 = campaigns["d13"]
    client.force_login(user_of(Role.REGIONAL_STATE, network))
    url = reverse("dialogue:step", args=[d13.pk, "conclusive"])
    response = client.post(url, {"subsidy": "1", "amount": "douze mille", "justification": ""})
    assert response.status_code == 200
    errors = response.context["subsidy_form"].errors["amount"]
    assert errors[0].startswith("Saisissez un montant en euros, par exemple 1 234 567 ou 1 234,50")
    page = response.content.decode()
    assert "Montant proposé invalide" not in page
    assert 'id="id_amount' in page and page.index("Saisissez un montant en euros") > page.index('id="id_amount')
