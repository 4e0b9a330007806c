"""Import of the i-milo referential of structures (JSON), the real list of the Missions Locales.

Source and flaws: ../shared/data/README.md and reference/data/ORIGIN.md. Each entry is checked against the
Code officiel géographique; the flawed ones are reported (file, line, field, value, reason), never hidden:
- rejected: no department or region, a department that is not one of the 101 (Saint-Martin, 978, is a
  collectivité d'outre-mer), a duplicate or malformed structure code, an empty name;
- warned but imported: a temporary structure created for a merger (imported inactive), a region code that is
  not the region of the department, department/region names that do not match the COG once the
  « Structure départementale » / « Structure régionale » prefixes are removed.
By default one rejected entry refuses the whole file; `exclude_rejected` saves the valid entries and lists the
excluded ones. Only the fields the referential carries are written (code, official and usual names,
department); `is_active` is set at creation (a temporary structure is created inactive) and an update only
deactivates a structure that became temporary, never reactivating one deactivated by hand. Unchanged rows
are not saved, so a second run writes nothing and adds no history row.
"""

import json
import re
import unicodedata
from dataclasses import replace
from pathlib import Path

from django.db import transaction

from pilotage.core.tabular import ImportReport
from pilotage.core.upsert import BATCH_SIZE, bulk_update_touched, record_history
from pilotage.reference.models import Department, MissionLocale, Region

BUNDLED_FILE = Path(__file__).resolve().parent / "data" / "referentiel_structures_milo.json"
CODE_PATTERN = re.compile(r"^(?:[0-9]{2}|2A|2B)[0-9]{3}S[0-9]{2}$")
TEMPORARY_PATTERN = re.compile(r"temporaire|fusion", re.IGNORECASE)
PREFIXES = ("Structure départementale ", "Structure régionale ")


class UnreadableJson(ValueError):
    """The file is not a JSON list of objects; the message says where and why, in French."""

    def __init__(self, reason: str, line: int | None = None):
        super().__init__(reason)
        self.reason, self.line = reason, line


def _entries_with_lines(text: str) -> list[tuple[int, object]]:
    """Each element of the top-level JSON array with the line where it starts.

    The whole text is first parsed by the json module (so a syntax error is reported with its line and
    nothing else is read), then each element is located with `raw_decode`, which returns where it ends.
    """
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UnreadableJson(f"fichier JSON illisible : {exc.msg} (colonne {exc.colno}).", exc.lineno) from exc
    if not isinstance(document, list):
        raise UnreadableJson("le fichier doit contenir une liste JSON de structures ([{...}, ...]).", 1)
    decoder = json.JSONDecoder()
    position = text.index("[") + 1  # json.loads accepted a list: its first non-blank character is « [ »
    entries = []
    for _ in document:
        while text[position] in " \t\r\n,":
            position += 1
        value, end = decoder.raw_decode(text, position)
        entries.append((text.count("\n", 0, position) + 1, value))
        position = end
    return entries


def _text(entry: dict, key: str) -> str:
    """A field as stripped text: null or absent → "", a number → its digits (the check then applies)."""
    value = entry.get(key)
    return "" if value is None else str(value).strip()


def _normalise(name: str | None) -> str:
    name = name or ""
    for prefix in PREFIXES:
        name = name.removeprefix(prefix)
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", ascii_name.lower())


REASON = "Import référentiel i-milo"


