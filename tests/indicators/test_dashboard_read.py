"""The one read model of a dashboard (`indicators/dashboard.py`, issue 13): the page, its export and the
management dialogue read it; they differ only by the version they ask for. Published: the 13's Mission Locale
had 100 young people in contact; staged for review in the 93: 150 (`tests/submissions/test_visibility.py`)."""

import csv
import io

import pytest
from django.urls import reverse

from pilotage.accounts.models import Role
from pilotage.dialogue.models import ManagementDialogue
from pilotage.dialogue.services import campaign_open
from pilotage.indicators.dashboard import dashboard_read, place_of, visible_place
from pilotage.submissions.services import submission_move
from tests.factories import user_for_role
from tests.network import user_of
from tests.submissions.test_visibility import versions  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def _in_contact(board):
    return board.rows_of(["1"])[0]["value"]


def test_a_state_service_reads_the_staged_copy_and_the_dialogue_the_published_version(network, versions):  # noqa: F811
    dreets = user_of(Role.REGIONAL_STATE, network)
    place = place_of("ml", "ML13S00")
    board = dashboard_read(dreets, place, 2024)
    assert (_in_contact(board), board.unpublished) == (150, True)
    board = dashboard_read(dreets, place, 2024, published=True)
    assert (_in_contact(board), board.unpublished) == (100, False)
    council = user_of(Role.DEPARTMENTAL_COUNCIL, network)
    assert _in_contact(dashboard_read(council, place, 2024)) == 100


def test_the_dialogue_step_shows_published_figures_while_the_dashboard_shows_the_staged_copy(
    client,
    network,
    versions,  # noqa: F811
):
    dgefp = user_for_role(Role.NATIONAL_ADMIN)
    campaign = campaign_open(region=network["region93"], year=2024, acting_user=dgefp)
    dialogue = ManagementDialogue.objects.get(campaign=campaign, mission_locale=network["ml13"])
    client.force_login(user_of(Role.REGIONAL_STATE, network))
    step = client.get(reverse("dialogue:step", args=[dialogue.pk, "context"])).content.decode().replace("\u202f", "")
    page = client.get(reverse("indicators:dashboard", args=["ml", "ML13S00"]), {"annee": 2024}).content.decode()
    # the Mission Locale: 100 published, 150 staged; its region (the 13's and the 83's): 150 published, 200 staged
    assert ">100<" in step and ">150<" in step and ">200<" not in step
    assert ">100<" not in page.replace("\u202f", "") and ">200<" in page.replace("\u202f", "")


def _exported(client, **params):
    url = reverse("indicators:dashboard_export", args=["ml", "ML13S00", "csv"])
    response = client.get(url, {"annee": 2024, "format": "technique", **params})
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=","))
    return next(row["valeur"] for row in rows if row["indicateur"] == "1")


def test_the_export_reads_the_version_the_page_reads(client, network, versions):  # noqa: F811
    dgefp = user_for_role(Role.NATIONAL_ADMIN)
    submission = submission_move(submission=versions, name="approve", user=dgefp).obj
    submission_move(submission=submission, name="publish", user=dgefp)
    client.force_login(user_of(Role.DEPARTMENTAL_COUNCIL, network))
    assert float(_exported(client)) == 150
    assert float(_exported(client, version="1")) == 100
    council = user_of(Role.DEPARTMENTAL_COUNCIL, network)
    assert _in_contact(dashboard_read(council, place_of("ml", "ML13S00"), 2024, version=1)) == 100


def test_a_place_out_of_the_territory_or_unknown_is_none(network):
    council83 = user_of(Role.DEPARTMENTAL_COUNCIL, network)  # the 13's council
    assert visible_place(council83, "ml", "ML13S00") is not None
    assert visible_place(council83, "ml", "ML69S00") is None
    assert visible_place(council83, "ml", "NOPE") is None and place_of("commune", "13") is None


def _distribution(user):
    board = dashboard_read(user, place_of("national", "FR"), 2024, ranked="R10")
    return [{**ratio, "ranking": [(ml.code, ml.display_name, value) for ml, value in ratio["ranking"]]}
            for ratio in board.distribution]  # fmt: skip


def test_the_national_distribution_is_computed_once_per_version_and_reader_kind(make_user):
    """The distribution is kept in the cache (ADR 0024) under the version and what the reader may see: the same
    figures as computed afresh, for an exact reader and for a masked one, fresh names, and a new version read."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from pilotage.reference.models import MissionLocale
    from tests.factories import MissionLocaleFactory
    from tests.test_query_counts import _load_results

    mls = MissionLocaleFactory.create_batch(6, department_id="13")
    _load_results([ml.code for ml in mls])
    dgefp, council = make_user(Role.NATIONAL_ADMIN), make_user(Role.REGIONAL_COUNCIL, department_code="13")
    cache.clear()
    fresh = {"dgefp": _distribution(dgefp), "council": _distribution(council)}
    assert fresh["dgefp"] != fresh["council"]  # the council's smallest Mission Locale is masked
    _distribution(dgefp)  # in the cache, beside the council's: each reads its own
    for user, kind in [(council, "council"), (dgefp, "dgefp")]:
        with CaptureQueriesContext(connection) as cached_read:
            assert _distribution(user) == fresh[kind]
        cache.clear()
        with CaptureQueriesContext(connection) as fresh_read:
            assert _distribution(user) == fresh[kind]
        assert len(cached_read) == len(fresh_read) - 1  # the values of the Missions Locales are not read again
        _distribution(council if user == dgefp else dgefp)
    MissionLocale.objects.filter(pk=mls[0].pk).update(usual_name="Nouveau nom")
    ranking = next(r for r in _distribution(dgefp) if r["id"] == "R10")["ranking"]
    assert "Nouveau nom" in {name for _, name, _ in ranking}
    _load_results([ml.code for ml in mls[:3]])  # a new version: other values
    assert _distribution(dgefp) != fresh["dgefp"]
