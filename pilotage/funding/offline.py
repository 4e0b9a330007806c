"""The funding analysis from files only (no database): structures.csv + funding lines → JSON report."""

from dataclasses import dataclass, field
from pathlib import Path

from pilotage.core.tabular import Column, ImportReport, read_rows
from pilotage.core.validators import compact_identifier
from pilotage.funding.analysis import Amount, as_json, departmental_analysis
from pilotage.funding.lines import parse_funding_lines
from pilotage.reference.territories import cog_codes

STRUCTURE_COLUMNS = (Column("code_ml"), Column("nom"), Column("siret", required=False), Column("departement"))


@dataclass
class Structures:
    """The Missions Locales of the warehouse's structures.csv (cpo-indicators.md): each one's department, and
    the code of each one by its code or its SIRET (a funding line names a Mission Locale by either)."""

    department_of: dict[str, str] = field(default_factory=dict)  # code_ml → department code
    code_of: dict[str, str] = field(default_factory=dict)  # code_ml or SIRET → code_ml

    def resolve(self, code_or_siret: str) -> str | None:
        return self.code_of.get(code_or_siret)


def read_structures(path: Path, report: ImportReport) -> Structures:
    _, department_codes = cog_codes()
    structures = Structures()
    sirets = {}
    for row in read_rows(path.read_bytes(), path.name, STRUCTURE_COLUMNS, report):
        code, department = row["code_ml"].strip(), row["departement"].strip().upper()
        if not code:
            report.add(row.line, "code_ml", code, "valeur obligatoire manquante.")
        elif code in structures.department_of:
            report.add(row.line, "code_ml", code, "Mission Locale en double.")
        elif department not in department_codes:
            report.add(row.line, "departement", row["departement"], "code INSEE de département inconnu.")
        else:
            structures.department_of[code] = department
            structures.code_of[code] = code
            siret = compact_identifier(row["siret"])
            if siret in sirets:
                report.add(row.line, "siret", row["siret"], f"SIRET en double (déjà Mission Locale {sirets[siret]}).")
            elif siret:
                sirets[siret] = code
    structures.code_of.update(sirets)  # as on the platform, a SIRET is read as a SIRET first
    return structures


def funding_report_from_files(
    *, structures_path: Path, lines_path: Path, funder_type: str, first_year: int, last_year: int
) -> tuple[dict | None, list]:
    """(JSON report, issues): the report is None when any input is invalid."""
    structures_report = ImportReport(structures_path.name)
    structures = read_structures(structures_path, structures_report)
    lines_report = ImportReport(lines_path.name)
    lines = parse_funding_lines(
        lines_path.read_bytes(), lines_path.name, lines_report, resolve_mission_locale=structures.resolve
    )
    issues = structures_report.issues + lines_report.issues
    if issues:
        return None, issues
    # a line is keyed by its Mission Locale (duplicates are checked on it), then counted in its department
    department_of = structures.department_of
    amounts = [
        Amount(department_of[line.mission_locale], line.year, line.funder_type, line.category, line.amount)
        for line in lines
    ]
    report = departmental_analysis(
        amounts=amounts,
        departments=set(department_of.values()),
        funder_type=funder_type,
        first_year=first_year,
        last_year=last_year,
    )
    return as_json(report), []
