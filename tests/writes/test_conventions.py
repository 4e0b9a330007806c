"""Write matrix of the conventions, their signed documents, avenants and payments: every role × every page
write × conventions in its department (13), in its region only (83), in another region (69), and the regional
conventions of the ARML (its region's, another region's).

The rule (`funding.perms.edits_convention`, issue 11, finding 2): the DGEFP writes any convention; DREETS and
DDETS the State's conventions of their territory — the ARML's regional (tripartite) convention is the DREETS',
never a DDETS'; a council or municipality the conventions it signs as main funder, for a beneficiary of its
territory; Missions Locales, the ARML and observers read only. A refused write is a 404 (or a French error on
the form) and changes nothing; a Mission Locale sees its own conventions only, not its ARML's.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pilotage.core.roles import Role
from pilotage.funding.models import Amendment, Convention, ConventionKind, ConventionStatus, PaymentKind
from pilotage.funding.services import amendment_set_budget, amendment_sign
from tests.factories import cpo_for, state_funder, user_for_role
from tests.funding.test_signed_documents import pdf_bytes
from tests.network import user_of
from tests.replay import replayed
from tests.writes.snapshot import assert_unchanged, database_snapshot

EDITS = {
    Role.NATIONAL_ADMIN: "all",
    Role.REGIONAL_STATE: {"cpo13", "cpo83", "arml93"},
    Role.DEPARTMENTAL_STATE: {"cpo13"},  # not the regional ARML convention (the probe's finding)
    Role.REGIONAL_COUNCIL: {"cr93_ml83"},
    Role.DEPARTMENTAL_COUNCIL: {"cd13_ml13"},  # not its own convention with a Mission Locale of the Rhône
    Role.MUNICIPALITY: {"epci13_ml13"},
    Role.ML_DIRECTOR: set(),
    Role.ML_STAFF: set(),
    Role.ARML: set(),
    Role.NATIONAL_OBSERVER: set(),
}
CPOS = ("cpo13", "cpo83", "cpo69")


def _annual(title, funder, *, ml=None, arml=None, co_funders=()):
    convention = Convention.objects.create(
        kind=ConventionKind.ANNUAL, title=title, funder=funder, mission_locale=ml, regional_association=arml,
        start_date=date(2025, 1, 1), end_date=date(2025, 12, 31), status=ConventionStatus.DRAFT,
    )  # fmt: skip
    convention.co_funders.set(co_funders)
    return convention


@pytest.fixture
@replayed
def conventions(network):
    """Three CPOs, each with a draft avenant (2024) and a signed one (2025) whose payments are planned; the
    ARML's tripartite conventions; councils' and a municipality's conventions (one out of the council's
    territory, recorded by the DGEFP)."""
    state = state_funder()
    admin = user_for_role(Role.NATIONAL_ADMIN)
    objects = {}
    for key in CPOS:
        cpo = cpo_for(network["ml" + key[3:]])
        amounts = {"socle": (Decimal("1000000"), "")}
        amendment_set_budget(amendment=Amendment(convention=cpo, year=2024, number=1), amounts=amounts,
                             acting_user=admin)  # fmt: skip
        signed = amendment_set_budget(amendment=Amendment(convention=cpo, year=2025, number=2), amounts=amounts,
                                      acting_user=admin)  # fmt: skip
        amendment_sign(amendment=signed, acting_user=admin, signed_on=date(2025, 2, 1))
        objects[key] = cpo
    objects["arml93"] = _annual("Animation régionale 93", state, arml=network["arml93"], co_funders=[network["cr93"]])
    objects["arml84"] = _annual("Animation régionale 84", state, arml=network["arml84"], co_funders=[network["cr84"]])
    objects["cr93_ml83"] = _annual("Région — ML 83", network["cr93"], ml=network["ml83"])
    objects["cd13_ml13"] = _annual("Département 13 — ML 13", network["cd13"], ml=network["ml13"])
    objects["cd13_ml69"] = _annual("Département 13 — ML 69", network["cd13"], ml=network["ml69"])
    objects["epci13_ml13"] = _annual("Métropole — ML 13", network["epci13"], ml=network["ml13"])
    return objects


def test_no_role_is_forgotten():
    assert set(EDITS) == set(Role)


def edits(role, key):
    return EDITS[role] == "all" or key in EDITS[role]


def form_data(convention, **changes):
    data = {
        "kind": convention.kind, "reference": convention.reference, "title": convention.title,
        "theme": convention.theme, "funder": convention.funder_id,
        "co_funders": [f.pk for f in convention.co_funders.all()],
        "mission_locale": convention.mission_locale_id or "",
        "regional_association": convention.regional_association_id or "",
        "start_date": convention.start_date.isoformat(), "end_date": convention.end_date.isoformat(),
        "status": convention.status, "signed_on": convention.signed_on.isoformat() if convention.signed_on else "",
        "planned_annual_amount": convention.planned_annual_amount or "",
    }  # fmt: skip
    return {**data, **changes}


KEYS = ("cpo13", "cpo83", "cpo69", "arml93", "arml84", "cr93_ml83", "cd13_ml13", "cd13_ml69", "epci13_ml13")


@pytest.mark.parametrize("role", list(Role))
def test_edit_and_add_a_signed_document(client, conventions, network, role, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    user = user_of(role, network)
    client.force_login(user)
    for key in KEYS:
        convention = conventions[key]
        before = database_snapshot("funding")
        edit = client.post(reverse("funding:convention_edit", args=[convention.pk]),
                           form_data(convention, title=f"{convention.title} (modifiée)"))  # fmt: skip
        upload = SimpleUploadedFile("signee.pdf", pdf_bytes())
        document = client.post(reverse("funding:convention_document_add", args=[convention.pk]),
                               {"label": "Convention signée", "file": upload})  # fmt: skip
        if edits(role, key):
            assert (edit.status_code, document.status_code) == (302, 302), (role, key)
            convention.refresh_from_db()
            assert convention.title.endswith("(modifiée)") and convention.history.first().history_user == user
            assert convention.documents.get().history.get().history_user == user
        else:
            assert (edit.status_code, document.status_code) == (404, 404), (role, key)
            assert_unchanged(before, (role, key))


def amendment_data(amendment, **changes):
    data = {"number": amendment.number, "year": amendment.year, "accounts_checked_on": "", "programme": "102",
            "action": "02", "sub_action": "02", "functional_domain": "0102-02-02", "iban": "", "bic": "",
            "bank_name": "Banque témoin", "guardrail_justification": "", "amount_socle": "1 000 000",
            "chorus_socle": ""}  # fmt: skip
    return {**data, **changes}


@pytest.mark.parametrize("role", list(Role))
def test_avenants_and_payments(client, conventions, network, role):
    user = user_of(role, network)
    client.force_login(user)
    for key in CPOS:
        cpo = conventions[key]
        draft, signed = cpo.amendments.get(year=2024), cpo.amendments.get(year=2025)
        advance = signed.payments.get(kind=PaymentKind.ADVANCE)
        before = database_snapshot("funding")
        responses = [
            client.post(reverse("funding:amendment_edit", args=[cpo.pk, draft.pk]), amendment_data(draft)),
            client.post(
                reverse("funding:amendment_create", args=[cpo.pk]), amendment_data(draft, number=3, year=2026)
            ),  # fmt: skip
            client.post(reverse("funding:amendment_sign", args=[cpo.pk, draft.pk]), {"signed_on": "2024-03-01"}),
            client.post(reverse("funding:payment_record", args=[cpo.pk, advance.pk]), {"paid_on": "2025-03-01"}),
        ]
        statuses = [r.status_code for r in responses]
        if edits(role, key):
            assert statuses == [302] * 4, (role, key, statuses)
            draft.refresh_from_db()
            advance.refresh_from_db()
            assert draft.bank_name == "Banque témoin" and draft.status == "signed" and advance.status == "paid"
            assert cpo.amendments.filter(year=2026).exists()
            assert draft.history.first().history_user == user and advance.history.first().history_user == user
        else:
            assert statuses == [404] * 4, (role, key, statuses)
            assert_unchanged(before, (role, key))


#: beneficiaries of a new convention in the user's own name → who may create it
CREATES = {
    Role.NATIONAL_ADMIN: {"ml13", "ml83", "ml69", "arml93", "arml84"},
    Role.REGIONAL_STATE: {"ml13", "ml83", "arml93"},
    Role.DEPARTMENTAL_STATE: {"ml13"},
    Role.REGIONAL_COUNCIL: {"ml13", "ml83", "arml93"},
    Role.DEPARTMENTAL_COUNCIL: {"ml13"},
    Role.MUNICIPALITY: {"ml13"},
}
BENEFICIARIES = ("ml13", "ml83", "ml69", "arml93", "arml84")


@pytest.mark.parametrize("role", list(Role))
def test_create(client, conventions, network, role):
    user = user_of(role, network)
    client.force_login(user)
    funder = user.funder or state_funder()
    for key in BENEFICIARIES:
        beneficiary = network[key]
        field = "mission_locale" if key.startswith("ml") else "regional_association"
        data = {"kind": "annual", "title": f"Nouvelle — {key}", "funder": funder.pk, field: beneficiary.pk,
                "start_date": "2026-01-01", "end_date": "2026-12-31", "status": "draft"}  # fmt: skip
        before = database_snapshot("funding")
        response = client.post(reverse("funding:convention_create"), data)
        if key in CREATES.get(role, ()):
            assert response.status_code == 302, (role, key, response.context and response.context["form"].errors)
            assert Convention.objects.get(title=f"Nouvelle — {key}").history.get().history_user == user
        elif role in CREATES:
            assert response.status_code == 200, (role, key)
            errors = response.context["form"].errors
            assert "Sélectionnez un choix valide" in str(errors.get(field)), (role, key, errors)
            assert_unchanged(before, (role, key))
        else:
            assert response.status_code == 404, (role, key)
            assert_unchanged(before, (role, key))


def test_the_service_refuses_what_a_form_would_let_through(conventions, network):
    """`convention_save` checks the convention as it would be saved, whatever the form offered."""
    from django.core.exceptions import PermissionDenied

    from pilotage.funding.forms import ConventionForm
    from pilotage.funding.services import convention_save

    ddets = user_of(Role.DEPARTMENTAL_STATE, network)
    admin = user_for_role(Role.NATIONAL_ADMIN)
    arml = conventions["arml93"]
    form = ConventionForm(data=form_data(arml, title="Changée par la DDETS"), instance=arml, user=admin)
    assert form.is_valid(), form.errors
    before = database_snapshot("funding")
    with pytest.raises(PermissionDenied):
        convention_save(convention=arml, data=form.cleaned_data, acting_user=ddets)
    assert_unchanged(before)
    cd13 = user_of(Role.DEPARTMENTAL_COUNCIL, network)
    own = conventions["cd13_ml13"]
    moved = ConventionForm(data=form_data(own, mission_locale=network["ml69"].pk), instance=own, user=admin)
    assert moved.is_valid(), moved.errors
    with pytest.raises(PermissionDenied, match="n'est pas de votre ressort"):
        convention_save(convention=own, data=moved.cleaned_data, acting_user=cd13)
    assert_unchanged(before)


@pytest.mark.parametrize("role", [Role.ML_DIRECTOR, Role.ML_STAFF])
def test_a_mission_locale_sees_its_own_conventions_only(client, conventions, network, role):
    client.force_login(user_of(role, network))
    arml = conventions["arml93"]
    assert client.get(reverse("funding:convention_detail", args=[arml.pk])).status_code == 404
    listing = client.get(reverse("funding:convention_list")).content.decode()
    assert arml.title not in listing and conventions["cpo13"].title in listing
    api = client.get("/api/v1/conventions/").json()
    assert {c["intitule"] for c in api["results"]} == {c.title for c in Convention.objects.filter(
        mission_locale=network["ml13"])}  # fmt: skip
