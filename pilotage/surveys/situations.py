"""The four relationship situations of seed 002 part 5, derived for one Mission Locale from its answers to the
Mission Locale ↔ departmental council questionnaire and from its departmental funding (ADR 0009).

Pure Python: the page and the tests feed it answers and `Decimal` amounts per year.
"""

from collections.abc import Mapping, Sequence
from decimal import Decimal

from django.db import models

#: exchange themes of the questionnaire (its codes) whose frequency shows a working relation
EXCHANGE_THEMES = (
    "freq_ase_mna", "freq_faj", "freq_sante", "freq_handicap", "freq_obligation_formation", "freq_insertion",
    "freq_indicateurs", "freq_donnees_individuelles",
)  # fmt: skip
#: « regular » exchanges: at least every quarter
REGULAR_FREQUENCIES = frozenset({"trimestrielle", "mensuelle", "hebdomadaire"})
#: a working relation: joint events, or regular exchanges on at least this many themes
MIN_REGULAR_THEMES = 2
#: years of departmental funding read (the last one is the survey's `funding_year`)
FUNDING_YEARS = 3
#: significant funding: the department's share of all the Mission Locale's funding, in %, at least the national
#: mean share of departmental funding in the subsidies of the Missions Locales (seed 002 part 4: 4.2 %)
MIN_DEPARTMENTAL_SHARE = Decimal("4.2")


class Situation(models.IntegerChoices):
    NO_LINK = 1, "1 — Absence de liens structurés et de financements"
    SOLID_LOW_FUNDING = 2, "2 — Assise relationnelle solide, financement faible"
    FUNDING_NO_DYNAMICS = 3, "3 — Financement régulier sans dynamique partenariale"
    SOLID_COLLABORATION = 4, "4 — Collaboration solide"


def regular_themes(answers: Mapping) -> int:
    return sum(1 for code in EXCHANGE_THEMES if answers.get(code) in REGULAR_FREQUENCIES)


def relation_is_solid(answers: Mapping) -> bool:
    """A structured link (a convention with the council) and joint work (joint events, or exchanges at least
    quarterly on two themes or more)."""
    working = answers.get("evenements_conjoints") == "oui" or regular_themes(answers) >= MIN_REGULAR_THEMES
    return answers.get("convention") == "oui" and working


def funding_is_significant(departmental: Mapping[int, Decimal], total: Mapping[int, Decimal],
                           years: Sequence[int]) -> bool:  # fmt: skip
    """Regular (something every year of `years`) and not low (share of all its funding ≥ 4.2 %)."""
    if not years or any(departmental.get(year, Decimal(0)) <= 0 for year in years):
        return False
    given = sum((departmental.get(year, Decimal(0)) for year in years), Decimal(0))
    whole = sum((total.get(year, Decimal(0)) for year in years), Decimal(0))
    return whole > 0 and given * 100 / whole >= MIN_DEPARTMENTAL_SHARE


def situation_of(answers: Mapping, departmental: Mapping[int, Decimal], total: Mapping[int, Decimal],
                 years: Sequence[int]) -> Situation:  # fmt: skip
    solid = relation_is_solid(answers)
    funded = funding_is_significant(departmental, total, years)
    if solid:
        return Situation.SOLID_COLLABORATION if funded else Situation.SOLID_LOW_FUNDING
    return Situation.FUNDING_NO_DYNAMICS if funded else Situation.NO_LINK


def department_summary(situations: Mapping[str, list[Situation]]) -> dict[str, dict]:
    """Per department: count of each situation, the dominant one (ties: the lower number, the more worrying),
    and the share of « solid collaboration » in %."""
    summary = {}
    for code, items in sorted(situations.items()):
        counts = {s: items.count(s) for s in Situation}
        dominant = max(Situation, key=lambda s: (counts[s], -s.value)) if items else None
        share = (Decimal(counts[Situation.SOLID_COLLABORATION]) * 100 / len(items)) if items else None
        summary[code] = {"counts": counts, "total": len(items), "dominant": dominant, "solid_share": share}
    return summary
