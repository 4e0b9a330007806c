"""Cursor pagination of the large lists (funding lines, indicators, deletions): following `next` reads every row
once, in the list's order, even when rows are inserted or deleted between two pages; `previous` walks back;
`page` still jumps to a page; an unknown cursor, a cursor of another order or of another version is a French 404."""

import base64
import io
import json
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest

from pilotage.accounts.models import Role
from pilotage.funding.models import FundingLine
from pilotage.indicators.services import indicator_results_load
from tests.api.helpers import token_client
from tests.factories import user_for_role
from tests.funding.conftest import funded  # noqa: F401  (fixture)
from tests.indicators.test_pages import HEADER, results  # noqa: F401  (fixture)

LINES = "/api/v1/lignes-financement/"


@pytest.fixture
def lines(network, funded):  # noqa: F811
    """Twenty more lines of the 13's Mission Locale, over five years and four categories."""
    made = []
    for year in range(2019, 2024):
        for category in ("fonctionnement", "autre", "thematique", "investissement"):
            made.append(FundingLine.objects.create(
                mission_locale=network["ml13"], year=year, funder_type="region", funder_code="93",
                funder=network["cr93"], category=category,
                theme="faj" if category == "thematique" else "", amount=Decimal(year), source="t",
            ))  # fmt: skip
    return made


def walk(api, url, params, *, between=None) -> list[dict]:
    """Every page by following `next` (calling `between(page number)` after each page)."""
    body = api.get(url, params).json()
    assert body["previous"] is None and "curseur=" in (body["next"] or "curseur=")
    rows, number = list(body["results"]), 1
    while body["next"]:
        if between:
            between(number)
        number += 1
        response = api.get(body["next"])
        assert response.status_code == 200, response.content
        body = response.json()
        rows += body["results"]
    return rows


def test_following_next_reads_every_line_once_in_the_lists_order(lines):
    api = token_client(user_for_role(Role.NATIONAL_ADMIN))
    everything = api.get(LINES, {"taille": 1000}).json()["results"]
    assert len(everything) == FundingLine.objects.count() == 24
    for order in (None, "id", "-id", "modifie_le", "-modifie_le"):
        params = {"taille": 5, **({"ordre": order} if order else {})}
        whole = api.get(LINES, {**params, "taille": 1000}).json()["results"]
        assert [r["id"] for r in walk(api, LINES, params)] == [r["id"] for r in whole], order
    # the page numbers still jump to a page, in the same order
    assert api.get(LINES, {"taille": 5, "page": 2}).json()["results"] == everything[5:10]


def test_inserts_and_deletions_between_pages_shift_nothing(network, lines):
    api = token_client(user_for_role(Role.NATIONAL_ADMIN))
    first = [r["id"] for r in api.get(LINES, {"taille": 1000, "ordre": "id"}).json()["results"]]
    deleted = []

    def meanwhile(number):
        # a line inserted (it comes last in the id order) and a line already read deleted, after each page
        FundingLine.objects.create(mission_locale=network["ml83"], year=2010 + number, funder_type="etat",
                                   category="fonctionnement", amount=Decimal(1), source="new")  # fmt: skip
        read = FundingLine.objects.filter(pk__in=first[: number * 5]).exclude(pk__in=deleted).first()
        deleted.append(read.pk)
        read.delete()

    ids = [r["id"] for r in walk(api, LINES, {"taille": 5, "ordre": "id"}, between=meanwhile)]
    assert len(ids) == len(set(ids)), "a line read twice"
    assert ids[: len(first)] == first, "a line present from start to end was missed"
    # with page numbers, the same deletions shift the pages: a line is missed (why the large lists use cursors)
    FundingLine.objects.filter(source="new").delete()


def test_the_default_order_with_deletions_in_pages_already_read(network, lines):
    api = token_client(user_for_role(Role.NATIONAL_ADMIN))
    order = [r["id"] for r in api.get(LINES, {"taille": 1000}).json()["results"]]
    body = api.get(LINES, {"taille": 4}).json()
    FundingLine.objects.filter(pk__in=order[:4]).delete()  # the first page, gone
    body = api.get(body["next"]).json()
    assert [r["id"] for r in body["results"]] == order[4:8]  # page numbers would have given order[8:12]


