from pilotage.reference.models.organisations import (
    Funder,
    FunderType,
    LegalForm,
    MissionLocale,
    NationalBody,
    RegionalAssociation,
    StateService,
    StateServiceLevel,
)
from pilotage.reference.models.territories import Department, Region

__all__ = [
    "Department",
    "Funder",
    "FunderType",
    "LegalForm",
    "MissionLocale",
    "NationalBody",
    "Region",
    "RegionalAssociation",
    "StateService",
    "StateServiceLevel",
]
