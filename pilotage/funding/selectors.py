"""Funding's read side: for other domains and the home page (the tasks), and what the funding pages show as a
user reads it: the totals of the last years, the funders' view of a territory, the departmental analysis (the
page, its JSON and exports)."""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.urls import reverse

from pilotage.core.todos import Todo, todo_of
from pilotage.funding.analysis import Amount, analysis_rows, departmental_analysis
from pilotage.funding.models import Amendment, Convention, FundingLine
from pilotage.funding.models.conventions import AmendmentStatus
from pilotage.reference.models import Department, FunderType, MissionLocale


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


def recent_totals(user, *, count: int = 5) -> tuple[list[int], list[tuple[str, list]]]:
    """The `count` last years with lines `user` sees (latest first) and, for each funder type with any, its label
    and its total of each of those years (None for a year without lines): the funding home page."""
    lines = FundingLine.objects.visible_to(user)
    years = sorted(set(lines.values_list("year", flat=True)), reverse=True)[:count]
    totals = defaultdict(dict)
    for funder_type, year, amount in lines.filter(year__in=years).totals_by("funder_type", "year"):
        totals[funder_type][year] = amount
    return years, [(FunderType(t).label, [totals[t].get(y) for y in years]) for t in FunderType.values if t in totals]


def funding_years(user, mission_locales) -> list[int]:
    """The years with lines `user` sees for these Missions Locales, in order."""
    lines = FundingLine.objects.visible_to(user).filter(mission_locale__in=mission_locales)
    return sorted(set(lines.values_list("year", flat=True)))


def funders_view(user, mission_locales: list, year: int) -> dict:
    """The conférence des financeurs of a territory for `year`, from the lines and conventions `user` sees: each
    Mission Locale's contribution of each funder type with its share, its total and its evolution since the year
    before, its conventions running in `year` by end date; the column totals. `types`: the funder types with an
    amount in `year`, by label."""
    lines = FundingLine.objects.visible_to(user).filter(mission_locale__in=mission_locales)
    amounts = defaultdict(Decimal)
    for ml_id, line_year, funder_type, total in lines.filter(year__in=[year - 1, year]).totals_by(
        "mission_locale", "year", "funder_type"
    ):
        amounts[(ml_id, line_year, funder_type)] = total
    types = [t for t in FunderType.values if any(amounts[(ml.pk, year, t)] for ml in mission_locales)]
    ends = defaultdict(list)
    for convention in Convention.objects.visible_to(user).filter(
        mission_locale__in=mission_locales, end_date__gte=date(year, 1, 1)
    ):
        ends[convention.mission_locale_id].append(convention)
    rows = []
    for ml in mission_locales:
        total = sum((amounts[(ml.pk, year, t)] for t in types), Decimal("0"))
        previous = sum((amounts[(ml.pk, year - 1, t)] for t in FunderType.values), Decimal("0"))
        cells = [(amounts[(ml.pk, year, t)], amounts[(ml.pk, year, t)] / total * 100 if total else None) for t in types]
        evolution = (total - previous) / previous * 100 if previous else None
        rows.append((ml, cells, total, evolution, sorted(ends[ml.pk], key=lambda c: c.end_date)))
    column_totals = [sum((amounts[(ml.pk, year, t)] for ml in mission_locales), Decimal("0")) for t in types]
    grand_total = sum(column_totals, Decimal("0"))
    return {
        "types": [FunderType(t).label for t in types],
        "rows": rows,
        "column_totals": [(t, t / grand_total * 100 if grand_total else None) for t in column_totals],
        "grand_total": grand_total,
    }
