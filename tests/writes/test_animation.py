"""Write matrix of the regional animation pages: every role × commenting, deleting an action, recording the
tripartite convention × the programme of its region (93) and of another region (84). Transitions have their own
table (tests/animation/test_workflow_table.py).

The rule (`animation.perms`): the ARML of the region (and the DGEFP) drafts; the ARML, the DREETS and the
regional council of the region (and the DGEFP) comment; the DREETS of the region (and the DGEFP) records the
tripartite convention — through `funding.services.convention_save`, whose own rule (ADR 0014) agrees. Refused:
a 404, the database unchanged.
"""

import pytest
from django.urls import reverse

from pilotage.animation.services import programme_transition
from pilotage.core.roles import Role
from pilotage.funding.models import Convention
from tests.animation.factories import arml_user, programme_for, regional_council
from tests.factories import state_funder, user_for_role
from tests.network import user_of
from tests.replay import replayed
from tests.writes.snapshot import assert_unchanged, database_snapshot

REGION = {Role.NATIONAL_ADMIN: {"93", "84"}}
COMMENTS = {**REGION, Role.ARML: {"93"}, Role.REGIONAL_STATE: {"93"}, Role.REGIONAL_COUNCIL: {"93"}}
DRAFTS = {**REGION, Role.ARML: {"93"}}
RECORDS_CONVENTION = {**REGION, Role.REGIONAL_STATE: {"93"}}


@pytest.fixture
@replayed
def programmes(network):
    state_funder()
    admin = user_for_role(Role.NATIONAL_ADMIN)
    objects = {}
    for code in ("93", "84"):
        regional_council(code)
        owner = arml_user(code)
        objects[f"draft{code}"] = programme_for(owner, year=2026)
        approved = programme_for(owner, year=2027)
        programme_transition(programme=approved, name="submit", acting_user=owner)
        programme_transition(programme=approved, name="approve", acting_user=admin)
        objects[f"approved{code}"] = approved
    return objects


@pytest.mark.parametrize("role", list(Role))
def test_comment_delete_an_action_and_record_the_convention(client, network, programmes, role):
    user = user_of(role, network)
    client.force_login(user)
    for code in ("93", "84"):
        draft, approved = programmes[f"draft{code}"], programmes[f"approved{code}"]
        action = draft.actions.get()
        before = database_snapshot("animation", "funding")
        comment = client.post(reverse("animation:comment", args=[draft.pk]), {"text": "Le calendrier est serré."})
        delete = client.post(reverse("animation:action_delete", args=[draft.pk, action.pk]))
        record = client.post(reverse("animation:convention_record", args=[approved.pk]),
                             {"reference": "2027-ARML", "signed_on": "2027-01-15"})  # fmt: skip
        allowed = (code in COMMENTS.get(role, ()), code in DRAFTS.get(role, ()), code in RECORDS_CONVENTION.get(
            role, ()))  # fmt: skip
        statuses = (comment.status_code, delete.status_code, record.status_code)
        assert statuses == tuple(302 if ok else 404 for ok in allowed), (role, code, statuses)
        assert draft.comments.filter(author=user).exists() == allowed[0], (role, code)
        assert draft.actions.filter(pk=action.pk).exists() != allowed[1], (role, code)
        approved.refresh_from_db()
        if allowed[2]:
            convention = Convention.objects.get(reference="2027-ARML", regional_association__region_id=code)
            assert approved.convention == convention and {h.history_user for h in convention.history.all()} == {user}
        if not any(allowed):
            assert_unchanged(before, (role, code))
