from django.urls import reverse

from pilotage.core.roles import Role


def test_dsfr_theme_by_default(client, db):
    page = client.get(reverse("accounts:login")).content.decode()
    assert "dsfr.min.css" in page and "République<br>française" in page
    assert 'lang="fr"' in page and 'href="#contenu"' in page


def test_neutral_theme_loads_nothing_of_the_dsfr(client, db, settings):
    settings.PILOTAGE_THEME = "neutral"
    settings.PILOTAGE_OPERATOR_NAME = "Union nationale des Missions Locales"
    page = client.get(reverse("accounts:login")).content.decode()
    assert "neutral.css" in page
    assert "dsfr" not in page.lower() and "République" not in page and "Marianne" not in page
    assert "Union nationale des Missions Locales" in page


def test_pages_have_one_h1_and_labelled_tables(client, make_user, ml_13):
    client.force_login(make_user(Role.NATIONAL_ADMIN))
    for url in [
        reverse("home:home"),
        reverse("reference:territory"),
        reverse("reference:region_detail", args=["93"]),
        reverse("reference:department_detail", args=["13"]),
        reverse("reference:mission_locale_list"),
        reverse("reference:mission_locale_detail", args=[ml_13.code]),
        reverse("reference:organisation_list"),
    ]:
        page = client.get(url).content.decode()
        assert page.count("<h1") == 1, url
        assert page.count("<table") == page.count("<caption"), url
        assert page.count("<th ") == page.count('scope="col"') + page.count('scope="row"'), url


def test_lists_are_paginated_keeping_the_filters(client, make_user):
    from tests.factories import MissionLocaleFactory

    client.force_login(make_user(Role.NATIONAL_ADMIN))
    MissionLocaleFactory.create_batch(55, department_id="13")
    first = client.get(reverse("reference:mission_locale_list"), {"departement": "13"}).content.decode()
    assert "Page 1 sur 2" in first and "?departement=13&amp;page=2" in first
    second = client.get(reverse("reference:mission_locale_list"), {"departement": "13", "page": 2}).content.decode()
    assert "Page 2 sur 2" in second and second.count('href="/missions-locales/T') == 5
