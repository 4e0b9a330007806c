"""Incremental sync: `modifie_le`, `?modifie_depuis=` (one change → exactly that object), `?ordre=` and `?taille=`
(pages that never overlap), the deletions (and who learns about them)."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from pilotage.accounts.models import Role
from pilotage.funding.models import FundingLine
from tests.api.helpers import read_all, token_client
from tests.factories import user_for_role
from tests.funding.conftest import funded  # noqa: F401  (fixture)
from tests.network import user_of

LISTS = ["/api/v1/missions-locales/", "/api/v1/lignes-financement/", "/api/v1/conventions/", "/api/v1/financeurs/",
         "/api/v1/arml/", "/api/v1/services-etat/", "/api/v1/regions/", "/api/v1/departements/",
         "/api/v1/dialogues-gestion/", "/api/v1/programmes-animation/", "/api/v1/enquetes/"]  # fmt: skip


def since(moment) -> str:
    return moment.isoformat()


def test_one_change_and_modifie_depuis_returns_exactly_it(network, funded):  # noqa: F811
    api = token_client(user_for_role(Role.NATIONAL_ADMIN))
    before = timezone.now()
    for url in LISTS:  # nothing changed since
        assert api.get(url, {"modifie_depuis": since(before)}).json()["count"] == 0, url
    ml = network["ml83"]
    ml.phone = "04 91 00 00 00"
    ml.save()
    rows = api.get("/api/v1/missions-locales/", {"modifie_depuis": since(before)}).json()["results"]
    assert [r["code_ml"] for r in rows] == ["ML83S00"] and rows[0]["modifie_le"] >= since(before)
    for url in set(LISTS) - {"/api/v1/missions-locales/"}:
        assert api.get(url, {"modifie_depuis": since(before)}).json()["count"] == 0, url


def test_a_bulk_write_is_seen_too(network, funded):  # noqa: F811
    """The import's bulk update writes history, not `auto_now`: the sync sees it."""
    admin = user_for_role(Role.NATIONAL_ADMIN)
    api = token_client(admin)
    line = funded["line13cd"]
    before = timezone.now()
    pushed = [{"code_ml": "ML13S00", "annee": 2024, "financeur_type": "departement", "financeur_code": "13",
               "categorie": "fonctionnement", "montant": "1500"}]  # fmt: skip
    response = api.post("/api/v1/lignes-financement/import/", json.dumps(pushed), content_type="application/json")
    assert response.json()["modifies"] == 1, response.content
    rows = api.get("/api/v1/lignes-financement/", {"modifie_depuis": since(before)}).json()["results"]
    assert [(r["id"], r["montant"]) for r in rows] == [(line.pk, "1500.00")]


@pytest.mark.parametrize("value", ["hier", "2025-13-01", "2025-03-01T25:00:00", "2025-03-01T08:00:00 01:00", ""])
def test_a_bad_date_is_a_french_400(network, value):
    response = token_client(user_for_role(Role.NATIONAL_ADMIN)).get("/api/v1/regions/", {"modifie_depuis": value})
    assert response.status_code == 400 and "ISO 8601" in response.json()["modifie_depuis"], response.content


def test_dates_with_an_offset_or_a_day(network):
    api = token_client(user_for_role(Role.NATIONAL_ADMIN))
    network["ml13"].save()
    day = (timezone.localdate() - timedelta(days=1)).isoformat()
    assert api.get("/api/v1/missions-locales/", {"modifie_depuis": day}).json()["count"] >= 1
    later = (timezone.now() + timedelta(hours=1)).astimezone(timezone.get_fixed_timezone(60)).isoformat()
    assert api.get("/api/v1/missions-locales/", {"modifie_depuis": later}).json()["count"] == 0


@pytest.mark.parametrize("value", ["9219-04-06T06:53:23+20:24", "0040-11-22T17:35:08.5-18:02"])
def test_offsets_that_iso_allows_and_postgresql_does_not_are_read_in_utc(network, value):
    """Found by Schemathesis on PostgreSQL (a 500): offsets beyond ±15:59 are valid ISO 8601."""
    api = token_client(user_for_role(Role.NATIONAL_ADMIN))
    network["ml13"].save()
    expected = 0 if value.startswith("9219") else len(network_missions_locales(network))
    assert api.get("/api/v1/missions-locales/", {"modifie_depuis": value}).json()["count"] == expected
    refused = api.get("/api/v1/missions-locales/", {"modifie_depuis": "0001-01-01T00:00:00+23:00"})
    assert refused.status_code == 400 and "hors des limites" in refused.json()["modifie_depuis"]


def network_missions_locales(network):
    from pilotage.reference.models import MissionLocale

    return list(MissionLocale.objects.all())


@pytest.mark.parametrize("order", ["modifie_le", "-modifie_le", "id", "-id"])
def test_ordered_pages_of_one_never_overlap(network, funded, order):  # noqa: F811
    api = token_client(user_for_role(Role.NATIONAL_ADMIN))
    network["ml69"].save()
    count, rows = read_all(api, "/api/v1/financeurs/", {"ordre": order, "taille": 1})
    ids = [r["id"] for r in rows]
    assert count == len(ids) == len(set(ids)) == len(read_all(api, "/api/v1/financeurs/")[1])
    if order.endswith("id"):
        assert ids == sorted(ids, reverse=order.startswith("-"))
    count, rows = read_all(api, "/api/v1/missions-locales/", {"ordre": order})
    if order == "-modifie_le":
        assert rows[0]["code_ml"] == "ML69S00"


def test_unknown_order_and_page_size_are_400(network):
    api = token_client(user_for_role(Role.NATIONAL_ADMIN))
    assert api.get("/api/v1/regions/", {"ordre": "nom"}).status_code == 400
    assert api.get("/api/v1/regions/", {"taille": "5000"}).status_code == 400
    assert len(api.get("/api/v1/departements/", {"taille": "1000"}).json()["results"]) == 101


DELETED = {  # role (user in the 13) → the deleted lines it learns about
    Role.NATIONAL_ADMIN: {"line13state", "line13cd", "line83cd", "line69state"},
    Role.NATIONAL_OBSERVER: {"line13state", "line13cd", "line83cd", "line69state"},
    Role.REGIONAL_STATE: {"line13state", "line13cd", "line83cd"},
    Role.DEPARTMENTAL_STATE: {"line13state", "line13cd"},
    Role.DEPARTMENTAL_COUNCIL: {"line13cd"},
    Role.ML_STAFF: {"line13state", "line13cd"},
}


@pytest.mark.parametrize("role", list(DELETED))
def test_deletions_are_discoverable_within_the_territory(network, funded, role):  # noqa: F811
    before = timezone.now()
    ids = {}
    for key in ("line13state", "line13cd", "line83cd", "line69state"):
        ids[str(funded[key].pk)] = key
        funded[key].delete()
    assert not FundingLine.objects.exists()
    api = token_client(user_of(role, network))
    count, rows = read_all(api, "/api/v1/suppressions/", {"modifie_depuis": since(before)})
    assert {ids[r["identifiant"]] for r in rows} == DELETED[role] and count == len(rows), role
    assert {r["ressource"] for r in rows} <= {"lignes-financement"}
    assert api.get("/api/v1/suppressions/", {"modifie_depuis": since(timezone.now())}).json()["count"] == 0
    assert api.get("/api/v1/suppressions/", {"ressource": "conventions"}).json()["count"] == 0
    assert api.get("/api/v1/suppressions/", {"ressource": "rien"}).status_code == 400
