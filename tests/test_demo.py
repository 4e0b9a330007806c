import io

import pytest
from django.apps import apps
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from stdnum.fr import siret

from pilotage.accounts.models import User
from pilotage.accounts.passwords import DEFAULT_PASSWORD
from pilotage.core.roles import Role
from pilotage.demo.demo import (
    FIRST_NAMES,
    LAST_NAMES,
    STREETS,
    city_of,
    demo_load,
    demo_password_validators,
    legal_form_of,
)
from pilotage.reference.imilo import imilo_import
from pilotage.reference.models import (
    Funder,
    FunderType,
    LegalForm,
    MissionLocale,
    NationalBody,
    RegionalAssociation,
    StateService,
)
from tests.login import is_logged_in, password_login

pytestmark = pytest.mark.django_db

FUNDERS = 1 + 18 + 101 + 2 + 5  # State, regions, departments, France Travail and FSE, 5 EPCI


def history_rows():
    return sum(m.objects.count() for m in apps.get_models() if m.__name__.startswith("Historical"))


def counts():
    return (
        MissionLocale.objects.count(),
        RegionalAssociation.objects.count(),
        StateService.objects.count(),
        Funder.objects.count(),
        NationalBody.objects.count(),
        User.objects.count(),
    )


def snapshot():
    return [
        list(MissionLocale.objects.order_by("code").values_list("code", "siret", "legal_form", "address", "city",
                                                                 "president", "director")),
        list(RegionalAssociation.objects.order_by("region").values_list("name", "siret", "president")),
        list(User.objects.order_by("email").values_list("email", "first_name", "last_name", "role", "password")),
        sorted(Funder.missions_locales.through.objects.values_list("funder__code", "missionlocale__code")),
    ]  # fmt: skip


def assert_fictitious(person: str):
    first, last = person.split(" ", 1)
    assert first in FIRST_NAMES and last in LAST_NAMES, person


@pytest.fixture(scope="class")
def first_load(django_db_setup, django_db_blocker):
    """One `demo_load(stdout=…)` on the empty network, shared by the tests of `TestFromTheFirstLoad`: each test
    starts from it (its own changes are rolled back by its own savepoint), and the load itself is rolled back when
    the class ends, before the tests that need an empty network. The demo passwords are hashed as in every test."""
    out = io.StringIO()
    fast_hasher = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast_hasher, transaction.atomic():
        assert MissionLocale.objects.count() == User.objects.count() == 0
        summary = demo_load(stdout=out)
        yield summary, out.getvalue()
        transaction.set_rollback(True)


