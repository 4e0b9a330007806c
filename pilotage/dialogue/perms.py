"""Who may do what in a management dialogue (the business rules; visibility is `visible_to`)."""

import rules

from pilotage.core.roles import MISSION_LOCALE_ROLES, Role
from pilotage.indicators.perms import sets_targets
from pilotage.reference.models import MissionLocale


def _sees(user, dialogue) -> bool:
    return MissionLocale.objects.visible_to(user).filter(pk=dialogue.mission_locale_id).exists()


@rules.predicate
def leads_dialogue(user, dialogue=None) -> bool:
    """The State leads the dialogue: the DGEFP, the DREETS of the region and the DDETS of the department —
    the same services that record the negotiated targets (`indicators.perms.sets_targets`)."""
    return dialogue is not None and sets_targets(user, dialogue.mission_locale)


@rules.predicate
def is_the_mission_locale(user, dialogue=None) -> bool:
    return dialogue is not None and user.is_active and user.role in MISSION_LOCALE_ROLES and (
        user.mission_locale_id == dialogue.mission_locale_id
    )  # fmt: skip


@rules.predicate
def is_the_director(user, dialogue=None) -> bool:
    return is_the_mission_locale(user, dialogue) and user.role == Role.ML_DIRECTOR


@rules.predicate
def transmits_preparation(user, dialogue=None) -> bool:
    """The Mission Locale's director transmits its preparation, or the State opens the exchange (its team
    prepares but does not transmit)."""
    return is_the_director(user, dialogue) or leads_dialogue(user, dialogue)


@rules.predicate
def writes_answers(user, dialogue=None) -> bool:
    """The Mission Locale (director and team) prepares its part and the State completes it, while the file is
    open; a concluded file is read-only until it is reopened."""
    return dialogue is not None and dialogue.is_open and (is_the_mission_locale(user, dialogue)
                                                          or leads_dialogue(user, dialogue))  # fmt: skip


@rules.predicate
def writes_synthesis(user, dialogue=None) -> bool:
    """The synthesis table and the action plan are written together by the State and the Mission Locale's
    director, while the file is open."""
    return dialogue is not None and dialogue.is_open and (is_the_director(user, dialogue)
                                                          or leads_dialogue(user, dialogue))  # fmt: skip


@rules.predicate
def follows_action_plan(user, dialogue=None) -> bool:
    """The action plan is followed during the year: its actions' state and follow-up note stay writable
    after the conclusion, by the director and the State (the only exception to read-only)."""
    return dialogue is not None and (is_the_director(user, dialogue) or leads_dialogue(user, dialogue))


@rules.predicate
def proposes_subsidy(user, dialogue=None) -> bool:
    """The conclusive step's subsidy proposal and the negotiated targets are the State's, while open."""
    return dialogue is not None and dialogue.is_open and leads_dialogue(user, dialogue)


@rules.predicate
def opens_campaign(user, region=None) -> bool:
    """The DGEFP for any region, a DREETS for its own region."""
    if not user.is_active:
        return False
    if user.is_superuser or user.role == Role.NATIONAL_ADMIN:
        return True
    return user.role == Role.REGIONAL_STATE and (region is None or region.code in user.scope.region_codes)


@rules.predicate
def reopens_dialogue(user, dialogue=None) -> bool:
    """Reopening a concluded file is a decision of the DGEFP or the DREETS of the region, with a reason."""
    if dialogue is None or not user.is_active:
        return False
    if user.is_superuser or user.role == Role.NATIONAL_ADMIN:
        return True
    return user.role == Role.REGIONAL_STATE and _sees(user, dialogue)


rules.add_perm("dialogue.lead", leads_dialogue)
rules.add_perm("dialogue.write_answers", writes_answers)
rules.add_perm("dialogue.write_synthesis", writes_synthesis)
rules.add_perm("dialogue.follow_action_plan", follows_action_plan)
rules.add_perm("dialogue.propose_subsidy", proposes_subsidy)
rules.add_perm("dialogue.open_campaign", opens_campaign)
rules.add_perm("dialogue.reopen", reopens_dialogue)
