"""Dashboard pages: who sees which entity, and who sees small counts."""

import io

import pytest
from django.urls import reverse

from pilotage.core.roles import Role
from pilotage.indicators.services import indicator_results_load
from tests.network import user_of
from tests.replay import replayed

HEADER = "niveau,code,annee,indicateur,ventilation,valeur"


@pytest.fixture
@replayed
def results(network):
    rows = []
    for level, code in (("ml", "ML13S00"), ("ml", "ML83S00"), ("ml", "ML69S00"), ("departement", "13"),
                        ("departement", "83"), ("departement", "69"), ("region", "93"), ("region", "84"),
                        ("national", "FR")):  # fmt: skip
        big = 1000 if level != "ml" else 120
        rows += [
            f"{level},{code},2024,1,total,{big}",
            f"{level},{code},2024,2,total,{big // 2}",
            f"{level},{code},2024,2.1,total,7",
            f"{level},{code},2024,R3,total,{7 / (big // 2):.6f}",
            f"{level},{code},2024,1,qpv,4",
            f"{level},{code},2023,1,total,{big - 10}",
        ]
    text = "\n".join([HEADER, *[r for r in rows if ",2024," in r]])
    indicator_results_load(path_or_file=io.BytesIO(text.encode()), filename="i.csv", year=2024, wet_run=True)
    text = "\n".join([HEADER, *[r for r in rows if ",2023," in r]])
    indicator_results_load(path_or_file=io.BytesIO(text.encode()), filename="i.csv", year=2023, wet_run=True)


ENTITIES = {"ml13": ("ml", "ML13S00"), "ml83": ("ml", "ML83S00"), "ml69": ("ml", "ML69S00"),
            "dep13": ("departement", "13"), "dep83": ("departement", "83"), "region93": ("region", "93"),
            "region84": ("region", "84"), "national": ("national", "FR")}  # fmt: skip
SEES = {
    Role.NATIONAL_ADMIN: set(ENTITIES),
    Role.NATIONAL_OBSERVER: set(ENTITIES),
    Role.REGIONAL_STATE: {"ml13", "ml83", "dep13", "dep83", "region93", "national"},
    Role.REGIONAL_COUNCIL: {"ml13", "ml83", "dep13", "dep83", "region93", "national"},
    Role.ARML: {"ml13", "ml83", "dep13", "dep83", "region93", "national"},
    Role.DEPARTMENTAL_STATE: {"ml13", "dep13", "region93", "national"},
    Role.DEPARTMENTAL_COUNCIL: {"ml13", "dep13", "region93", "national"},
    Role.MUNICIPALITY: {"ml13", "region93", "national"},
    Role.ML_DIRECTOR: {"ml13", "region93", "national"},
    Role.ML_STAFF: {"ml13", "region93", "national"},
}
UNMASKED = {Role.NATIONAL_ADMIN, Role.REGIONAL_STATE, Role.DEPARTMENTAL_STATE, Role.ARML, Role.ML_DIRECTOR,
            Role.ML_STAFF}  # fmt: skip


@pytest.mark.parametrize("role", list(Role))
def test_dashboard_visibility(client, network, results, role):
    client.force_login(user_of(role, network))
    for key, (level, code) in ENTITIES.items():
        page = client.get(reverse("indicators:dashboard", args=[level, code]), {"annee": 2024})
        assert page.status_code == (200 if key in SEES[role] else 404), (role, key)
        export = client.get(reverse("indicators:dashboard_export", args=[level, code, "csv"]), {"annee": 2024})
        assert export.status_code == (200 if key in SEES[role] else 404), (role, key)


@pytest.mark.parametrize("role", list(Role))
def test_small_counts_of_a_mission_locale(client, network, results, role):
    client.force_login(user_of(role, network))
    export = client.get(reverse("indicators:dashboard_export", args=["ml", "ML13S00", "csv"]),
                        {"annee": 2024, "format": "technique"})  # fmt: skip
    rows = {line.split(",")[4]: line.split(",") for line in export.content.decode().splitlines()[1:]}
    if role in UNMASKED:
        assert rows["2.1"][6] == "7.0" and rows["R3"][6] != "secret statistique"
    else:
        assert rows["2.1"][6] == "secret statistique" and rows["R3"][6] == "secret statistique"
    assert rows["1"][6] == "120.0" and rows["1"][7] == "110.0"  # N and N-1


def test_breakdown_page_masks_the_qpv_count_for_a_council(client, network, results):
    client.force_login(user_of(Role.DEPARTMENTAL_COUNCIL, network))
    page = client.get(reverse("indicators:dashboard", args=["ml", "ML13S00"]), {"annee": 2024, "ventilation": "qpv"})
    assert "Secret statistique" in page.content.decode() and 'title="secret statistique' in page.content.decode()
    assert (
        client.get(reverse("indicators:dashboard", args=["ml", "ML13S00"]), {"ventilation": "tous"}).status_code == 400
    )


