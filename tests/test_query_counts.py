"""The heavy pages make a fixed number of queries, whatever the number of Missions Locales (no N+1)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pilotage.core.roles import Role
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
