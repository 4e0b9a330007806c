"""Funding's published read side for other domains and the home page."""

from django.urls import reverse

from pilotage.core.todos import Todo, todo_of
from pilotage.funding.models import Amendment
from pilotage.funding.models.conventions import AmendmentStatus


def funding_todos(user) -> list[Todo]:
    """The avenants in preparation on conventions the user may edit (and so sign)."""
    drafts = (
        Amendment.objects.visible_to(user)
        .filter(status=AmendmentStatus.DRAFT)
        .select_related("convention", "convention__mission_locale")
    )
    mine = [a for a in drafts if user.has_perm("funding.change_convention", a.convention)]
    if not mine:
        return []
    return [
        todo_of("Financements", "Avenants en préparation à signer", mine, list_url=reverse("funding:convention_list"),
                url_of=lambda a: reverse("funding:convention_detail", args=[a.convention_id]))
    ]  # fmt: skip
