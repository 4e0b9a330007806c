import pytest

from pilotage.core.roles import Role
from pilotage.reference.models import Department, MissionLocale, Region


@pytest.mark.django_db
def test_territories_are_the_real_ones():
    assert Region.objects.count() == 18
    assert Department.objects.count() == 101
    assert Department.objects.get(code="2A").region.name == "Corse"
    assert Department.objects.get(code="976").name == "Mayotte"
    assert not Department.objects.filter(code="978").exists()  # Saint-Martin is not a department


def test_scopes_follow_the_territory(make_user, ml_13, ml_69, ml_83):
    council = make_user(Role.DEPARTMENTAL_COUNCIL, department_code="13")
    assert set(MissionLocale.objects.visible_to(council)) == {ml_13}
    dreets = make_user(Role.REGIONAL_STATE, department_code="13")
    assert set(MissionLocale.objects.visible_to(dreets)) == {ml_13, ml_83}
    director = make_user(Role.ML_DIRECTOR, mission_locale=ml_69)
    assert set(MissionLocale.objects.visible_to(director)) == {ml_69}