class TestFromTheFirstLoad:
    def test_demo_is_complete_deterministic_and_idempotent(self, first_load, client):
        summary, _ = first_load  # the first load, on the empty network
        assert counts() == (448, 18, 1 + 18 + 101, FUNDERS, 1, 11)
        assert summary.report.created == 448 and summary.report.excluded == 2 and summary.changed > 0

        sirets = [*MissionLocale.objects.values_list("siret", flat=True),
                  *RegionalAssociation.objects.values_list("siret", flat=True)]  # fmt: skip
        assert len(set(sirets)) == 448 + 18 and all(siret.is_valid(s) and s.startswith("999") for s in sirets)
        gips = set(MissionLocale.objects.filter(legal_form=LegalForm.GIP).values_list("code", flat=True))
        assert 0.05 < len(gips) / 448 < 0.25
        assert gips == {
            code for code in MissionLocale.objects.values_list("code", flat=True) if legal_form_of(code) == "gip"
        }
        for ml in MissionLocale.objects.all():
            assert_fictitious(ml.president)
            assert_fictitious(ml.director)
            assert ml.address.split(" ", 1)[1] in STREETS
        for arml in RegionalAssociation.objects.select_related("region"):
            assert_fictitious(arml.president)
            assert arml.name == f"Association régionale des Missions Locales {arml.region.name}"
        marseille = MissionLocale.objects.get(code="13201S00")
        assert (marseille.city, marseille.department_id) == ("Marseille", "13")

        epci = Funder.objects.get(type=FunderType.COMMUNE_EPCI, code="200054807")
        assert (epci.name, epci.siren, epci.department_id) == ("Métropole d'Aix-Marseille-Provence", "200054807", "13")
        assert "13201S00" in epci.missions_locales.values_list("code", flat=True)
        for funder in Funder.objects.filter(type=FunderType.COMMUNE_EPCI):
            partners = funder.missions_locales.all()
            assert partners and all(ml.department_id == funder.department_id for ml in partners), funder
        assert Funder.objects.get(type=FunderType.ETAT).state_service.level == "national"
        assert Funder.objects.filter(name="Fonds social européen (FSE+)", type=FunderType.FSE).exists()

        assert {a.role for a in summary.accounts} == set(Role)
        before = (history_rows(), snapshot())
        again = demo_load()
        assert (again.changed, again.report.created, again.report.updated) == (0, 0, 0)
        assert counts() == (448, 18, 120, FUNDERS, 1, 11)
        assert (history_rows(), snapshot()) == before

        for user in User.objects.all():
            user.full_clean()
            assert_fictitious(user.get_full_name())
            assert user.is_staff == (user.role == Role.NATIONAL_ADMIN)
            validate_password(DEFAULT_PASSWORD, user, demo_password_validators())
            with pytest.raises(ValidationError, match="comptes de démonstration"):
                validate_password(DEFAULT_PASSWORD, user)  # nobody may choose it for a real account
            password_login(client, user.email, DEFAULT_PASSWORD)
            assert is_logged_in(client), user.email
            client.logout()

    def test_the_story_is_in_one_territory(self, first_load):
        _, out = first_load
        assert "referentiel_structures_milo.json, ligne 392, colonne « code_departement »" in out
        users = {user.email.split("@")[0]: user for user in User.objects.all()}
        assert users["dgefp"].state_service.level == "national"
        assert users["dreets"].state_service.region_id == "93"
        assert users["ddets"].state_service.department_id == "13"
        assert (users["region"].funder.type, users["region"].funder.code) == ("region", "93")
        assert (users["departement"].funder.type, users["departement"].funder.code) == ("departement", "13")
        assert (users["departement83"].funder.type, users["departement83"].funder.code) == ("departement", "83")
        assert users["epci"].funder.siren == "200054807"
        assert users["direction.ml"].mission_locale.code == users["equipe.ml"].mission_locale.code == "13201S00"
        assert users["arml"].regional_association.region_id == "93"
        assert users["unml"].national_body.acronym == "UNML"
        visible = MissionLocale.objects.visible_to(users["departement83"])
        assert visible.exists() and not visible.filter(department_id="13").exists()

    def test_the_password_comes_from_the_settings_and_is_reset(self, first_load, settings, client):
        settings.DEMO_PASSWORD = "une-autre-phrase-de-passe"
        demo_load()
        password_login(client, "arml@demo.pilotage.fr", "une-autre-phrase-de-passe")
        assert is_logged_in(client)
        client.logout()
        settings.DEMO_PASSWORD = ""
        demo_load()
        password_login(client, "arml@demo.pilotage.fr", DEFAULT_PASSWORD)
        assert is_logged_in(client)


def test_the_demo_never_overwrites_a_real_value(client):
    imilo_import(wet_run=True, exclude_rejected=True)
    ml = MissionLocale.objects.get(code="13201S00")
    ml.siret, ml.president, ml.city, ml.legal_form = "99900000300015", "Présidence saisie", "Marseille 1er", "gip"
    ml.save()
    demo_load()
    ml.refresh_from_db()
    assert (ml.siret, ml.president, ml.city, ml.legal_form) == ("99900000300015", "Présidence saisie",
                                                                "Marseille 1er", "gip")  # fmt: skip
    assert ml.director  # the empty fields are filled


def test_a_weak_password_refuses_the_whole_load(settings):
    settings.DEMO_PASSWORD = "azerty"
    with pytest.raises(ValidationError):
        demo_load()
    assert MissionLocale.objects.count() == User.objects.count() == 0


def test_town_read_from_the_i_milo_name():
    assert city_of("13-ML MARSEILLE") == "Marseille"
    assert city_of("62-ML BOULOGNE SUR MER") == "Boulogne sur Mer"
    assert city_of("69–ML RILLIEUX LA PAPE") == "Rillieux la Pape"
    assert city_of("74-ML-CHABLAIS") == "Chablais"
    assert city_of("ML de la Courneuve temporaire pour Fusion") == ""


@pytest.mark.slow
def test_load_demo_command_prints_the_report_and_the_accounts(capsys):
    call_command("load_demo")
    out = capsys.readouterr().out
    assert "ligne 2552, colonne « code_departement », valeur « 978 »" in out
    assert "2 écartée(s)" in out
    header = next(line for line in out.splitlines() if "Adresse électronique" in line)
    assert "Rôle" in header and "Organisation" in header and "Mot de passe" in header
    row = next(line for line in out.splitlines() if "departement83@demo.pilotage.fr" in line)
    assert "Conseil départemental (Var)" in row and row.rstrip().endswith(DEFAULT_PASSWORD)
