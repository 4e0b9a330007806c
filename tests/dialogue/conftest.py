from decimal import Decimal

import pytest

from pilotage.core.roles import Role
from pilotage.dialogue.models import ManagementDialogue
from pilotage.dialogue.services import action_save, campaign_open, subsidy_propose, synthesis_save
from tests.factories import user_for_role
from tests.replay import replayed


@pytest.fixture
@replayed
def campaigns(network):
    """Campaigns 2024 of Provence-Alpes-Côte d'Azur (files of the 13's and the 83's Missions Locales) and of
    Auvergne-Rhône-Alpes (the 69's), opened by the DGEFP."""
    dgefp = user_for_role(Role.NATIONAL_ADMIN)
    c93 = campaign_open(region=network["region93"], year=2024, acting_user=dgefp)
    c84 = campaign_open(region=network["region84"], year=2024, acting_user=dgefp)
    files = {
        "d13": ManagementDialogue.objects.get(campaign=c93, mission_locale=network["ml13"]),
        "d83": ManagementDialogue.objects.get(campaign=c93, mission_locale=network["ml83"]),
        "d69": ManagementDialogue.objects.get(campaign=c84, mission_locale=network["ml69"]),
    }
    return {"c93": c93, "c84": c84, "dgefp": dgefp, **files}


def complete(dialogue, user):
    """What conclusion needs: a synthesis row, an action, a subsidy proposal."""
    from datetime import date

    synthesis_save(dialogue=dialogue, rows={"context": {"strengths": "Bonne couverture du territoire"}},
                   acting_user=user)  # fmt: skip
    action_save(dialogue=dialogue, acting_user=user, theme="pathway", title="Renforcer le diagnostic",
                owner="Direction", due_on=date(2025, 6, 30))  # fmt: skip
    subsidy_propose(dialogue=dialogue, amount=Decimal("1050000.00"), justification="Hausse de l'activité",
                    acting_user=user)  # fmt: skip
