"""The rules of conventions and avenants (seed 004): 4-year CPO, 50 % advance, ±10 % over the CPO."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pilotage.core.roles import Role
from pilotage.core.validators import validate_iban
from pilotage.funding.models import Amendment, Convention, ConventionKind, FundingLine, PaymentKind, PaymentStatus
from pilotage.funding.services import GuardrailExceeded, amendment_set_budget, amendment_sign, payment_record
from tests.factories import FunderFactory, cpo_for, state_funder

D = Decimal


@pytest.fixture
def cpo(ml_13):
    return cpo_for(ml_13, planned="1000000.00")


@pytest.fixture
def dreets(make_user):
    return make_user(Role.REGIONAL_STATE, department_code="13")


def budget(socle, parrainage="0", fipj="0"):
    return {"socle": (D(socle), "2100000001"), "parrainage": (D(parrainage), ""), "fipj_direct": (D(fipj), "")}


def amendment(cpo, year, **kwargs):
    return Amendment(convention=cpo, year=year, number=year - 2023, **kwargs)


def test_a_cpo_lasts_four_years(ml_13):
    cpo = cpo_for(ml_13, start="2024-02-29")
    assert cpo.end_date == date(2028, 2, 28) and cpo.years == [2024, 2025, 2026, 2027]
    cpo.full_clean()
    cpo.end_date = date(2026, 12, 31)
    with pytest.raises(ValidationError, match="quatre ans"):
        cpo.full_clean()


def test_a_cpo_is_signed_by_the_state(ml_13):
    cpo = cpo_for(ml_13)
    cpo.funder = FunderFactory(departmental_council=True)
    with pytest.raises(ValidationError, match="signée par l'État"):
        cpo.full_clean()


def test_advance_is_at_most_half_and_balance_the_rest(cpo, dreets):
    a = amendment_set_budget(amendment=amendment(cpo, 2024), amounts=budget("1000000.01"), acting_user=dreets)
    payments = {p.kind: p.amount for p in a.payments.all()}
    assert payments == {PaymentKind.ADVANCE: D("500000.00"), PaymentKind.BALANCE: D("500000.01")}
    assert a.max_advance() == D("500000.00")  # rounded down: never more than 50 %


def test_payments_follow_signature_then_accounts(cpo, dreets):
    a = amendment_set_budget(amendment=amendment(cpo, 2024), amounts=budget("900000"), acting_user=dreets)
    advance = a.payments.get(kind=PaymentKind.ADVANCE)
    with pytest.raises(ValidationError, match="avant la signature"):
        payment_record(payment=advance, acting_user=dreets, paid_on=date(2024, 3, 1))
    amendment_sign(amendment=a, acting_user=dreets, signed_on=date(2024, 3, 1))
    payment_record(payment=advance, acting_user=dreets, paid_on=date(2024, 3, 15))
    balance = a.payments.get(kind=PaymentKind.BALANCE)
    with pytest.raises(ValidationError, match="après l'examen des bilans"):
        payment_record(payment=balance, acting_user=dreets, paid_on=date(2025, 7, 1))
    a.accounts_checked_on = date(2025, 6, 20)
    a.save()
    payment_record(payment=balance, acting_user=dreets, paid_on=date(2025, 7, 1))
    assert set(a.payments.values_list("status", flat=True)) == {PaymentStatus.PAID}
    assert advance.history.first().history_user == dreets


def test_an_advance_above_half_is_refused(cpo, dreets):
    a = amendment_set_budget(amendment=amendment(cpo, 2024), amounts=budget("800000"), acting_user=dreets)
    amendment_sign(amendment=a, acting_user=dreets, signed_on=date(2024, 3, 1))
    advance = a.payments.get(kind=PaymentKind.ADVANCE)
    advance.amount = D("400000.01")
    with pytest.raises(ValidationError, match="limitée à 50 %"):
        payment_record(payment=advance, acting_user=dreets, paid_on=date(2024, 3, 2))


def test_guardrail_room_is_computed_over_the_whole_cpo(cpo, dreets):
    # planned 1 M€ a year over the four budget years of the CPO
    assert cpo.years == [2024, 2025, 2026, 2027]
    g = cpo.guardrail()
    assert (g["planned"], g["room_up"], g["room_down"]) == (D("4000000.00"), D("400000.00"), D("400000.00"))
    amendment_set_budget(amendment=amendment(cpo, 2024), amounts=budget("1100000", "100000", "50000"),
                         acting_user=dreets)  # fmt: skip
    g = cpo.guardrail()
    assert g["adjustment"] == D("250000.00") and g["room_up"] == D("150000.00") and g["within"]


@pytest.mark.parametrize("socle,allowed", [("1400000", True), ("1400000.01", False), ("600000", True),
                                           ("599999.99", False)])  # fmt: skip
def test_guardrail_boundary(cpo, make_user, socle, allowed):
    director_of_state = make_user(Role.DEPARTMENTAL_STATE, department_code="13")
    action = lambda: amendment_set_budget(amendment=amendment(cpo, 2024), amounts=budget(socle),  # noqa: E731
                                          acting_user=director_of_state)  # fmt: skip
    if allowed:
        action()
    else:
        with pytest.raises(GuardrailExceeded, match="au-delà de ±10 %"):
            action()
        assert not Amendment.objects.exists(), "nothing saved"


def test_beyond_the_guardrail_needs_an_authorised_user_and_a_justification(cpo, dreets, make_user):
    ddets = make_user(Role.DEPARTMENTAL_STATE, department_code="13")
    with pytest.raises(GuardrailExceeded, match="Seuls la DGEFP ou la DREETS"):
        amendment_set_budget(amendment=amendment(cpo, 2024), amounts=budget("1500000"), acting_user=ddets,
                             justification="Nouvelle antenne")  # fmt: skip
    with pytest.raises(GuardrailExceeded, match="Écrivez la justification"):
        amendment_set_budget(amendment=amendment(cpo, 2024), amounts=budget("1500000"), acting_user=dreets)
    a = amendment_set_budget(amendment=amendment(cpo, 2024), amounts=budget("1500000"), acting_user=dreets,
                             justification="Ouverture d'une antenne en QPV décidée en dialogue de gestion")  # fmt: skip
    record = a.history.first()
    assert record.history_user == dreets and "antenne" in record.guardrail_justification
    assert cpo.guardrail()["within"] is False


def test_councils_and_missions_locales_cannot_touch_the_state_avenant(cpo, make_user, ml_13):
    for role in (Role.DEPARTMENTAL_COUNCIL, Role.ML_DIRECTOR, Role.REGIONAL_COUNCIL):
        user = make_user(role, department_code="13", mission_locale=ml_13)
        with pytest.raises(PermissionDenied):
            amendment_set_budget(amendment=amendment(cpo, 2024), amounts=budget("1000000"), acting_user=user)


def test_out_of_territory_dreets_cannot_touch_it(cpo, make_user):
    other = make_user(Role.REGIONAL_STATE, department_code="69")
    with pytest.raises(PermissionDenied):
        amendment_set_budget(amendment=amendment(cpo, 2024), amounts=budget("1000000"), acting_user=other)


def test_signing_turns_the_avenant_into_state_funding_lines(cpo, dreets):
    a = amendment_set_budget(amendment=amendment(cpo, 2025), amounts=budget("900000", "20000", "30000"),
                             acting_user=dreets)  # fmt: skip
    amendment_sign(amendment=a, acting_user=dreets, signed_on=date(2025, 3, 1))
    lines = {(fl.category, fl.theme): fl.amount for fl in FundingLine.objects.filter(year=2025)}
    assert lines == {("fonctionnement", ""): D("900000"), ("thematique", "parrainage"): D("20000"),
                     ("thematique", "fipj"): D("30000")}  # fmt: skip
    assert FundingLine.objects.first().funder == state_funder()
    with pytest.raises(ValidationError, match="signé ne change plus"):
        amendment_set_budget(amendment=a, amounts=budget("1"), acting_user=dreets)


def test_chorus_number_and_iban_are_checked(cpo, dreets):
    with pytest.raises(ValidationError):
        amendment_set_budget(amendment=amendment(cpo, 2024), amounts={"socle": (D("1"), "12AB")}, acting_user=dreets)
    assert validate_iban("FR76 3000 6000 0112 3456 7890 189") == "FR7630006000011234567890189"
    # a French IBAN whose IBAN check digits are right but whose clé RIB is wrong
    bban = "30006000011234567890188"
    check = 98 - int("".join(str(int(c, 36)) for c in bban + "FR00")) % 97
    with pytest.raises(ValidationError, match="clé RIB"):
        validate_iban(f"FR{check:02d}{bban}")
    a = amendment(cpo, 2026, iban="FR76 3000 6000 0112 3456 7890 188")
    with pytest.raises(ValidationError, match="IBAN"):
        a.full_clean()


def test_an_avenant_is_for_a_cpo_year(cpo, ml_13):
    with pytest.raises(ValidationError, match="pas couverte"):
        amendment(cpo, 2031).full_clean()
    council = FunderFactory(departmental_council=True)
    other = Convention.objects.create(kind=ConventionKind.ANNUAL, title="FAJ", funder=council, mission_locale=ml_13,
                                      start_date=date(2024, 1, 1), end_date=date(2024, 12, 31))  # fmt: skip
    with pytest.raises(ValidationError, match="porte sur une CPO"):
        Amendment(convention=other, year=2024, number=1).full_clean()
