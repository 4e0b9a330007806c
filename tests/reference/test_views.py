"""The list of Missions Locales: its order."""


def test_the_list_sorts_by_name_code_or_department_both_ways_and_refuses_another_order(client, db):
    from pilotage.core.roles import Role
    from tests.factories import MissionLocaleFactory, user_for_role

    MissionLocaleFactory(code="83137S00", usual_name="Mission Locale de Toulon", department_id="83")
    MissionLocaleFactory(code="13201S00", usual_name="", name="13-ML MARSEILLE", department_id="13")
    MissionLocaleFactory(code="06088S00", usual_name="Mission Locale Nice", department_id="06")
    client.force_login(user_for_role(Role.NATIONAL_ADMIN))

    def order(tri):
        page = client.get("/missions-locales/", {"tri": tri}).content.decode()
        return sorted(("06088S00", "13201S00", "83137S00"), key=lambda c: page.index(f"<td>{c}</td>"))

    assert order("departement") == ["06088S00", "13201S00", "83137S00"]
    assert order("-departement") == ["83137S00", "13201S00", "06088S00"]
    assert order("nom") == ["13201S00", "83137S00", "06088S00"]  # « 13-ml marseille » < « … de toulon » < « … nice »
    assert order("-code") == ["83137S00", "13201S00", "06088S00"]
    page = client.get("/missions-locales/", {"tri": "nom", "q": "mission"}).content.decode()
    assert 'aria-sort="ascending"' in page and "q=mission&amp;tri=-nom" in page  # filters kept, next click reverses
    assert client.get("/missions-locales/", {"tri": "siret"}).status_code == 400
