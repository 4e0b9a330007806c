"""An oracle of the departmental funding analysis: ../shared/funding-format.md in plain Python.

A test tool, not a product path: written from the format alone, sharing nothing with `pilotage.funding` but
the reading of files (csv, openpyxl). It takes valid files (the generator's) and gives the exact values, as
`Fraction`s; the report rounds amounts to the cent and percentages to 0.01 when written (ADR 0004), so the
comparison allows half of that. Where the format is silent, the choice of ADR 0004 is followed and said:
a tie for the peak goes to the earliest year.

`oracle_report(structures_csv, lines_file, funder_type, first_year, last_year)` → the report's JSON shape.
"""

import csv
import io
import statistics
from fractions import Fraction
from pathlib import Path

from openpyxl import load_workbook

CATEGORIES = ("fonctionnement", "convention_nationale", "thematique", "autre")
SPACES = (" ", "\u00a0", "\u202f")  # « ordinary, no-break or narrow no-break spaces »


def _decode(raw: bytes) -> str:
    """« UTF-8 with or without BOM, and Windows-1252 as French spreadsheets save it »."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252")


def read_table(path: Path) -> list[dict[str, str]]:
    """Rows as {column: text}: CSV (separator `;` or `,`, detected) or XLSX (first sheet, header first)."""
    if path.suffix.lower() == ".xlsx":
        book = load_workbook(path, read_only=True)
        rows = [["" if v is None else str(v) for v in row] for row in book.worksheets[0].iter_rows(values_only=True)]
        book.close()
    else:
        text = _decode(path.read_bytes())
        header = text.splitlines()[0]
        rows = list(csv.reader(io.StringIO(text), delimiter=";" if ";" in header else ","))
    header = [name.strip().lower() for name in rows[0]]
    return [dict(zip(header, (cell.strip() for cell in row), strict=False)) for row in rows[1:] if any(row)]


def amount(text: str) -> Fraction:
    """« 1 234,56, 1234.56, 1 234 €, 1.234,56 »: spaces and € dropped; with a comma, the comma is the decimal
    separator and dots group thousands; otherwise a dot is the decimal point."""
    for space in (*SPACES, "€"):
        text = text.replace(space, "")
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    return Fraction(text)


def digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def oracle_report(
    structures: Path, lines: Path, funder_type: str, first_year: int, last_year: int, averages_only=False
) -> dict:
    department_of, ml_of = {}, {}
    for row in read_table(structures):
        department_of[row["code_ml"]] = row["departement"].upper()
        ml_of[row["code_ml"]] = row["code_ml"]
        if row.get("siret"):
            ml_of[digits(row["siret"])] = row["code_ml"]
    years = list(range(first_year, last_year + 1))
    departments = sorted(set(department_of.values()))  # « every department that has at least one Mission Locale »
    # per category (and « total »), per department, per year: the sum of the amounts of that funder type
    amounts = {c: {d: dict.fromkeys(years, Fraction(0)) for d in departments} for c in (*CATEGORIES, "total")}
    every_funder = dict.fromkeys(years, Fraction(0))
    for row in read_table(lines):
        code = row["code_ml"]
        ml = ml_of.get(code) or ml_of.get(digits(code))  # « its code in the reference data, or its 14-digit SIRET »
        year = int(row["annee"])
        if year not in every_funder:
            continue
        value = amount(row["montant"])
        every_funder[year] += value
        if row["financeur_type"].strip().lower() == funder_type:
            department = department_of[ml]
            amounts[row["categorie"].strip().lower()][department][year] += value
            amounts["total"][department][year] += value

    def pct(new, old):
        return None if old == 0 else (new - old) / old * 100

    categories, pairs = {}, list(zip(years, years[1:], strict=False))  # each year and the next
    for category, per_department in amounts.items():
        # totaux[annee]: sum of the amounts
        totals = {y: sum(per_department[d][y] for d in departments) for y in years}
        # pic: the year with the greatest amount (ADR 0004: a tie goes to the earliest year)
        peak = max(totals.values())
        peak_year = min(y for y in years if totals[y] == peak)
        # a department's yearly average over Y1…Y2 (a year with nothing counts 0); mean and median of those
        averages = [sum(per_department[d].values()) / len(years) for d in departments]
        # stable: > 0 every year and moves by at most ±4.5 % from each year to the next
        stable = [
            d
            for d in departments
            if all(per_department[d][y] > 0 for y in years)
            and all(abs(pct(per_department[d][b], per_department[d][a])) <= Fraction(9, 2) for a, b in pairs)
        ]
        categories[category] = {
            "totaux": {str(y): totals[y] for y in years},
            "evolution_pct": pct(totals[last_year], totals[first_year]),
            "pic": {"annee": peak_year, "montant": peak},
            "moyenne_par_departement": sum(averages) / len(averages) if averages else None,
            "mediane_par_departement": statistics.median(averages) if averages else None,
            "departements_sans_financement": {
                str(y): sum(1 for d in departments if per_department[d][y] == 0) for y in years
            },
            "departements_stables": len(stable),
        }
    total = categories["total"]["totaux"]
    # not in the report's JSON: each department's yearly average of the funder type (the page's map and chart)
    department_averages = {d: sum(amounts["total"][d].values()) / len(years) for d in departments}
    return (
        department_averages
        if averages_only
        else {
            "financeur_type": funder_type,
            "annees": years,
            "categories": categories,
            # the funder type's total / the total of all funding lines of that year (every funder type) × 100
            "part_dans_total_subventions_pct": {
                str(y): None if every_funder[y] == 0 else total[str(y)] / every_funder[y] * 100 for y in years
            },
        }
    )


def report_differences(report: dict, oracle: dict, path: str = "") -> list[str]:
    """Every value of the written report against the exact one: integers and years equal, amounts within half a
    cent and percentages within 0.005 (the report's rounding), nulls equal."""
    problems = []
    if isinstance(oracle, dict):
        if not isinstance(report, dict) or set(report) != set(oracle):
            return [f"{path}: keys {sorted(report) if isinstance(report, dict) else report} ≠ {sorted(oracle)}"]
        for key in oracle:
            problems += report_differences(report[key], oracle[key], f"{path}/{key}")
    elif oracle is None or report is None:
        if oracle is not report:
            problems.append(f"{path}: report {report}, oracle {oracle}")
    elif isinstance(oracle, Fraction):
        if abs(Fraction(report) - oracle) > Fraction(1, 200) + Fraction(1, 10**9):
            problems.append(f"{path}: report {report}, oracle {float(oracle)}")
    elif report != oracle:
        problems.append(f"{path}: report {report!r}, oracle {oracle!r}")
    return problems
