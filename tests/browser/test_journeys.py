import re

import pytest
from playwright.sync_api import expect

from pilotage.core.roles import Role
from tests.browser.sessions import login, open_session
from tests.factories import MissionLocaleFactory, user_for_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_departmental_council_browses_its_department_only(page, live_server):
    own = MissionLocaleFactory(
        code="13201S00",
        name="13-ML MARSEILLE",
        usual_name="Mission Locale de Marseille",
        department_id="13",
        president="Dominique Exemple",
    )
    other = MissionLocaleFactory(
        code="83137S00", name="83-ML TOULON", usual_name="Mission Locale de Toulon", department_id="83"
    )
    user = user_for_role(Role.DEPARTMENTAL_COUNCIL, department_code="13")

    login(page, live_server, user.email)
    menu = page.get_by_role("navigation", name="Menu principal")
    menu.get_by_role("button", name="Réseau").click()
    menu.get_by_role("link", name="Territoires").click()
    page.get_by_role("link", name=re.compile("Bouches-du-Rhône")).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Bouches-du-Rhône (13)"
    assert page.get_by_role("link", name="Mission Locale de Toulon").count() == 0
    page.get_by_role("link", name="Mission Locale de Marseille").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Mission Locale de Marseille"
    expect(page.get_by_text("Dominique Exemple")).to_be_visible()
    assert page.get_by_role("link", name="Modifier").count() == 0  # a council reads, it does not edit

    response = page.goto(f"{live_server.url}/missions-locales/{other.code}/")
    assert response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "Page introuvable"
    assert "Toulon" not in page.content()
    response = page.goto(f"{live_server.url}/territoires/departements/83/")
    assert response.status == 404
    export = page.request.get(f"{live_server.url}/missions-locales/export.csv?departement=13")
    assert export.ok and own.code in export.text() and other.code not in export.text()
    assert page.request.get(f"{live_server.url}/missions-locales/export.csv?departement=83").status == 404


def contact_row(page):
    """The row of indicator 1 (« Jeunes en contact », its code in a title), not R1's."""
    header = page.locator("th[title='Indicateur 1']", has_text=re.compile(r"^\s*Jeunes en contact\s*$"))
    return page.locator("tr", has=header)


def test_dashboard_shows_exact_values_to_the_state_and_masks_them_for_a_council(page, live_server):
    import io

    from pilotage.indicators.services import indicator_results_load

    MissionLocaleFactory(code="13201S00", name="13-ML MARSEILLE", usual_name="Mission Locale de Marseille",
                         department_id="13")  # fmt: skip
    text = "niveau,code,annee,indicateur,ventilation,valeur\nml,13201S00,2024,1,total,250\nml,13201S00,2024,1,qpv,7\n"
    indicator_results_load(path_or_file=io.BytesIO(text.encode()), filename="i.csv", year=2024, wet_run=True)
    ddets = user_for_role(Role.DEPARTMENTAL_STATE, department_code="13")
    open_session(page, live_server, ddets)
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Tableau de bord").click()
    page.get_by_role("link", name="Mission Locale de Marseille").click()
    page.get_by_label("Public").select_option("qpv")
    page.get_by_role("button", name="Afficher").click()
    cells = contact_row(page).inner_text().split("\t")
    assert cells[1].strip() == "7", cells
    page.get_by_role("button", name="Se déconnecter").click()

    council = user_for_role(Role.DEPARTMENTAL_COUNCIL, department_code="13")
    open_session(page, live_server, council)
    page.goto(f"{live_server.url}/tableau-de-bord/ml/13201S00/?annee=2024&ventilation=qpv")
    expect(page.get_by_text("Secret statistique")).to_be_visible()
    cells = contact_row(page).inner_text().split("\t")
    assert cells[1].strip() == "s", cells


