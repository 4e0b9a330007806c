"""The departmental funding analysis of seed 002, part 4 (definitions: ../shared/funding-format.md).

Pure Python over Decimal amounts, with no database: the platform's page and the offline `funding_report`
command feed it the same way. Choices where the format is silent (docs/adr/0004-funding-analysis.md):
every category is reported even when empty; a tie for the peak goes to the earliest year; amounts are rounded
to the cent and percentages to 0.01 only when the report is written out (`as_json`).
"""

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from pilotage.funding.vocabulary import FundingCategory

CATEGORIES = tuple(FundingCategory.values)
TOTAL = "total"
STABILITY_PCT = Decimal("4.5")
ZERO = Decimal("0")


@dataclass(frozen=True)
class Amount:
    """One funding line reduced to what the analysis needs."""

    department: str
    year: int
    funder_type: str
    category: str
    amount: Decimal


def _pct(new: Decimal, old: Decimal) -> Decimal | None:
    return None if old == 0 else (new - old) / old * 100


def _category_report(per_department: dict[str, dict[int, Decimal]], departments: list[str], years: list[int]):
    totals = {year: sum((per_department[d][year] for d in per_department), ZERO) for year in years}
    peak_year = max(years, key=lambda year: (totals[year], -year))
    averages = [sum((per_department[d][y] for y in years), ZERO) / len(years) for d in departments]
    stable = 0
    for department in departments:
        amounts = [per_department[department][year] for year in years]
        if all(a > 0 for a in amounts) and all(
            abs(_pct(b, a)) <= STABILITY_PCT for a, b in zip(amounts, amounts[1:], strict=False)
        ):
            stable += 1
    return {
        "totaux": totals,
        "evolution_pct": _pct(totals[years[-1]], totals[years[0]]),
        "pic": {"annee": peak_year, "montant": totals[peak_year]},
        "moyenne_par_departement": sum(averages, ZERO) / len(averages) if averages else None,
        "mediane_par_departement": statistics.median(averages) if averages else None,
        "departements_sans_financement": {
            year: sum(1 for d in departments if per_department[d][year] == 0) for year in years
        },
        "departements_stables": stable,
    }


def departmental_analysis(
    *, amounts: Iterable[Amount], departments: Iterable[str], funder_type: str, first_year: int, last_year: int
) -> dict:
    """The analysis for one funder type over `first_year`…`last_year`.

    `departments`: every department that has at least one Mission Locale (those without funding count 0).
    Returns Decimal values, and `par_departement` (each department's yearly average, sorted by code) beside the
    figures of the format; `as_json` makes the JSON report of funding-format.md, `analysis_rows` the long table
    of the exports.
    """
    if first_year > last_year:
        raise ValueError("la première année doit précéder la dernière.")
    years = list(range(first_year, last_year + 1))
    departments = sorted(set(departments))
    by_category = {c: defaultdict(lambda: defaultdict(Decimal)) for c in (*CATEGORIES, TOTAL)}
    all_funders = defaultdict(Decimal)
    for line in amounts:
        if not first_year <= line.year <= last_year:
            continue
        all_funders[line.year] += line.amount
        if line.funder_type != funder_type:
            continue
        by_category[line.category][line.department][line.year] += line.amount
        by_category[TOTAL][line.department][line.year] += line.amount
    for per_department in by_category.values():
        for department in departments:
            per_department[department]  # noqa: B018  (departments without a line count 0)
    report = {
        "financeur_type": funder_type,
        "annees": years,
        "categories": {c: _category_report(by_category[c], departments, years) for c in (*CATEGORIES, TOTAL)},
        "part_dans_total_subventions_pct": {
            year: _pct_of(by_category[TOTAL], year, all_funders[year]) for year in years
        },
        "par_departement": _per_department(by_category[TOTAL], departments, years),
    }
    return report


def _per_department(per_department, departments: list[str], years: list[int]) -> dict[str, Decimal]:
    """Each department's yearly average of the funder type over the range (the page's distribution chart and
    map, the exports): as in funding-format.md, over every year of the range, a year with nothing counting 0."""
    return {d: sum((per_department[d][year] for year in years), ZERO) / len(years) for d in departments}


def _pct_of(per_department, year, whole: Decimal) -> Decimal | None:
    part = sum((amounts[year] for amounts in per_department.values()), ZERO)
    return None if whole == 0 else part / whole * 100


def _number(value, places: str):
    if value is None:
        return None
    return float(Decimal(value).quantize(Decimal(places)))


def as_json(report: dict) -> dict:
    """The JSON shape of funding-format.md: years as string keys, amounts to the cent, percentages to 0.01."""

    def category(data):
        return {
            "totaux": {str(y): _number(v, "0.01") for y, v in data["totaux"].items()},
            "evolution_pct": _number(data["evolution_pct"], "0.01"),
            "pic": {"annee": data["pic"]["annee"], "montant": _number(data["pic"]["montant"], "0.01")},
            "moyenne_par_departement": _number(data["moyenne_par_departement"], "0.01"),
            "mediane_par_departement": _number(data["mediane_par_departement"], "0.01"),
            "departements_sans_financement": {str(y): n for y, n in data["departements_sans_financement"].items()},
            "departements_stables": data["departements_stables"],
        }

    return {
        "financeur_type": report["financeur_type"],
        "annees": report["annees"],
        "categories": {name: category(data) for name, data in report["categories"].items()},
        "part_dans_total_subventions_pct": {
            str(y): _number(v, "0.01") for y, v in report["part_dans_total_subventions_pct"].items()
        },
    }


def analysis_rows(report: dict, department_names: dict[str, str]) -> list[dict]:
    """The report as a long table, one figure a row (funder_type, category, indicator, year, value, department,
    department_name), rounded as in the JSON: the analysis' CSV and XLSX exports."""
    data = as_json(report)
    funder_type = report["financeur_type"]
    rows = []

    def add(category, indicator, year, value, department=""):
        rows.append({"funder_type": funder_type, "category": category, "indicator": indicator, "year": year,
                     "value": value, "department": department,
                     "department_name": department_names.get(department, "")})  # fmt: skip

    for name, values in data["categories"].items():
        for year, amount in values["totaux"].items():
            add(name, "total", int(year), amount)
            add(name, "departements_sans_financement", int(year), values["departements_sans_financement"][year])
        for key in ("evolution_pct", "moyenne_par_departement", "mediane_par_departement", "departements_stables"):
            add(name, key, None, values[key])
        add(name, "pic", values["pic"]["annee"], values["pic"]["montant"])
    for year, share in data["part_dans_total_subventions_pct"].items():
        add(TOTAL, "part_dans_total_subventions_pct", int(year), share)
    for department, amount in sorted(report["par_departement"].items()):
        add(TOTAL, "moyenne_annuelle_departement", None, float(amount), department)
    return rows
