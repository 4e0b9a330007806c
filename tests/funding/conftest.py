"""The funded network of the funding tests, and what each role must see of it (pages and API alike)."""

from datetime import date
from decimal import Decimal

import pytest

from pilotage.core.roles import Role
from pilotage.funding.models import Convention, ConventionKind, ConventionStatus, FundingLine
from tests.factories import cpo_for, state_funder
from tests.replay import replayed


@pytest.fixture
@replayed
def funded(network):
    """CPO for the 13's and the 69's Missions Locales; a departmental convention for each; one line each."""
    state = state_funder()
    objects = {"cpo13": cpo_for(network["ml13"]), "cpo69": cpo_for(network["ml69"])}
    for key, ml, council in (("cd13conv", "ml13", "cd13"), ("cd83conv", "ml83", "cd83")):
        objects[key] = Convention.objects.create(
            kind=ConventionKind.ANNUAL, title=f"FAJ {ml}", theme="faj", funder=network[council],
            mission_locale=network[ml], start_date=date(2025, 1, 1), end_date=date(2025, 12, 31),
            status=ConventionStatus.SIGNED, signed_on=date(2025, 1, 15),
        )  # fmt: skip
    for key, ml, funder, funder_type, code in (
        ("line13state", "ml13", state, "etat", ""),
        ("line13cd", "ml13", network["cd13"], "departement", "13"),
        ("line83cd", "ml83", network["cd83"], "departement", "83"),
        ("line69state", "ml69", state, "etat", ""),
    ):
        objects[key] = FundingLine.objects.create(
            mission_locale=network[ml], year=2024, funder_type=funder_type, funder_code=code, funder=funder,
            category="fonctionnement", amount=Decimal("1000"), source=key,
        )  # fmt: skip
    return objects


VISIBLE = {
    # role (user in the 13) → conventions and lines it sees
    Role.NATIONAL_ADMIN: {"cpo13", "cpo69", "cd13conv", "cd83conv", "line13state", "line13cd", "line83cd",
                          "line69state"},
    Role.NATIONAL_OBSERVER: {"cpo13", "cpo69", "cd13conv", "cd83conv", "line13state", "line13cd", "line83cd",
                             "line69state"},
    Role.REGIONAL_STATE: {"cpo13", "cd13conv", "cd83conv", "line13state", "line13cd", "line83cd"},
    Role.ARML: {"cpo13", "cd13conv", "cd83conv", "line13state", "line13cd", "line83cd"},
    Role.DEPARTMENTAL_STATE: {"cpo13", "cd13conv", "line13state", "line13cd"},
    Role.DEPARTMENTAL_COUNCIL: {"cd13conv", "line13cd"},  # its own lines and conventions only
    Role.REGIONAL_COUNCIL: set(),
    Role.MUNICIPALITY: set(),
    Role.ML_DIRECTOR: {"cpo13", "cd13conv", "line13state", "line13cd"},  # all of its own funding
    Role.ML_STAFF: {"cpo13", "cd13conv", "line13state", "line13cd"},
}  # fmt: skip
