"""The history shown on a page (core/audit.py) reads many-to-many changes in one query per field: it must say
what simple-history's own `diff_against` says, pair of records by pair of records (the oracle)."""

from pilotage.core.audit import _display, _display_m2m, history_entries
from pilotage.core.roles import Role
from pilotage.reference.models import Department, LegalForm, MissionLocale
from pilotage.reference.services import mission_locale_update
from tests.factories import MissionLocaleFactory

EDITS = [
    {"departments_covered": ["83"]},
    {"phone": "04 91 00 00 01"},
    {"departments_covered": ["83", "84"], "legal_form": LegalForm.GIP},
    {"departments_covered": []},
    {"phone": "04 91 00 00 02", "departments_covered": ["84"]},
]


def _oracle(ml) -> list[list[tuple]]:
    """The changes of each history record against the one before, from `diff_against` itself."""
    records = list(ml.history.order_by("-history_date", "-history_id"))
    expected = []
    for record, previous in zip(records, [*records[1:], None], strict=True):
        changes = []
        if previous is not None and record.history_type == "~":
            for change in record.diff_against(previous).changes:
                field = MissionLocale._meta.get_field(change.field)
                if field.many_to_many:
                    old, new = _display_m2m(field, change.old), _display_m2m(field, change.new)
                else:
                    old, new = _display(previous, change.field), _display(record, change.field)
                changes.append((str(field.verbose_name), old, new))
        expected.append(changes)
    return expected


def test_history_changes_are_those_of_diff_against(make_user):
    user = make_user(Role.NATIONAL_ADMIN)
    ml = MissionLocaleFactory(department_id="13")
    for edit in EDITS:
        mission_locale_update(mission_locale=ml, changes=edit, acting_user=user)
    entries = history_entries(ml)
    shown = [[(c.field, c.old, c.new) for c in entry.changes] for entry in entries]
    assert shown == _oracle(ml)
    covered = str(MissionLocale._meta.get_field("departments_covered").verbose_name)
    assert any(field == covered for changes in shown for field, _, _ in changes)  # the m2m path was exercised
    assert (covered, "aucun", str(Department.objects.get(code="83"))) in [c for changes in shown for c in changes]
