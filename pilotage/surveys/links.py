"""The personal links of a survey's targets: a random token, of which only the SHA-256 is stored; a new link
replaces the previous one and is e-mailed to the target (shown or sent now, never again)."""

import secrets

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from pilotage.core.audit import save_audited
from pilotage.surveys.mail import send_invitation
from pilotage.surveys.models import Target, hash_token


def new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def answer_path(token: str) -> str:
    return reverse("surveys:answer", args=[token])


@transaction.atomic
def target_issue_link(*, target: Target, base_url: str, acting_user=None, reminder: bool = False) -> str:
    """A new personal link for `target` (the previous one stops working), e-mailed to it. Only the token's hash
    is kept, so the link is shown or sent now and never again."""
    token, token_hash = new_token()
    target.token_hash = token_hash
    now = timezone.now()
    if reminder:
        target.reminded_at, target.reminders = now, target.reminders + 1
    elif target.invited_at is None:
        target.invited_at = now
    save_audited(target, acting_user, "Relance" if reminder else "Lien personnel émis")
    link = f"{base_url}{answer_path(token)}"
    send_invitation(target=target, link=link, reminder=reminder)
    return link
