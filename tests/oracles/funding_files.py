"""Random valid funding files (funding-format.md) with a structures.csv, seeded.

Several Missions Locales per department (and departments with none of the lines); a Mission Locale named by
its code, its compact SIRET or its SIRET with spaces; every funder type with a valid code (INSEE region or
department, a SIREN whose Luhn key is right); themes in any case; amounts as French users type them
(`1 234,56`, `1234.56`, `1 234 €`, `1.234,56`, `0`) with ordinary, no-break and narrow no-break spaces;
CSV with `;` or `,` in UTF-8 (BOM or not) or Windows-1252 (which has no narrow no-break space), or XLSX
with amounts as text or numbers; years outside the analysed range too.
"""

import csv
import io
import random
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook

from pilotage.reference.territories import read_territories

HEADER = ["code_ml", "annee", "financeur_type", "financeur_code", "categorie", "theme", "montant"]
FUNDER_TYPES = ["etat", "region", "departement", "commune_epci", "fse", "france_travail", "autre"]
CATEGORIES = ["fonctionnement", "convention_nationale", "thematique", "autre"]
THEMES = ["faj", "ase", "mna", "brsa", "sante", "mobilite", "santé mentale"]
DEPARTMENTS = ["13", "83", "84", "04", "2A", "971", "75", "59"]


def luhn_complete(body: str) -> str:
    """`body` + the digit that makes the Luhn sum a multiple of 10 (SIREN, SIRET)."""
    for check in "0123456789":
        number = body + check
        total = sum(int(c) if i % 2 == 0 else sum(divmod(int(c) * 2, 10)) for i, c in enumerate(reversed(number)))
        if total % 10 == 0:
            return number
    raise AssertionError(body)


@dataclass
class FundingCase:
    structures: list[dict]  # code_ml, nom, siret, departement
    lines: list[dict]  # HEADER → text (or a number for XLSX cells)
    first_year: int
    last_year: int
    funder_type: str
    file_kind: str  # csv-utf8, csv-utf8-bom, csv-cp1252, xlsx
    separator: str


def _amount(rng: random.Random, allow_narrow: bool) -> tuple[str, int]:
    cents = rng.choice([0, rng.randint(1, 999) * 100, rng.randint(1, 5_000_000) * 100, rng.randint(1, 10**8)])
    euros, rest = divmod(cents, 100)
    space = rng.choice([" ", "\u00a0", "\u202f"] if allow_narrow else [" ", "\u00a0"])
    grouped = f"{euros:,}".replace(",", space)
    forms = [
        f"{euros},{rest:02d}",  # 1234,56
        f"{grouped},{rest:02d}",  # 1 234,56
        f"{euros}.{rest:02d}",  # 1234.56
        f"{grouped}.{rest:02d}",  # 1 234.56
        f"{euros:,}".replace(",", ".") + f",{rest:02d}",  # 1.234,56
    ]
    if rest == 0:
        forms += [f"{grouped} €", f"{euros}", f"{grouped}{space}€", f"{euros}€"]  # 1 234 €
    return rng.choice(forms), cents


def random_case(seed: int) -> FundingCase:
    rng = random.Random(seed)
    regions, departments = read_territories()
    region_codes = [r["code"] for r in regions]
    file_kind = rng.choice(["csv-utf8", "csv-utf8-bom", "csv-cp1252", "xlsx"])
    allow_narrow = file_kind != "csv-cp1252"
    structure_departments = rng.sample(DEPARTMENTS, rng.randint(1, 5))
    structures = []
    for i in range(rng.randint(2, 10)):
        siret = luhn_complete(f"9990{seed % 1000:03d}{i:06d}") if rng.random() < 0.7 else ""
        structures.append(
            {
                "code_ml": f"ML{i}",
                "nom": f"Mission Locale {i}",
                "siret": siret,
                "departement": rng.choice(structure_departments),
            }
        )
    first_year = rng.randint(2019, 2022)
    last_year = first_year + rng.choice([0, 1, 2, 2, 3])
    seen, lines = set(), []
    for _ in range(rng.randint(0, 80)):
        ml = rng.choice(structures)
        year = rng.randint(first_year - 1, last_year + 1)
        funder_type = rng.choice(FUNDER_TYPES + ["departement"] * 3)
        if funder_type == "region":
            code = rng.choice(region_codes)
        elif funder_type == "departement":  # often the Mission Locale's own department, not always
            code = rng.choice([ml["departement"], rng.choice(departments)["code"]])
        elif funder_type == "commune_epci":
            code = luhn_complete(f"2{rng.randint(0, 9999999):07d}")
        else:
            code = ""
        category = rng.choice(CATEGORIES)
        theme = rng.choice(THEMES) if category == "thematique" or (category == "autre" and rng.random() < 0.5) else ""
        key = (ml["code_ml"], year, funder_type, code.upper(), category, theme.lower())
        if key in seen:
            continue
        seen.add(key)
        text, cents = _amount(rng, allow_narrow)
        written_code = ml["code_ml"]
        if ml["siret"] and rng.random() < 0.4:
            s = ml["siret"]
            written_code = rng.choice([s, f"{s[:3]} {s[3:6]} {s[6:9]} {s[9:]}"])
        if funder_type == "commune_epci" and rng.random() < 0.3:
            code = f"{code[:3]} {code[3:6]} {code[6:]}"
        if funder_type == "departement" and rng.random() < 0.2:
            code = code.lower()
        line = {
            "code_ml": written_code,
            "annee": str(year),
            "financeur_type": funder_type,
            "financeur_code": code,
            "categorie": category,
            "theme": theme.upper() if rng.random() < 0.2 else theme,
            "montant": text,
        }
        if file_kind == "xlsx" and rng.random() < 0.4:
            line["montant"] = cents // 100 if cents % 100 == 0 else cents / 100  # a number cell
            line["annee"] = year
        lines.append(line)
    funder_type = rng.choice(["departement"] * 3 + FUNDER_TYPES)
    return FundingCase(structures, lines, first_year, last_year, funder_type, file_kind, rng.choice([";", ","]))


def write_case(case: FundingCase, folder: Path) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    structures = folder / "structures.csv"
    with structures.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, ["code_ml", "nom", "siret", "departement"], delimiter=";", lineterminator="\n")
        writer.writeheader()
        writer.writerows(case.structures)
    if case.file_kind == "xlsx":
        lines = folder / "lignes.xlsx"
        book = Workbook()
        sheet = book.active
        sheet.append(HEADER)
        for line in case.lines:
            sheet.append([line[c] for c in HEADER])
        book.save(lines)
    else:
        lines = folder / "lignes.csv"
        text = io.StringIO()
        writer = csv.writer(text, delimiter=case.separator, lineterminator="\r\n")
        writer.writerow(HEADER)
        writer.writerows([line[c] for c in HEADER] for line in case.lines)
        encoding = {"csv-utf8": "utf-8", "csv-utf8-bom": "utf-8-sig", "csv-cp1252": "cp1252"}[case.file_kind]
        lines.write_bytes(text.getvalue().encode(encoding))
    return structures, lines