def test_previous_walks_back(lines):
    api = token_client(user_for_role(Role.NATIONAL_ADMIN))
    pages = []
    body = api.get(LINES, {"taille": 7, "ordre": "-modifie_le"}).json()
    pages.append(body)
    while body["next"]:
        body = api.get(body["next"]).json()
        pages.append(body)
    assert len(pages) == 4 and pages[-1]["next"] is None
    for index in range(len(pages) - 1, 0, -1):
        back = api.get(pages[index]["previous"]).json()
        assert back["results"] == pages[index - 1]["results"], index
    assert api.get(pages[1]["previous"]).json()["previous"] is None


@pytest.mark.parametrize("params, words", [
    ({"curseur": "abc"}, "Curseur inconnu"),
    ({"curseur": "eyJwIjpbMV0sIm8iOiJwayJ9"}, "autre ordre"),  # {"p":[1],"o":"pk"}
    ({"curseur": "eyJwIjoxfQ"}, "Curseur inconnu"),  # {"p":1}
    ({"curseur": "e30", "page": "1"}, "l'un ou l'autre"),  # {}
])  # fmt: skip
def test_a_bad_cursor_is_a_french_404(network, params, words):
    response = token_client(user_for_role(Role.NATIONAL_ADMIN)).get(LINES, params)
    assert response.status_code == 404 and words in response.json()["detail"], response.content


def test_a_cursor_of_another_order_or_with_a_wrong_position_is_a_404(lines):
    api = token_client(user_for_role(Role.NATIONAL_ADMIN))
    following = api.get(LINES, {"taille": 5, "ordre": "id"}).json()["next"]
    assert api.get(following.replace("ordre=id", "ordre=-id")).status_code == 404
    [cursor] = parse_qs(urlsplit(following).query)["curseur"]
    data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    data["p"] = ["x"]
    forged = base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")
    response = api.get(LINES, {"ordre": "id", "curseur": forged})
    assert response.status_code == 404 and "Curseur inconnu" in response.json()["detail"]


def test_indicators_by_cursor_and_a_new_version_meanwhile(network, results):  # noqa: F811
    api = token_client(user_for_role(Role.NATIONAL_ADMIN))
    whole = api.get("/api/v1/indicateurs/", {"annee": 2024, "taille": 1000}).json()["results"]
    assert len(whole) > 10
    pages = walk(api, "/api/v1/indicateurs/", {"annee": 2024, "taille": 4})
    assert pages == whole
    body = api.get("/api/v1/indicateurs/", {"annee": 2024, "taille": 4}).json()
    text = "\n".join([HEADER, "national,FR,2024,1,total,5000"])
    indicator_results_load(path_or_file=io.BytesIO(text.encode()), filename="j.csv", year=2024, wet_run=True)
    response = api.get(body["next"])
    assert response.status_code == 404 and "changé de version" in response.json()["detail"]


def test_deletions_by_cursor(network, lines):
    api = token_client(user_for_role(Role.NATIONAL_ADMIN))
    ids = [str(line.pk) for line in lines[:9]]
    for line in lines[:9]:
        line.delete()
    rows = walk(api, "/api/v1/suppressions/", {"taille": 2})
    assert [r["identifiant"] for r in rows] == ids
    assert api.get("/api/v1/suppressions/", {"taille": 2, "page": 5}).json()["results"] == rows[8:]


def forged(position, order) -> str:
    text = json.dumps({"p": position, "o": order})
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize("position", [
    [None, 2**70], ["2025-01-01T00:00:00+00:00", -(2**64)], ["2025-01-01T00:00:00", 1],  # naive
    ["0001-01-01T00:00:00+14:00", 1], ["9999-12-31T23:59:59-14:00", 1], ["x\u0000", 1], [1, 1], [True, 1],
    ["2025-01-01T00:00:00+00:00", "1"], ["2025-01-01T00:00:00+00:00", 1.5], [{}, 1],
])  # fmt: skip
def test_a_forged_cursor_is_a_404_never_a_500(lines, position):
    api = token_client(user_for_role(Role.NATIONAL_ADMIN))
    response = api.get(LINES, {"ordre": "modifie_le", "curseur": forged(position, "modifie_le,pk")})
    assert response.status_code == 404 and "Curseur inconnu" in response.json()["detail"], response.content
    order = "-year,mission_locale_id,funder_type,category,theme,pk"
    response = api.get(LINES, {"curseur": forged([2**63, 1, "etat", "x\u0000", "", 1], order)})
    assert response.status_code == 404, response.content
    response = api.get(LINES, {"curseur": forged([2024, 1, "etat", "fonctionnement", "", 1], order)})
    assert response.status_code == 200  # a well-formed position reads on from there
