"""Write matrix of a Mission Locale's record (its page), of its negotiated targets, and of the reference import
screen: every role × the Missions Locales in its department (13), in its region only (83), in another region
(69). The API's PATCH has its own matrix (tests/api/test_patch.py, tests/writes/test_api.py).

The rules: a record is changed by the DGEFP, the DREETS and DDETS of its territory and its own director
(`reference.perms.edits_mission_locale`); targets are set by the DGEFP, the DREETS and the DDETS of its
territory (`indicators.perms.sets_targets`); the reference imports are the DGEFP's. Refused: 404, database
unchanged.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pilotage.core.roles import Role
from pilotage.indicators.models import Target
from tests.network import user_of
from tests.writes.forms import posted_back
from tests.writes.snapshot import assert_unchanged, database_snapshot

EDITS_RECORD = {
    Role.NATIONAL_ADMIN: {"ml13", "ml83", "ml69"},
    Role.REGIONAL_STATE: {"ml13", "ml83"},
    Role.DEPARTMENTAL_STATE: {"ml13"},
    Role.ML_DIRECTOR: {"ml13"},
}
SETS_TARGETS = {
    Role.NATIONAL_ADMIN: {"ml13", "ml83", "ml69"},
    Role.REGIONAL_STATE: {"ml13", "ml83"},
    Role.DEPARTMENTAL_STATE: {"ml13"},
}
MISSIONS_LOCALES = ("ml13", "ml83", "ml69")


def form_data(client, url) -> dict:
    return posted_back(client.get(url).context["form"])


@pytest.mark.parametrize("role", list(Role))
def test_mission_locale_record(client, network, role):
    user = user_of(role, network)
    client.force_login(user)
    for key in MISSIONS_LOCALES:
        ml = network[key]
        url = reverse("reference:mission_locale_edit", args=[ml.code])
        if key in EDITS_RECORD.get(role, ()):
            response = client.post(url, {**form_data(client, url), "president": f"Présidence {role}"})
            assert response.status_code == 302, (role, key)
            ml.refresh_from_db()
            assert ml.president == f"Présidence {role}" and ml.history.first().history_user == user
            continue
        before = database_snapshot("reference")
        response = client.post(url, {"president": "Prise", "name": "Prise", "department": "13"})
        assert response.status_code == 404, (role, key)
        assert_unchanged(before, (role, key))


@pytest.mark.parametrize("role", list(Role))
def test_targets(client, network, role):
    user = user_of(role, network)
    client.force_login(user)
    for key in MISSIONS_LOCALES:
        ml = network[key]
        before = database_snapshot("indicators")
        url = reverse("indicators:targets", args=[ml.code]) + "?annee=2026"
        response = client.post(url, {"annee": "2026", "R1": "0,45"})
        if key in SETS_TARGETS.get(role, ()):
            assert response.status_code == 302, (role, key)
            target = Target.objects.get(mission_locale=ml, year=2026, ratio="R1")
            assert target.history.first().history_user == user
        else:
            assert response.status_code == 404, (role, key)
            assert_unchanged(before, (role, key))


@pytest.mark.parametrize("role", [r for r in Role if r != Role.NATIONAL_ADMIN])
def test_reference_imports_are_the_dgefps(client, network, role, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(user_of(role, network))
    before = database_snapshot("reference")
    upload = SimpleUploadedFile("ml.csv", f"code_ml;nom\n{network['ml69'].code};Prise\n".encode())
    assert client.post(reverse("reference:import"), {"kind": "missions_locales", "file": upload}).status_code == 404
    assert client.post(reverse("reference:import_confirm")).status_code == 404
    assert_unchanged(before, role)
