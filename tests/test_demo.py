import pytest
from django.core.management import call_command
from stdnum.fr import siret

from pilotage.accounts.models import Role, User
from pilotage.demo.demo import DEFAULT_PASSWORD, FIRST_NAMES, LAST_NAMES, demo_load
from pilotage.reference.models import (
    Funder,
    FunderType,
    LegalForm,
    MissionLocale,
    RegionalAssociation,
    StateService,
)

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def history_rows():
    from django.apps import apps

    return sum(m.objects.count() for m in apps.get_models() if m.__name__.startswith("Historical"))


def test_demo_is_complete_deterministic_and_idempotent(client):
    result = demo_load()
    counts = (
        MissionLocale.objects.count(),
        RegionalAssociation.objects.count(),
        StateService.objects.count(),
        Funder.objects.count(),
        User.objects.count(),
    )
    assert counts == (448, 18, 1 + 18 + 101, 1 + 18 + 101 + 2 + 5, 11)
    sirets = list(MissionLocale.objects.values_list("siret", flat=True))
    assert len(set(sirets)) == 448 and all(siret.is_valid(s) for s in sirets)
    gip_share = MissionLocale.objects.filter(legal_form=LegalForm.GIP).count() / 448
    assert 0.05 < gip_share < 0.25
    for ml in MissionLocale.objects.all()[:50]:
        first, last = ml.president.split(" ", 1)
        assert first in FIRST_NAMES and last in LAST_NAMES
    marseille = Funder.objects.get(type=FunderType.COMMUNE_EPCI, code="200054807")
    assert "13201S00" in marseille.missions_locales.values_list("code", flat=True)
    assert {a.role for a in result["accounts"]} == set(Role)

    before = (history_rows(), list(MissionLocale.objects.order_by("code").values_list("siret", "president")))
    demo_load()
    assert (history_rows(), list(MissionLocale.objects.order_by("code").values_list("siret", "president"))) == before

    for user in User.objects.all():
        user.full_clean()
        assert client.login(email=user.email, password=DEFAULT_PASSWORD), user.email
        client.logout()


def test_load_demo_command_prints_the_accounts(capsys):
    call_command("load_demo")
    out = capsys.readouterr().out
    assert "mot de passe : demo-pilotage-2026" in out
    assert "departement83@demo.pilotage.fr" in out and "ligne 2552" in out
