"""What people type (issue 14, point 4): percentages as typed, French postcodes and phone numbers, amounts;
each refusal says what is expected."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from pilotage.core.forms import AmountField, PercentField, parse_percent
from pilotage.core.validators import validate_phone, validate_postcode

EXPECTED = "Saisissez un pourcentage entre 0 et 100, par exemple 45 (ou 45 %)."


@pytest.mark.parametrize(
    ("typed", "fraction"),
    [("45 %", "0.45"), ("45", "0.45"), ("0,45", "0.45"), ("45,5", "0.455"), ("45\u202f%", "0.45"),
     ("0,45 %", "0.0045"), ("100", "1"), ("0", "0"), ("1", "0.01"), ("12.5%", "0.125")],
)  # fmt: skip
def test_percentages_are_read_as_typed(typed, fraction):
    assert PercentField(required=False).clean(typed) == D(fraction)


def test_a_bare_number_below_one_is_a_fraction_a_sign_makes_it_a_percentage():
    assert parse_percent("0,45") == D("0.45") and parse_percent("0,45 %") == D("0.0045")


@pytest.mark.parametrize("typed", ["abc", "45 %%", "4,5,6", "150", "-5", "1 000"])
def test_a_bad_percentage_says_what_is_expected(typed):
    with pytest.raises(ValidationError) as exc:
        PercentField(required=False).clean(typed)
    assert exc.value.messages == [EXPECTED]


def test_a_rate_that_may_exceed_100_percent():
    field = PercentField(required=False, max_percent=None)
    assert field.clean("105 %") == D("1.05")
    with pytest.raises(ValidationError, match="Saisissez un pourcentage positif, par exemple 105"):
        field.clean("-3")


def test_a_percentage_is_shown_as_a_percentage_for_editing():
    assert PercentField().prepare_value(D("0.45")) == "45\u202f%"
    assert PercentField().prepare_value(D("0.4550")) == "45,5\u202f%"


@pytest.mark.parametrize("typed", ["douze", "-12", "12,345"])
def test_an_amount_error_says_what_is_expected(typed):
    with pytest.raises(ValidationError) as exc:
        AmountField(required=False).clean(typed)
    assert "Saisissez un montant" in exc.value.messages[0] and "par exemple" in exc.value.messages[0]


@pytest.mark.parametrize("postcode", ["13001", "20000", "97100", "98800", "01000", "75 001"])
def test_french_postcodes(postcode):
    assert validate_postcode(postcode) == postcode.replace(" ", "")


@pytest.mark.parametrize("postcode", ["ABCDE", "1300", "130011", "00100", "96000", "99000", ""])
def test_bad_postcodes(postcode):
    with pytest.raises(ValidationError, match="Saisissez un code postal français de cinq chiffres, par exemple 13001"):
        validate_postcode(postcode)


def test_a_postcode_that_lost_its_zero_says_so():
    with pytest.raises(ValidationError, match="le zéro initial a-t-il disparu"):
        validate_postcode("1000")


@pytest.mark.parametrize("phone", ["04 91 00 00 00", "04.91.00.00.00", "0491000000", "+33 4 91 00 00 00",
                                   "+33491000000", "+262 262 00 00 00", "06-12-34-56-78"])  # fmt: skip
def test_phones(phone):
    assert validate_phone(phone) == phone


@pytest.mark.parametrize("phone", ["abc", "04 91 00 00", "00 91 00 00 00 00", "+33 0 4 91 00 00 00", "491000000"])
def test_bad_phones(phone):
    with pytest.raises(ValidationError, match="Saisissez un numéro de téléphone de dix chiffres"):
        validate_phone(phone)


@pytest.mark.django_db
def test_the_mission_locale_form_refuses_a_bad_postcode_and_phone_next_to_their_fields():
    from pilotage.reference.forms import MissionLocaleForm
    from tests.factories import MissionLocaleFactory

    ml = MissionLocaleFactory(department_id="13")
    form = MissionLocaleForm(
        data={"postcode": "ABCDE", "phone": "abc"}, instance=ml, editable_fields={"postcode", "phone"}
    )
    assert not form.is_valid()
    assert form.errors["postcode"] == ["Saisissez un code postal français de cinq chiffres, par exemple 13001."]
    assert form.errors["phone"][0].startswith("Saisissez un numéro de téléphone de dix chiffres")
    form = MissionLocaleForm(
        data={"postcode": "13001", "phone": "04 91 00 00 00"}, instance=ml, editable_fields={"postcode", "phone"}
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["postcode"] == "13001"
