"""Reading funding lines (format: ../shared/funding-format.md), shared by the platform import and the
offline `funding_report` command. Every bad row is reported with file, line, column, value and reason."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from pilotage.core.tabular import Column, ImportReport, parse_amount, parse_year, read_rows
from pilotage.core.validators import compact_identifier, validate_siren
from pilotage.funding.vocabulary import FundingCategory
from pilotage.reference.models import FunderType
from pilotage.reference.territories import cog_codes

TERRITORIAL_TYPES = {"region", "departement", "commune_epci"}
COLUMNS = (
    Column("code_ml"),
    Column("annee"),
    Column("financeur_type"),
    Column("financeur_code", required=False),
    Column("categorie"),
    Column("theme", required=False),
    Column("montant"),
)
FIRST_YEAR, LAST_YEAR = 2000, 2100
#: what `FundingLine` stores: a theme of 50 characters, an amount of 12 digits before the cents
MAX_THEME_LENGTH = 50
MAX_AMOUNT = Decimal(10**12)


@dataclass(frozen=True)
class ParsedLine:
    line: int
    mission_locale: object  # what `resolve_mission_locale` returned: a code, a model instance…
    year: int
    funder_type: str
    funder_code: str
    category: str
    theme: str
    amount: Decimal

    @property
    def key(self) -> tuple:
        ml = getattr(self.mission_locale, "pk", self.mission_locale)
        return (ml, self.year, self.funder_type, self.funder_code, self.category, self.theme)


def parse_funding_lines(
    raw: bytes,
    filename: str,
    report: ImportReport,
    *,
    resolve_mission_locale: Callable[[str], object | None],
    check_funder: Callable[[str, str], str | None] | None = None,
) -> list[ParsedLine]:
    """Validated lines of a CSV/XLSX file; problems go into `report` (the caller saves nothing if any).

    `resolve_mission_locale(code_or_siret)` returns the Mission Locale (or its key), None if unknown.
    `check_funder(type, code)` may add a reason for an unknown funder (the platform checks its funders).
    """
    rows = read_rows(raw, filename, COLUMNS, report)
    return validate_funding_rows(rows, report, resolve_mission_locale=resolve_mission_locale, check_funder=check_funder)


def validate_funding_rows(rows, report: ImportReport, *, resolve_mission_locale, check_funder=None) -> list[ParsedLine]:
    """The checks of `parse_funding_lines` on rows already read (a file's, or the lines of an API push)."""
    region_codes, department_codes = cog_codes()
    funder_types, categories = FunderType.values, FundingCategory.values  # built afresh at each access of `.values`
    parsed, first_seen = [], {}
    for row in rows:
        errors = []

        def fail(column, reason, row=row, errors=errors):
            errors.append((column, row[column], reason))

        raw_ml = row["code_ml"].strip()
        ml = resolve_mission_locale(compact_identifier(raw_ml) if re.fullmatch(r"[\d\s.]{14,}", raw_ml) else raw_ml)
        if not raw_ml:
            fail("code_ml", "valeur obligatoire manquante.")
        elif ml is None:
            fail("code_ml", "Mission Locale inconnue (ni code structure ni SIRET du référentiel).")
        try:
            year = parse_year(row["annee"], FIRST_YEAR, LAST_YEAR)
        except ValueError as exc:
            fail("annee", str(exc))
            year = None
        funder_type = row["financeur_type"].strip().lower()
        code = row["financeur_code"].strip()
        if funder_type not in funder_types:
            fail("financeur_type", f"type inconnu ; valeurs possibles : {', '.join(funder_types)}.")
        elif funder_type == "region" and code not in region_codes:
            fail("financeur_code", "code INSEE de région inconnu (18 régions, par ex. 93).")
        elif funder_type == "departement" and code.upper() not in department_codes:
            fail("financeur_code", "code INSEE de département inconnu (01…95, 2A, 2B, 971…976).")
        elif funder_type == "commune_epci":
            code = compact_identifier(code)
            try:
                validate_siren(code)
            except Exception as exc:  # django ValidationError
                fail("financeur_code", exc.messages[0][:1].lower() + exc.messages[0][1:])
        elif funder_type not in TERRITORIAL_TYPES and code:
            fail("financeur_code", "pas de code pour ce type de financeur : laisser vide.")
        code = code.upper() if funder_type == "departement" else code
        if check_funder and not errors and funder_type in funder_types:
            reason = check_funder(funder_type, code)
            if reason:
                fail("financeur_code", reason)
        category = row["categorie"].strip().lower()
        theme = row["theme"].strip().lower()
        if category not in categories:
            fail("categorie", f"catégorie inconnue ; valeurs possibles : {', '.join(categories)}.")
        elif len(theme) > MAX_THEME_LENGTH:
            fail("theme", f"thème trop long ({MAX_THEME_LENGTH} caractères au plus).")
        elif category == "thematique" and not theme:
            fail("theme", "un financement thématique précise son thème (faj, ase, mna, brsa…).")
        elif category in {"fonctionnement", "convention_nationale"} and theme:
            fail("theme", "pas de thème pour cette catégorie (seulement thematique ou autre).")
        try:
            amount = parse_amount(row["montant"])
        except ValueError as exc:
            fail("montant", str(exc))
            amount = None
        if amount is not None and amount >= MAX_AMOUNT:
            fail("montant", "montant trop grand (moins de mille milliards d'euros).")
            amount = None
        if not errors:
            line = ParsedLine(row.line, ml, year, funder_type, code, category, theme, amount)
            if line.key in first_seen:
                fail("code_ml", f"ligne en double : même Mission Locale, année, financeur, catégorie et thème "
                                f"que la ligne {first_seen[line.key]}.")  # fmt: skip
            else:
                first_seen[line.key] = row.line
                parsed.append(line)
        for column, value, reason in errors:
            report.add(row.line, column, value, reason)
    return parsed