def test_department_page_shows_the_distribution(client, network, results):
    client.force_login(user_of(Role.NATIONAL_ADMIN, network))
    params = {"annee": 2024, "classement": "R3"}
    page = client.get(reverse("indicators:dashboard", args=["region", "93"]), params).content.decode()
    assert "Répartition des Missions Locales" in page and "Mission Locale Treize" in page


def test_matrix_places_the_visible_missions_locales(client, network, results):
    client.force_login(user_of(Role.REGIONAL_STATE, network))
    page = client.get(reverse("indicators:matrix"), {"annee": 2024}).content.decode()
    assert "Mission Locale Treize" in page and "Quatre-vingt-trois" in page and "Soixante-neuf" not in page
    assert "non placée" in page  # the fixture's results have no R13, R1, R9… for the Missions Locales


@pytest.fixture
def matrix_results(network):
    """R13 30, 20, 10 and R9 0.6, 0.5, 0.4 for ML13, ML83, ML69: on the country's scale, ML13 sits at
    (+1.22 ; +1.22) — 10 / √(200/3) and 0.1 / √(0.02/3) — and ML69 at the opposite."""
    rows = [HEADER]
    for code, r13, r9 in (("ML13S00", 30, "0.6"), ("ML83S00", 20, "0.5"), ("ML69S00", 10, "0.4")):
        rows += [f"ml,{code},2025,R13,total,{r13}", f"ml,{code},2025,R9,total,{r9}", f"ml,{code},2025,4,total,300"]
    rows += ["region,93,2025,R13,total,25", "region,93,2025,R9,total,0.55", "national,FR,2025,R13,total,20",
             "national,FR,2025,R9,total,0.5"]  # fmt: skip
    indicator_results_load(path_or_file=io.BytesIO("\n".join(rows).encode()), filename="m.csv", year=2025, wet_run=True)


def test_a_mission_locale_is_placed_on_its_own_matrix_with_its_own_values(client, network, matrix_results):
    client.force_login(user_of(Role.ML_DIRECTOR, network))
    page = client.get(reverse("indicators:matrix"), {"annee": 2025}).content.decode()
    assert "votre Mission Locale" in page and "non placée (valeurs" not in page
    assert "1,22" in page and "efficace et performante" in page  # +1.22 on both axes, the country's scale
    assert "Quatre-vingt-trois" not in page and "Soixante-neuf" not in page  # the peers make the scale only
    assert "pilotage-matrix__mark--own" in page and "Efficience (écart à la moyenne" in page
    assert "France (ensemble du pays)" in page


def test_the_matrix_filters_by_region_and_refuses_an_unknown_one(client, network, matrix_results):
    client.force_login(user_of(Role.NATIONAL_ADMIN, network))
    page = client.get(reverse("indicators:matrix"), {"annee": 2025, "region": "84"}).content.decode()
    assert "Soixante-neuf" in page and "Mission Locale Treize" not in page
    assert "efficience et performance à améliorer" in page  # ML69 at (−1.22 ; −1.22)
    assert client.get(reverse("indicators:matrix"), {"annee": 2025, "region": "zz"}).status_code == 400
    dreets = user_of(Role.REGIONAL_STATE, network)
    client.force_login(dreets)
    assert client.get(reverse("indicators:matrix"), {"annee": 2025, "region": "84"}).status_code == 400
    page = client.get(reverse("indicators:matrix"), {"annee": 2025}).content.decode()
    assert "Mission Locale Treize" in page and "Quatre-vingt-trois" in page and "Région " in page


SETTERS = {Role.NATIONAL_ADMIN, Role.REGIONAL_STATE, Role.DEPARTMENTAL_STATE}


@pytest.mark.parametrize("role", list(Role))
def test_targets_are_set_by_the_state_and_shown_against_the_achieved_value(client, network, results, role):
    from pilotage.indicators.models import Target

    user = user_of(role, network)
    client.force_login(user)
    url = reverse("indicators:targets", args=["ML13S00"])
    response = client.post(url, {"annee": 2024, "R3": "0,05", "R5": ""})
    if role not in SETTERS:
        assert response.status_code == 404 and not Target.objects.exists()
        return
    assert response.status_code == 302
    target = Target.objects.get()
    assert (target.ratio, str(target.value)) == ("R3", "0.0500") and target.history.first().history_user == user
    page = client.get(reverse("indicators:dashboard", args=["ml", "ML13S00"]), {"annee": 2024}).content.decode()
    # the target 5,0 %, achieved 7/60 = 11,7 %: a gap of 6,7 points
    assert "Objectif" in page and "5,0\u202f%" in page and "11,7\u202f%" in page and "+6,7\u202fpt" in page
    assert client.get(reverse("indicators:targets", args=["ML69S00"]), {"annee": 2024}).status_code == (
        200 if role == Role.NATIONAL_ADMIN else 404
    )


def test_unknown_ranking_ratio_is_404(client, network, results):
    client.force_login(user_of(Role.NATIONAL_ADMIN, network))
    assert (
        client.get(reverse("indicators:dashboard", args=["national", "FR"]), {"classement": "R99"}).status_code == 400
    )