def test_the_dgefp_finds_a_mission_locale_by_typing_part_of_its_town(page, live_server):
    MissionLocaleFactory(code="91228S00", name="Mission Locale Centre Essonne", city="Évry-Courcouronnes",
                         department_id="91")  # fmt: skip
    MissionLocaleFactory(code="13201S00", name="Mission Locale de Marseille", city="Marseille", department_id="13")
    user = user_for_role(Role.NATIONAL_ADMIN)
    open_session(page, live_server, user)
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Tableau de bord").click()
    page.wait_for_load_state()
    page.get_by_label("Rechercher une Mission Locale, un département ou une région").fill("evry")
    expect(page.get_by_text("1 résultat pour « evry »")).to_be_visible()
    expect(page.get_by_role("link", name="Mission Locale de Marseille")).to_be_hidden()
    page.get_by_role("link", name="Mission Locale Centre Essonne").click()
    assert page.url.endswith("/ml/91228S00/")


def test_a_director_finds_its_mission_locale_on_the_matrix_and_the_dgefp_sorts_and_filters_it(page, live_server):
    """R13 30, 20, 10 and R9 0.6, 0.5, 0.4 across three Missions Locales: Marseille is placed on its own page
    (on the country's scale), and the DGEFP sorts the table by performance and filters it by town."""
    from io import BytesIO

    from pilotage.indicators.services import indicator_results_load

    mls = [
        MissionLocaleFactory(code="13201S00", usual_name="Mission Locale de Marseille", city="Marseille",
                             department_id="13"),
        MissionLocaleFactory(code="83137S00", usual_name="Mission Locale de Toulon", city="Toulon", department_id="83"),
        MissionLocaleFactory(code="69123S00", usual_name="Mission Locale de Lyon", city="Lyon", department_id="69"),
    ]  # fmt: skip
    rows = ["niveau,code,annee,indicateur,ventilation,valeur"]
    for ml, r13, r9 in zip(mls, (30, 20, 10), ("0.6", "0.5", "0.4"), strict=True):
        rows += [f"ml,{ml.code},2025,R13,total,{r13}", f"ml,{ml.code},2025,R9,total,{r9}"]
    rows += ["national,FR,2025,R13,total,20", "national,FR,2025,R9,total,0.5"]
    indicator_results_load(path_or_file=BytesIO("\n".join(rows).encode()), filename="m.csv", year=2025, wet_run=True)

    director = user_for_role(Role.ML_DIRECTOR, mission_locale=mls[0])
    open_session(page, live_server, director)
    page.goto(f"{live_server.url}/tableau-de-bord/matrice/?annee=2025")
    own = page.locator("tr.pilotage-row--own")
    expect(own).to_contain_text("Mission Locale de Marseille")
    expect(own).to_contain_text("efficace et performante")
    expect(page.locator(".pilotage-matrix__mark--own")).to_have_count(1)
    expect(page.get_by_role("img", name=re.compile("Matrice efficience × performance 2025"))).to_be_visible()
    expect(page.get_by_text("Mission Locale de Lyon")).to_have_count(0)  # the peers make the scale only

    page.context.clear_cookies()
    open_session(page, live_server, user_for_role(Role.NATIONAL_ADMIN))
    page.goto(f"{live_server.url}/tableau-de-bord/matrice/?annee=2025")
    table = page.locator("#matrix-table")
    names = table.locator("tbody tr:not([data-pinned]) th")
    expect(names).to_have_text([re.compile("Marseille"), re.compile("Toulon"), re.compile("Lyon")])
    table.get_by_role("button", name="Performance").click()  # ascending: the weakest first
    expect(names).to_have_text([re.compile("Lyon"), re.compile("Toulon"), re.compile("Marseille")])
    expect(table.locator("th", has_text="Performance")).to_have_attribute("aria-sort", "ascending")
    expect(table.locator("tbody tr[data-pinned]").first).to_contain_text("France")  # references stay on top
    page.get_by_label(re.compile("Rechercher une Mission Locale")).fill("toulon")
    expect(page.get_by_text("1 ligne pour « toulon »")).to_be_visible()
    expect(table.locator("tbody tr:not([data-pinned]):visible")).to_have_count(1)
    page.get_by_label("Région").select_option(label="Auvergne-Rhône-Alpes")  # one region: its own reference
    page.get_by_role("button", name="Afficher").click()
    expect(names).to_have_text([re.compile("Lyon")])
    expect(page.locator("#matrix-table caption")).to_contain_text("(1)")
