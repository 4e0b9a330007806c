"""The nested details (conventions, dialogues, programmes): what their pages show, with their pages' visibility —
the page's status for the same account is the oracle, role by role."""

from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from pilotage.accounts.models import Role
from pilotage.funding.models import Amendment, ConventionDocument
from pilotage.funding.services import amendment_set_budget
from tests.animation.factories import arml_user, programme_for
from tests.api.helpers import token_client
from tests.dialogue.conftest import campaigns, complete  # noqa: F401  (fixture)
from tests.factories import user_for_role
from tests.funding.conftest import funded  # noqa: F401  (fixture)
from tests.network import user_of


@pytest.fixture
def detailed(funded, campaigns, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path
    dgefp = user_for_role(Role.NATIONAL_ADMIN)
    cpo = funded["cpo13"]
    amendment = amendment_set_budget(
        amendment=Amendment(convention=cpo, year=2024, number=1),
        amounts={"socle": (Decimal("900000"), "2100000001"), "parrainage": (Decimal("10000"), "")},
        acting_user=dgefp,
    )
    document = ConventionDocument(convention=cpo, label="CPO signée", uploaded_by=dgefp)
    document.file.save("cpo.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    complete(campaigns["d13"], dgefp)
    programme = programme_for(arml_user("93"))
    return {
        "cpo13": cpo, "cd83conv": funded["cd83conv"], "cpo69": funded["cpo69"], "d13": campaigns["d13"],
        "d69": campaigns["d69"], "programme93": programme, "amendment": amendment, "document": document,
    }  # fmt: skip


def urls(key, obj):
    if key.startswith(("cpo", "cd")):
        return f"/api/v1/conventions/{obj.pk}/", reverse("funding:convention_detail", args=[obj.pk])
    if key.startswith("d"):
        return f"/api/v1/dialogues-gestion/{obj.pk}/", reverse("dialogue:dialogue", args=[obj.pk])
    return f"/api/v1/programmes-animation/{obj.pk}/", reverse("animation:programme_detail", args=[obj.pk])


@pytest.mark.parametrize("role", list(Role))
def test_details_have_their_pages_visibility(client, network, detailed, role):
    user = user_of(role, network)
    api = token_client(user)
    client.force_login(user)
    for key in ("cpo13", "cd83conv", "cpo69", "d13", "d69", "programme93"):
        api_url, page_url = urls(key, detailed[key])
        page = client.get(page_url).status_code
        assert page in (200, 404), (role, key, page)
        assert api.get(api_url).status_code == page, (role, key)
    document = f"/api/v1/conventions/{detailed['cpo13'].pk}/documents/{detailed['document'].pk}/"
    page = client.get(reverse("funding:convention_document", args=[detailed["cpo13"].pk, detailed["document"].pk]))
    response = api.get(document)
    assert response.status_code == page.status_code, role
    if response.status_code == 200:
        assert b"".join(response.streaming_content) == b"%PDF-1.4 test"
    page.close()
    response.close()


def test_a_convention_gives_its_avenants_budget_lines_payments_and_documents(network, detailed):
    body = token_client(user_for_role(Role.NATIONAL_ADMIN)).get(f"/api/v1/conventions/{detailed['cpo13'].pk}/").json()
    [avenant] = body["avenants"]
    assert (avenant["annee"], avenant["numero"], avenant["statut"]) == (2024, 1, "draft")
    lines = {line["ligne"]: line["montant"] for line in avenant["lignes_budgetaires"]}
    assert lines["socle"] == "900000.00" and lines["parrainage"] == "10000.00"
    payments = {p["versement"]: Decimal(p["montant"]) for p in avenant["versements"]}
    assert sum(payments.values()) == sum(line.amount for line in detailed["amendment"].budget_lines.all())
    [document] = body["documents"]
    assert document["libelle"] == "CPO signée" and document["lien"].endswith(
        f"/api/v1/conventions/{detailed['cpo13'].pk}/documents/{detailed['document'].pk}/"
    )
    listing = token_client(user_for_role(Role.NATIONAL_ADMIN)).get("/api/v1/conventions/").json()["results"]
    assert all("avenants" not in row for row in listing)  # lists stay flat


def test_a_dialogue_gives_its_themes_synthesis_targets_and_action_plan(network, detailed):
    body = token_client(user_for_role(Role.NATIONAL_ADMIN)).get(f"/api/v1/dialogues-gestion/{detailed['d13'].pk}/")
    body = body.json()
    assert (
        body["synthese"][0]["theme"] == "context" and body["synthese"][0]["forces"] == "Bonne couverture du territoire"
    )
    assert [(a["action"], a["echeance"], a["etat"]) for a in body["plan_action"]] == [
        ("Renforcer le diagnostic", "2025-06-30", "planned")
    ]
    assert body["subvention_proposee"] == "1050000.00" and body["justification_subvention"] == "Hausse de l'activité"
    assert [t["ratio"] for t in body["objectifs"]][:2] == ["R1", "R2"] and isinstance(body["themes"], list)


def test_a_programme_gives_its_actions_cofundings_and_milestones(network, detailed):
    programme = detailed["programme93"]
    body = token_client(user_for_role(Role.NATIONAL_ADMIN)).get(f"/api/v1/programmes-animation/{programme.pk}/")
    body = body.json()
    [action] = body["actions_detail"]
    assert (action["cout_previsionnel"], action["montant_etat"]) == ("10000.00", "5000.00")
    assert [c["montant"] for c in action["cofinancements"]] == ["2000.00"]
    assert [m["jalon"] for m in action["jalons"]] == ["Lancement"]
    assert body["actions"] == 1 and body["cout_previsionnel"] == "10000.00"
