"""Funding's read side: for other domains and the home page (the tasks), and the departmental analysis as a user
reads it (the page, its JSON and exports)."""

from django.urls import reverse

from pilotage.core.todos import Todo, todo_of
from pilotage.funding.analysis import Amount, analysis_rows, departmental_analysis
from pilotage.funding.models import Amendment, FundingLine
from pilotage.funding.models.conventions import AmendmentStatus
from pilotage.reference.models import Department, MissionLocale


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


def analysis_for(user, *, funder_type: str, first_year: int, last_year: int) -> dict:
    """The departmental analysis (`analysis.departmental_analysis`, ADR 0004) of the funding lines `user` sees,
    over the departments of the active Missions Locales `user` sees: the same function as the offline
    `funding_report`, fed from the database."""
    lines = FundingLine.objects.visible_to(user).for_year_range(first_year, last_year)
    amounts = [
        Amount(department, year, line_funder_type, category, amount)
        for department, year, line_funder_type, category, amount in lines.values_list(
            "mission_locale__department_id", "year", "funder_type", "category", "amount"
        )
    ]
    departments = MissionLocale.objects.visible_to(user).active().values_list("department_id", flat=True)
    return departmental_analysis(amounts=amounts, departments=set(departments), funder_type=funder_type,
                                 first_year=first_year, last_year=last_year)  # fmt: skip


def analysis_table(report: dict) -> list[dict]:
    """The analysis as the exports' long table (`analysis.analysis_rows`), departments named."""
    names = dict(Department.objects.filter(code__in=report["par_departement"]).values_list("code", "name"))
    return analysis_rows(report, names)
