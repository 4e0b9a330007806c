"""The heavy pages make a fixed number of queries, whatever the number of Missions Locales (no N+1)."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pilotage.core.roles import Role
from pilotage.indicators.services import indicator_results_load
from pilotage.reference.models import LegalForm
from pilotage.reference.services import mission_locale_update
from tests.factories import FunderFactory, MissionLocaleFactory

PAGES = [
    reverse("reference:territory"),
    reverse("reference:region_detail", args=["93"]),
    reverse("reference:department_detail", args=["13"]),
    reverse("reference:mission_locale_list"),
    reverse("reference:mission_locale_export", args=["csv"]),
    reverse("reference:organisation_list"),
    "/api/v1/missions-locales/",
    "/api/v1/financeurs/",
]


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", [Role.NATIONAL_ADMIN, Role.REGIONAL_STATE])
def test_queries_do_not_grow_with_the_network(client, make_user, role):
    client.force_login(make_user(role, department_code="13"))
    for ml in MissionLocaleFactory.create_batch(3, department_id="13"):
        FunderFactory(municipality=True, department_id="13").missions_locales.add(ml)
    before = {url: count_queries(client, url) for url in PAGES}
    for ml in MissionLocaleFactory.create_batch(30, department_id="13"):
        ml.departments_covered.add("83")
        FunderFactory(municipality=True, department_id="13").missions_locales.add(ml)
    after = {url: count_queries(client, url) for url in PAGES}
    assert after == before
    assert max(after.values()) <= 20, after


# The CPO dashboards and a Mission Locale's page (issue 11's load test): their query counts do not grow with the
# number of Missions Locales ranked, nor with the length of a Mission Locale's history.

DASHBOARDS = [
    reverse("indicators:dashboard", args=["national", "FR"]),
    reverse("indicators:dashboard", args=["region", "93"]),
    reverse("indicators:dashboard", args=["departement", "13"]),
    reverse("indicators:dashboard", args=["national", "FR"]) + "?ventilation=femmes&classement=R3",
]
RESULTS_HEADER = "niveau,code,annee,indicateur,ventilation,valeur"


def _load_results(codes):
    """Results of 2024 for the Missions Locales `codes` (counts, ratios; one small count to mask)."""
    rows = [RESULTS_HEADER]
    for index, code in enumerate(sorted(codes)):
        entered = 3 if index == 0 else 100 + index  # the first under the masking threshold
        rows += [f"ml,{code},2024,1,total,{entered * 2}", f"ml,{code},2024,2,total,{entered}",
                 f"ml,{code},2024,R3,total,{index / 100:.2f}", f"ml,{code},2024,R10,total,{index / 50:.2f}",
                 f"ml,{code},2024,R3,femmes,{index / 200:.3f}", f"ml,{code},2024,2,femmes,{entered}"]  # fmt: skip
    report = indicator_results_load(path_or_file=io.BytesIO("\n".join(rows).encode()), filename="i.csv", year=2024,
                                    wet_run=True)  # fmt: skip
    assert report.ok, report


@pytest.mark.parametrize("role", [Role.NATIONAL_ADMIN, Role.REGIONAL_STATE, Role.REGIONAL_COUNCIL])
def test_dashboard_queries_do_not_grow_with_the_missions_locales(client, make_user, role):
    client.force_login(make_user(role, department_code="13"))
    mls = MissionLocaleFactory.create_batch(2, department_id="13")
    _load_results([ml.code for ml in mls])
    before = {url: count_queries(client, url) for url in DASHBOARDS}
    mls += MissionLocaleFactory.create_batch(18, department_id="13")
    _load_results([ml.code for ml in mls])
    after = {url: count_queries(client, url) for url in DASHBOARDS}
    assert after == before
    assert max(after.values()) <= 30, after


def test_mission_locale_page_queries_do_not_grow_with_its_history(client, make_user):
    user = make_user(Role.NATIONAL_ADMIN)
    client.force_login(user)
    ml = MissionLocaleFactory(department_id="13")
    url = reverse("reference:mission_locale_detail", args=[ml.code])

    def edit(times):
        for n in range(times):
            changes = {"phone": f"04 91 00 00 {n:02d}", "legal_form": LegalForm.GIP if n % 2 else LegalForm.ASSOCIATION}
            mission_locale_update(mission_locale=ml, changes=changes, acting_user=user)

    edit(2)
    before = count_queries(client, url)
    edit(10)
    assert count_queries(client, url) == before