def imilo_import(*, path=BUNDLED_FILE, acting_user=None, wet_run: bool = False, exclude_rejected: bool = False):
    """Check the i-milo file and, with `wet_run`, save it (all or nothing unless `exclude_rejected`)."""
    path = Path(path)
    report = ImportReport(filename=path.name, wet_run=wet_run, exclude_rejected=exclude_rejected)
    try:
        entries = _entries_with_lines(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        report.add(None, None, None, "fichier illisible : il doit être encodé en UTF-8.")
        return report
    except UnreadableJson as exc:
        report.add(exc.line, None, None, exc.reason)
        return report
    departments = {d.code: d for d in Department.objects.all()}
    regions = {r.code: r for r in Region.objects.all()}
    seen: dict[str, int] = {}
    valid = []
    for line, entry in entries:
        if not isinstance(entry, dict):
            report.add(line, None, None, "chaque élément doit être un objet JSON.")
            continue
        issues_before = len(report.issues)
        code, name = _text(entry, "id"), _text(entry, "nom_officiel")
        dep_code, region_code = _text(entry, "code_departement"), _text(entry, "code_region")
        if not code:
            report.add(line, "id", None, "code structure absent.")
        elif not CODE_PATTERN.match(code):
            report.add(line, "id", code, "code structure mal formé (attendu comme 13201S00).")
        elif code in seen:
            report.add(line, "id", code, f"code structure en double (déjà ligne {seen[code]}).")
        else:
            seen[code] = line
        if not name:
            report.add(line, "nom_officiel", None, f"la structure {code or 'sans code'} n'a pas de nom officiel.")
        if not dep_code:
            report.add(
                line,
                "code_departement",
                None,
                f"la structure {code or 'sans code'} ({name}) n'a pas de département : impossible de la situer.",
            )
        elif dep_code not in departments:
            report.add(
                line,
                "code_departement",
                dep_code,
                f"le département de la structure {code or 'sans code'} ({name}) n'est pas l'un des 101 "
                "départements du Code officiel géographique (collectivité d'outre-mer ou code inconnu).",
            )
        if not region_code:
            report.add(line, "code_region", None, f"la structure {code or 'sans code'} ({name}) n'a pas de région.")
        if len(report.issues) > issues_before:  # only errors so far: the entry is rejected
            if exclude_rejected:
                report.issues[issues_before:] = [
                    replace(issue, reason=f"{issue.reason} Structure écartée de l'import.")
                    for issue in report.issues[issues_before:]
                ]
            continue
        department = departments[dep_code]
        if region_code != department.region_id:
            report.add(
                line,
                "code_region",
                region_code,
                f"structure {code} : la région du département {dep_code} est {regions[department.region_id].name}"
                f" ({department.region_id}) ; la région du COG est retenue.",
                severity="warning",
            )
        if _normalise(_text(entry, "nom_departement")) != _normalise(department.name):
            report.add(
                line,
                "nom_departement",
                _text(entry, "nom_departement"),
                f"structure {code} : ne correspond pas au nom du COG « {department.name} » ; le COG est retenu.",
                severity="warning",
            )
        if region_code == department.region_id and _normalise(_text(entry, "nom_region")) != _normalise(
            regions[region_code].name
        ):
            report.add(
                line,
                "nom_region",
                _text(entry, "nom_region"),
                f"structure {code} : ne correspond pas au nom du COG « {regions[region_code].name} » ; "
                "le COG est retenu.",
                severity="warning",
            )
        temporary = bool(TEMPORARY_PATTERN.search(name))
        if temporary:
            report.add(
                line,
                "nom_officiel",
                name,
                f"structure {code} temporaire, créée pour une fusion : importée comme inactive.",
                severity="warning",
            )
        valid.append(
            {
                "code": code,
                "name": name,
                "usual_name": _text(entry, "nom_usuel"),
                "department": department,
                "is_active": not temporary,
            }
        )
    rejected = len(entries) - len(valid)
    if report.errors and not exclude_rejected:
        return report
    report.excluded = rejected
    existing = {ml.code: ml for ml in MissionLocale.objects.filter(code__in=[v["code"] for v in valid])}
    created, updated, updated_fields = [], [], set()
    for values in valid:
        ml = existing.get(values["code"])
        if ml is None:
            report.created += 1
            created.append(MissionLocale(**values))
            continue
        if values["is_active"]:
            del values["is_active"]  # never reactivate a structure deactivated by hand (closed, merged)
        changed = {k: v for k, v in values.items() if getattr(ml, k) != v}
        if changed:
            report.updated += 1
            for key, value in changed.items():
                setattr(ml, key, value)
            updated.append(ml)
            updated_fields |= changed.keys()
        else:
            report.unchanged += 1
    if wet_run:
        with transaction.atomic():  # in bulk, one history row per structure as `save()` would write
            MissionLocale.objects.bulk_create(created, batch_size=BATCH_SIZE)
            bulk_update_touched(MissionLocale, updated, updated_fields)
            record_history(MissionLocale, created, update=False, acting_user=acting_user, reason=REASON)
            record_history(MissionLocale, updated, update=True, acting_user=acting_user, reason=REASON)
        report.saved = True
    return report
