"""Write matrix of the API: every role × every write method on every resource × objects in and out of its
territory. Only a Mission Locale's record is writable (PATCH, tests/api/test_patch.py for the fields); every
other resource is read-only. A refused write is a 403, 404 or 405 with a French detail, and the database is
unchanged — history tables included.
"""

from datetime import date
from decimal import Decimal

import pytest

from pilotage.core.roles import Role
from pilotage.funding.models import Convention, ConventionKind, FundingLine
from tests.api.helpers import token_client
from tests.factories import state_funder
from tests.network import user_of
from tests.replay import replayed
from tests.writes.snapshot import assert_unchanged, database_snapshot

PATCHES_ML = {
    Role.NATIONAL_ADMIN: {"ml13", "ml83", "ml69"},
    Role.REGIONAL_STATE: {"ml13", "ml83"},
    Role.DEPARTMENTAL_STATE: {"ml13"},
    Role.ML_DIRECTOR: {"ml13"},
}


@pytest.fixture
@replayed
def api_objects(network):
    state = state_funder()
    objects = {}
    for key in ("ml13", "ml83", "ml69"):
        ml = network[key]
        objects[f"line_{key}"] = FundingLine.objects.create(
            mission_locale=ml, year=2024, funder_type="etat", funder=state, category="fonctionnement",
            amount=Decimal("1"),
        )  # fmt: skip
        objects[f"convention_{key}"] = Convention.objects.create(
            kind=ConventionKind.ANNUAL, title=f"Convention {key}", funder=state, mission_locale=ml,
            start_date=date(2025, 1, 1), end_date=date(2025, 12, 31),
        )  # fmt: skip
    return objects


@pytest.mark.parametrize("role", list(Role))
def test_read_only_resources_refuse_every_write(network, api_objects, role):
    client = token_client(user_of(role, network))
    before = database_snapshot("funding", "reference", "dialogue", "animation")
    for key, obj in api_objects.items():
        base = "/api/v1/lignes-financement/" if key.startswith("line") else "/api/v1/conventions/"
        detail = f"{base}{obj.pk}/"
        for method, url in (("post", base), ("put", detail), ("patch", detail), ("delete", detail)):
            response = getattr(client, method)(url, {"montant": "999", "intitule": "X"}, format="json")
            assert response.status_code in {403, 404, 405}, (role, key, method, response.status_code)
            assert "detail" in response.json(), (role, key, method)
    for url in ("/api/v1/missions-locales/", "/api/v1/financeurs/", "/api/v1/regions/"):
        assert client.post(url, {"nom": "X"}, format="json").status_code in {403, 405}, (role, url)
    for key in ("ml13", "ml83", "ml69"):
        assert client.delete(f"/api/v1/missions-locales/{network[key].code}/").status_code in {403, 404, 405}
    assert_unchanged(before, role)


@pytest.mark.parametrize("role", list(Role))
def test_a_refused_mission_locale_patch_changes_nothing(network, role):
    client = token_client(user_of(role, network))
    for key in ("ml13", "ml83", "ml69"):
        if key in PATCHES_ML.get(role, ()):
            continue
        before = database_snapshot("reference")
        response = client.patch(f"/api/v1/missions-locales/{network[key].code}/", {"president": "Prise"},
                                format="json")  # fmt: skip
        assert response.status_code in {403, 404}, (role, key, response.status_code)
        assert_unchanged(before, (role, key))
