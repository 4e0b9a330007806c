"""A declared workflow checked against its table: for each transition, each role × where the user sits (the
network of `tests/network.py`: the 13; the 83, same region; the 69, another region), may the user make it?

The table is the test's own declaration, read from the business rules; the check asks the engine's query
(`Workflow.available`), then applies the transition: a permitted one succeeds (and is rolled back), a refused
one raises `TransitionForbidden` and leaves the database unchanged."""

from django.db import transaction

from pilotage.core.roles import Role
from pilotage.core.workflow import TransitionForbidden, Workflow, transition_apply
from tests.factories import user_for_role

PLACES = ("13", "83", "69")
EVERYWHERE = frozenset(PLACES)
REGION_93 = frozenset({"13", "83"})
DEPARTMENT_13 = frozenset({"13"})


def users_by_place(network) -> dict[tuple[Role, str], object]:
    """One user of each role in each place; Mission Locale roles and municipalities belong to (or fund) the
    place's Mission Locale; the ARML is the region's."""
    return {
        (role, place): user_for_role(role, department_code=place, mission_locale=network[f"ml{place}"])
        for role in Role
        for place in PLACES
    }


class _Undo(Exception):
    pass


def _snapshot(workflow: Workflow, obj):
    row = workflow.model._default_manager.filter(pk=obj.pk).values(workflow.state_field).get()
    log = workflow.log_model._default_manager.filter(**{workflow.log_object_field: obj}).count()
    return row, log, obj.history.count()


def check_transition(workflow: Workflow, name: str, obj, users: dict, allowed: dict[Role, frozenset]):
    """`allowed`: role → the places from which that role may make the transition `name` on `obj` (a role not
    listed: nowhere). `obj` is in a source state of the transition, with its guards satisfied."""
    transition = workflow.get(name)
    reason = "Motif du test" if transition.needs_reason else ""
    table = {(role, place) for role, places in allowed.items() for place in places}
    for (role, place), user in users.items():
        expected = (role, place) in table
        offered = transition in workflow.available(user, obj)
        assert offered == expected, (name, role.value, place, "offered" if offered else "not offered")
        before = _snapshot(workflow, obj)
        if expected:
            try:
                with transaction.atomic():
                    move = transition_apply(obj=obj, transition=transition, user=user, reason=reason)
                    assert workflow.state_of(move.obj) == (transition.target or move.source)
                    assert (move.log.name, move.log.by) == (name, user)
                    raise _Undo
            except _Undo:
                pass
        else:
            try:
                transition_apply(obj=obj, transition=transition, user=user, reason=reason)
            except TransitionForbidden:
                pass
            else:
                raise AssertionError((name, role.value, place, "applied although refused"))
        assert _snapshot(workflow, obj) == before, (name, role.value, place)
