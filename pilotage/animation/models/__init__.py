from pilotage.animation.models.catalogue import ActionType, Mission, Objective
from pilotage.animation.models.programmes import (
    Achievement,
    ActionFunding,
    Comment,
    Milestone,
    Programme,
    ProgrammeAction,
    ProgrammeStatus,
    ProgrammeTransition,
    ResultIndicator,
)

__all__ = [
    "Achievement",
    "ActionFunding",
    "ActionType",
    "Comment",
    "Milestone",
    "Mission",
    "Objective",
    "Programme",
    "ProgrammeAction",
    "ProgrammeStatus",
    "ProgrammeTransition",
    "ResultIndicator",
]
