"""Who submits indicator data, and who reviews, approves and publishes it (visibility:
`Submission.objects.visible_to`)."""

import rules

from pilotage.accounts.models import Role


def submission_regions(user) -> set[str] | None:
    """The regions for which `user` may submit a warehouse export or a regional results file: None for any
    (DGEFP), the ARML's own region, nothing for everyone else."""
    if not user.is_active:
        return set()
    if user.is_superuser or user.role == Role.NATIONAL_ADMIN:
        return None
    if user.role == Role.ARML and user.regional_association_id:
        return {user.regional_association.region_id}
    return set()


def submits_own_results(user) -> bool:
    """A Mission Locale's direction sends its own aggregates (long format, its rows only)."""
    return user.is_active and user.role == Role.ML_DIRECTOR and bool(user.mission_locale_id)


def own_results_mission_locale(user):
    """The Mission Locale whose own aggregates `user` submits (its direction, submitting for no region), or None."""
    return user.mission_locale if submission_regions(user) == set() and submits_own_results(user) else None


def submits(user) -> bool:
    regions = submission_regions(user)
    return regions is None or bool(regions) or submits_own_results(user)


def _region_state(user, submission) -> bool:
    return user.role == Role.REGIONAL_STATE and user.state_service.region_id == submission.region_id


@rules.predicate
def approves(user, submission=None) -> bool:
    """The DREETS of the submission's region (and the DGEFP) review, approve, withdraw an approval, publish."""
    if submission is None or not user.is_active:
        return False
    return user.is_superuser or user.role == Role.NATIONAL_ADMIN or _region_state(user, submission)


@rules.predicate
def pre_approves(user, submission=None) -> bool:
    """A DDETS pre-approves its department's figures in a submission of its region."""
    if submission is None or not user.is_active or user.role != Role.DEPARTMENTAL_STATE:
        return False
    department = user.state_service.department
    return department is not None and department.region_id == submission.region_id


@rules.predicate
def reviews(user, submission=None) -> bool:
    """The quality review (marking a value « expliqué »): the DGEFP, the region's DREETS, its DDETS."""
    return approves(user, submission) or pre_approves(user, submission)


rules.add_perm("submissions.approve_submission", approves)
rules.add_perm("submissions.pre_approve_submission", pre_approves)
rules.add_perm("submissions.review_submission", reviews)
