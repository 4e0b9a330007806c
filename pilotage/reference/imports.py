"""CSV/XLSX imports of the reference data: Missions Locales, funders, ARML.

Sources: the spreadsheets the DGEFP, the DREETS and the regions keep (one line per organisation), and this
platform's own export of the Missions Locales (its extra columns `region` and `actif` are accepted, so that
export → edit in a spreadsheet → import works). The columns of each kind are declared in `KINDS`; the import
page lists them.

Rules:
- every row is validated (each field, the duplicates inside the file, the SIRETs already held by another
  organisation, the model's own checks) before anything is written; one error and nothing is saved, and every
  problem is reported with its file, line, column, value and reason;
- a valid file is written in one transaction, as an upsert by key (structure code, region, or funder type and
  code/name), saving only the rows that changed: importing the same file again changes nothing and writes no
  history;
- a column present in the file is the truth, even empty (an empty cell blanks the field); a column absent from
  the file leaves the field as it is;
- each created or changed organisation gets exactly one history row (many-to-many included), with the acting
  user and the reason « Import <file> ».
"""

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from pilotage.core.tabular import Column, ImportReport, Row, parse_bool, read_file_bytes, read_rows
from pilotage.core.upsert import record_history
from pilotage.core.validators import compact_identifier, validate_siren, validate_siret
from pilotage.reference.imilo import CODE_PATTERN
from pilotage.reference.models import (
    Department,
    Funder,
    FunderType,
    LegalForm,
    MissionLocale,
    Region,
    RegionalAssociation,
)

if TYPE_CHECKING:  # the user model's base: reference stands below accounts (ARCHITECTURE.md)
    from django.contrib.auth.models import AbstractBaseUser

logger = logging.getLogger(__name__)

CONTACT_COLUMNS = {
    "adresse": "address",
    "code_postal": "postcode",
    "commune": "city",
    "president": "president",
    "directeur": "director",
    "courriel": "email",
    "telephone": "phone",
}
LIST_SEPARATORS = re.compile(r"[,|\s]+")
PHONE_PATTERN = re.compile(r"\+\d{6,15}|0\d{9}")
HISTORY_REASON_MAX_LENGTH = 100  # the history_change_reason column of django-simple-history
BATCH_SIZE = 500
MISSING = "valeur obligatoire manquante."


@dataclass
class References:
    """What the rows are checked against, loaded once per import (a few queries, whatever the file size)."""

    departments: dict[str, Department]
    regions: dict[str, Region]
    missions_locales: dict[str, MissionLocale]
    #: SIRET → (model, pk, how to name its holder in a message)
    siret_holders: dict[str, tuple[type[models.Model], int, str]]

    @classmethod
    def load(cls) -> "References":
        missions_locales = list(MissionLocale.objects.only("pk", "code", "name", "usual_name", "siret"))
        holders = {
            ml.siret: (MissionLocale, ml.pk, f"la Mission Locale « {ml} » ({ml.code})")
            for ml in missions_locales
            if ml.siret
        }
        for arml in RegionalAssociation.objects.exclude(siret=None).only("pk", "name", "acronym", "siret", "region"):
            holders[arml.siret] = (RegionalAssociation, arml.pk, f"l'ARML « {arml} » (région {arml.region_id})")
        return cls(
            departments={d.code: d for d in Department.objects.select_related("region")},
            regions={r.code: r for r in Region.objects.all()},
            missions_locales={ml.code: ml for ml in missions_locales},
            siret_holders=holders,
        )


@dataclass
class Parsed:
    """A row whose cells are valid: what finds its object, and what to write on it."""

    row: Row
    identity: tuple  # compared with `ImportKind.identity_of(existing object)`
    key: dict  # the fields a new object is created with
    key_column: str  # the column named when two rows have the same key
    key_label: str  # « même code structure »…
    values: dict  # field → value, only for the columns present in the file
    m2m: dict = field(default_factory=dict)  # field → list of related objects
    siret: str | None = None


class RowParser:
    """Reads the cells of one row, collecting every error (column, value, reason) instead of stopping."""

    def __init__(self, row: Row):
        self.row = row
        self.errors: list[tuple[str, str, str]] = []
        self.values: dict = {}

    def error(self, column: str, reason: str) -> None:
        self.errors.append((column, self.row[column], reason))

    def put(self, field_name: str, column: str, value) -> None:
        """Write `value` only if the file has `column`: an absent column leaves the field as it is."""
        if self.row.has(column):
            self.values[field_name] = value

    def text(self, column: str, *, required: bool = False, max_length: int | None = None) -> str:
        value = self.row[column]
        if required and not value:
            self.error(column, MISSING)
        elif max_length and len(value) > max_length:
            self.error(column, f"au plus {max_length} caractères ({len(value)} ici).")
        return value

    def choice(self, column: str, choices: type[models.TextChoices], *, required: bool = False) -> str:
        value = self.row[column].lower()
        if not value:
            if required:
                self.error(column, MISSING)
            return ""
        if value not in choices.values:
            self.error(column, f"valeur inconnue ; valeurs possibles : {', '.join(choices.values)}.")
            return ""
        return value

    def identifier(self, column: str, validator, *, required: bool = False) -> str | None:
        """A SIRET or SIREN, spaces (and dots, dashes) removed, checked with its Luhn key."""
        value = compact_identifier(self.row[column])
        if not value:
            if required:
                self.error(column, MISSING)
            return None
        try:
            return validator(value)
        except ValidationError as exc:
            self.error(column, _lower_first(exc.messages[0]))
            return None

    def department(self, column: str, departments: dict, *, required: bool = False) -> Department | None:
        code = self.row[column].upper()
        if not code:
            if required:
                self.error(column, MISSING)
            return None
        if code not in departments:
            self.error(column, _unknown_department(code))
            return None
        return departments[code]

    def department_list(self, column: str, departments: dict) -> list[Department]:
        found = []
        for code in LIST_SEPARATORS.split(self.row[column].upper()):
            if code and code not in departments:
                self.error(column, f"« {code} » : {_unknown_department(code)}")
            elif code and departments[code] not in found:
                found.append(departments[code])
        return found

    def region(self, column: str, regions: dict, *, required: bool = False) -> Region | None:
        code = self.row[column]
        if not code:
            if required:
                self.error(column, MISSING)
            return None
        if code not in regions:
            hint = f" (écrire 0{code} et non {code})" if re.fullmatch(r"\d", code) else ""
            self.error(
                column,
                f"code INSEE de région inconnu{hint} ; attendu l'une des 18 régions : {', '.join(sorted(regions))}.",
            )
            return None
        return regions[code]

    def postcode(self, column: str) -> str:
        value = self.row[column].replace(" ", "")
        if value and not re.fullmatch(r"\d{5}", value):
            hint = " (le zéro initial a-t-il disparu dans le tableur ?)" if re.fullmatch(r"\d{4}", value) else ""
            self.error(column, f"un code postal a cinq chiffres{hint}.")
        return value

    def phone(self, column: str) -> str:
        """Kept as typed; checked once spaces, dots and dashes are removed: 0 and 9 digits, or +international."""
        value = self.row[column]
        digits = re.sub(r"[\s.\-()\u00a0]", "", value)
        if value and not PHONE_PATTERN.fullmatch(digits):
            hint = " (le zéro initial a-t-il disparu dans le tableur ?)" if re.fullmatch(r"\d{9}", digits) else ""
            self.error(column, f"numéro de téléphone attendu : 10 chiffres commençant par 0, ou +33…{hint}.")
        return value

    def boolean(self, column: str) -> bool | None:
        value = self.row[column]
        if not value:
            return None
        try:
            return parse_bool(value)
        except ValueError as exc:
            self.error(column, str(exc))
            return None


def _lower_first(message: str) -> str:
    return message[:1].lower() + message[1:]


def _unknown_department(code: str) -> str:
    if re.fullmatch(r"\d", code):
        hint = f" (écrire 0{code} et non {code})"
    elif code == "20":
        hint = " (la Corse est 2A ou 2B)"
    else:
        hint = ""
    return (
        f"code INSEE de département inconnu{hint} ; attendu l'un des 101 départements"
        " (01 à 95 avec 2A et 2B, 971 à 974, 976)."
    )


def _contacts(parser: RowParser) -> None:
    for column, field_name in CONTACT_COLUMNS.items():
        if column == "code_postal":
            value = parser.postcode(column)
        elif column == "telephone":
            value = parser.phone(column)
        else:
            value = parser.text(column, max_length=255)  # the model's own length is checked by full_clean
        parser.put(field_name, column, value)


def _parse_mission_locale(parser: RowParser, refs: References) -> Parsed:
    code = parser.text("code_ml", required=True, max_length=20).upper()
    if code and not CODE_PATTERN.fullmatch(code):
        parser.error("code_ml", "code structure i-milo attendu : département, 3 chiffres, S, 2 chiffres (13201S00).")
    parser.put("name", "nom", parser.text("nom", required=True, max_length=200))
    parser.put("usual_name", "nom_usage", parser.text("nom_usage", max_length=200))
    siret = parser.identifier("siret", validate_siret)
    parser.put("siret", "siret", siret)
    parser.put("legal_form", "forme_juridique", parser.choice("forme_juridique", LegalForm))
    department = parser.department("departement", refs.departments, required=True)
    parser.put("department", "departement", department)
    covered = parser.department_list("departements_couverts", refs.departments)
    region_code = parser.row["region"]
    if department and region_code and region_code != department.region_id:
        parser.error(
            "region",
            f"le département {department.code} est dans la région {department.region.name} ({department.region_id})"
            " ; cette colonne n'est que vérifiée : corrigez-la ou retirez-la.",
        )
    active = parser.boolean("actif")
    if active is not None:  # an empty cell leaves the activity as it is
        parser.values["is_active"] = active
    _contacts(parser)
    m2m = {}
    if parser.row.has("departements_couverts"):
        m2m["departments_covered"] = [d for d in covered if d != department]
    return Parsed(parser.row, (code,), {"code": code}, "code_ml", "même code structure", parser.values, m2m, siret)


def _parse_arml(parser: RowParser, refs: References) -> Parsed:
    region = parser.region("region", refs.regions, required=True)
    parser.put("name", "nom", parser.text("nom", required=True, max_length=200))
    parser.put("acronym", "sigle", parser.text("sigle", max_length=100))
    siret = parser.identifier("siret", validate_siret)
    parser.put("siret", "siret", siret)
    parser.put("legal_form", "forme_juridique", parser.choice("forme_juridique", LegalForm) or LegalForm.ASSOCIATION)
    _contacts(parser)
    identity = (region.code if region else None,)
    return Parsed(parser.row, identity, {"region": region}, "region", "même région", parser.values, siret=siret)


def _parse_funder(parser: RowParser, refs: References) -> Parsed:
    funder_type = parser.choice("type", FunderType, required=True)
    name = parser.text("nom", required=True, max_length=200)
    siren = parser.identifier("siren", validate_siren)
    code, region, department = "", None, None
    if funder_type == FunderType.REGION:
        region = parser.region("code", refs.regions, required=True)
        code = region.code if region else ""
    elif funder_type == FunderType.DEPARTEMENT:
        department = parser.department("code", refs.departments, required=True)
        code, region = (department.code, department.region) if department else ("", None)
    elif funder_type == FunderType.COMMUNE_EPCI:
        code = parser.identifier("code", validate_siren, required=True) or ""
        if siren and code and siren != code:
            parser.error("siren", "différent du SIREN de la colonne « code » : laissez-le vide ou identique.")
        siren = code
        department = parser.department("departement", refs.departments, required=True)
    elif funder_type and parser.row["code"]:
        parser.error("code", "pas de code pour un financeur national : laissez la cellule vide.")
    other_department = parser.row["departement"] and parser.row["departement"].upper() != code
    if funder_type != FunderType.COMMUNE_EPCI and other_department:
        parser.error("departement", "ne sert qu'aux communes et EPCI (pour un conseil départemental : « code »).")
    parser.values.update(name=name, code=code)
    if funder_type in (FunderType.REGION, FunderType.DEPARTEMENT, FunderType.COMMUNE_EPCI):
        parser.values.update(region=region, department=department)  # no column for the others' territory
    if parser.row.has("siren") or funder_type == FunderType.COMMUNE_EPCI:
        parser.values["siren"] = siren or ""
    m2m = {}
    if parser.row.has("missions_locales"):
        codes = [c for c in LIST_SEPARATORS.split(parser.row["missions_locales"].upper()) if c]
        unknown = [c for c in codes if c not in refs.missions_locales]
        if unknown:
            parser.error("missions_locales", f"Mission(s) Locale(s) inconnue(s) : {', '.join(unknown)}.")
        m2m["missions_locales"] = list({refs.missions_locales[c] for c in codes if c in refs.missions_locales})
    # Territorial funders are found by their code (a renamed council stays the same funder), others by name.
    if code:
        return Parsed(
            parser.row, (funder_type, code), {"type": funder_type, "code": code}, "code", "même type et même code",
            parser.values, m2m,
        )  # fmt: skip
    return Parsed(
        parser.row, (funder_type, "", name), {"type": funder_type, "name": name}, "nom", "même type et même nom",
        parser.values, m2m,
    )  # fmt: skip


def _funder_identity(funder: Funder) -> tuple:
    return (funder.type, funder.code) if funder.code else (funder.type, "", funder.name)


@dataclass(frozen=True)
class ImportKind:
    name: str
    label: str
    model: type[models.Model]
    columns: tuple[Column, ...]
    parse: Callable[[RowParser, References], Parsed]
    identity_of: Callable[[models.Model], tuple]
    #: model field → file column, to name the column of the model's own validation errors
    column_of_field: dict[str, str]


CONTACT_COLUMN_SPECS = tuple(Column(name, required=False) for name in CONTACT_COLUMNS)
CONTACT_FIELD_COLUMNS = {field_name: column for column, field_name in CONTACT_COLUMNS.items()}

KINDS: dict[str, ImportKind] = {
    kind.name: kind
    for kind in (
        ImportKind(
            name="missions_locales",
            label="Missions Locales",
            model=MissionLocale,
            columns=(
                Column("code_ml"),
                Column("nom"),
                Column("nom_usage", required=False),
                Column("siret", required=False),
                Column("forme_juridique", required=False),
                Column("departement"),
                Column("departements_couverts", required=False),
                Column("region", required=False),
                *CONTACT_COLUMN_SPECS,
                Column("actif", required=False),
            ),
            parse=_parse_mission_locale,
            identity_of=lambda ml: (ml.code,),
            column_of_field={
                "code": "code_ml",
                "name": "nom",
                "usual_name": "nom_usage",
                "siret": "siret",
                "legal_form": "forme_juridique",
                "department": "departement",
                "departments_covered": "departements_couverts",
                "is_active": "actif",
                **CONTACT_FIELD_COLUMNS,
            },
        ),
        ImportKind(
            name="financeurs",
            label="Financeurs",
            model=Funder,
            columns=(
                Column("type"),
                Column("nom"),
                Column("code", required=False),
                Column("siren", required=False),
                Column("departement", required=False),
                Column("missions_locales", required=False),
            ),
            parse=_parse_funder,
            identity_of=_funder_identity,
            column_of_field={
                "type": "type",
                "name": "nom",
                "code": "code",
                "siren": "siren",
                "region": "code",
                "department": "departement",
                "missions_locales": "missions_locales",
            },
        ),
        ImportKind(
            name="arml",
            label="Associations régionales (ARML)",
            model=RegionalAssociation,
            columns=(
                Column("region"),
                Column("nom"),
                Column("sigle", required=False),
                Column("siret", required=False),
                Column("forme_juridique", required=False),
                *CONTACT_COLUMN_SPECS,
            ),
            parse=_parse_arml,
            identity_of=lambda arml: (arml.region_id,),
            column_of_field={
                "region": "region",
                "name": "nom",
                "acronym": "sigle",
                "siret": "siret",
                "legal_form": "forme_juridique",
                **CONTACT_FIELD_COLUMNS,
            },
        ),
    )
}


@dataclass
class Plan:
    """What a valid file would write."""

    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    updated_fields: set[str] = field(default_factory=set)
    m2m: list[tuple[models.Model, dict]] = field(default_factory=list)


def reference_import(
    *,
    kind: str,
    path_or_file: str | Path | BinaryIO,
    filename: str,
    acting_user: "AbstractBaseUser | None" = None,
    wet_run: bool = False,
) -> ImportReport:
    """Validate a reference-data file and, with `wet_run`, save it: all of it, or nothing if any row is wrong.

    `kind` is a key of `KINDS` (missions_locales, financeurs, arml); `filename` names the file in the messages.
    """
    if kind not in KINDS:
        raise ValueError(f"Type d'import inconnu : {kind} (attendu : {', '.join(KINDS)}).")
    spec = KINDS[kind]
    report = ImportReport(filename=filename, wet_run=wet_run)
    rows = read_rows(read_file_bytes(path_or_file), filename, spec.columns, report)
    if not report.ok:
        return report
    if not rows:
        report.add(None, None, None, "le fichier ne contient aucune ligne de données sous l'en-tête.")
        return report
    refs = References.load()
    parsed_rows = _parse_rows(spec, rows, refs, report)
    plan = _plan(spec, parsed_rows, refs, report)
    if not report.ok or not wet_run:
        return report
    reason = f"Import {filename}"[:HISTORY_REASON_MAX_LENGTH]
    try:
        _save(spec.model, plan, acting_user=acting_user, reason=reason)
    except IntegrityError:
        logger.exception("Reference import %s of %s failed at write time", kind, filename)
        report.add(
            None,
            None,
            None,
            "l'enregistrement a été refusé par la base (les données ont sans doute été modifiées pendant l'import) :"
            " rien n'a été enregistré, relancez l'import.",
        )
        return report
    report.saved = True
    return report


def _parse_rows(spec: ImportKind, rows: list[Row], refs: References, report: ImportReport) -> list[Parsed]:
    """Each row's cells, then the duplicates inside the file (reported on the second line, naming the first)."""
    parsed_rows = []
    first_by_identity: dict[tuple, int] = {}
    first_by_siret: dict[str, int] = {}
    for row in rows:
        parser = RowParser(row)
        parsed = spec.parse(parser, refs)
        if parser.errors:
            for column, value, reason in parser.errors:
                report.add(row.line, column, value, reason)
            continue
        duplicate = False
        if parsed.identity in first_by_identity:
            first = first_by_identity[parsed.identity]
            reason = f"doublon de la ligne {first} ({parsed.key_label})."
            report.add(row.line, parsed.key_column, row[parsed.key_column], reason)
            duplicate = True
        else:
            first_by_identity[parsed.identity] = row.line
        if parsed.siret and parsed.siret in first_by_siret:
            first = first_by_siret[parsed.siret]
            report.add(row.line, "siret", row["siret"], f"doublon de la ligne {first}, qui a le même SIRET.")
            duplicate = True
        elif parsed.siret:
            first_by_siret[parsed.siret] = row.line
        if not duplicate:
            parsed_rows.append(parsed)
    return parsed_rows


def _raw(instance: models.Model, name: str):
    """A field's stored value (the key for a relation), readable even before the relation is set."""
    return getattr(instance, instance._meta.get_field(name).attname)


def _siret_conflict(spec: ImportKind, parsed: Parsed, instance: models.Model, refs: References) -> str | None:
    holder = refs.siret_holders.get(parsed.siret) if parsed.siret else None
    if holder is None:
        return None
    model, pk, description = holder
    if model is spec.model and pk == instance.pk:
        return None
    if spec.model is RegionalAssociation and model is MissionLocale:
        return f"ce SIRET est celui de {description} : l'ARML ne peut pas être une Mission Locale."
    return f"ce SIRET est déjà celui de {description}."


def _plan(spec: ImportKind, parsed_rows: list[Parsed], refs: References, report: ImportReport) -> Plan:
    """Compare every row with the database (loaded once) and run the model's checks; count what would change."""
    m2m_names = [f.name for f in spec.model._meta.many_to_many]
    existing = {spec.identity_of(obj): obj for obj in spec.model.objects.prefetch_related(*m2m_names)}
    foreign_keys = [f.name for f in spec.model._meta.fields if f.is_relation]
    plan = Plan()
    for parsed in parsed_rows:
        row = parsed.row
        instance = existing.get(parsed.identity)
        is_new = instance is None
        if is_new:
            instance = spec.model(**parsed.key)
        before = {name: _raw(instance, name) for name in parsed.values}
        for name, value in parsed.values.items():
            setattr(instance, name, value)
        errors = []
        conflict = _siret_conflict(spec, parsed, instance, refs)
        if conflict:
            errors.append(("siret", row["siret"], conflict))
        try:
            # Relations, uniqueness and constraints are checked above against the preloaded data.
            instance.full_clean(exclude=foreign_keys, validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            for field_name, messages in exc.message_dict.items():
                if field_name == "siret" and conflict:
                    continue  # the model's clean() says the same thing
                column = spec.column_of_field.get(field_name)
                errors.extend((column, row[column] if column else None, _lower_first(m)) for m in messages)
        if errors:
            for column, value, reason in errors:
                report.add(row.line, column, value, reason)
            continue
        m2m_changes = {}
        for name, targets in parsed.m2m.items():
            current = set() if is_new else {related.pk for related in getattr(instance, name).all()}
            if {related.pk for related in targets} != current:
                m2m_changes[name] = targets
        changed = [name for name in parsed.values if before[name] != _raw(instance, name)]
        if is_new:
            report.created += 1
            plan.created.append(instance)
        elif changed or m2m_changes:
            report.updated += 1
            plan.updated.append(instance)
            plan.updated_fields.update(changed)
        else:
            report.unchanged += 1
        if m2m_changes:
            plan.m2m.append((instance, m2m_changes))
    return plan


def _save(model: type[models.Model], plan: Plan, *, acting_user, reason: str) -> None:
    """Write the plan in one transaction, then one history row per created or changed object."""
    auto_now = {f.name for f in model._meta.fields if getattr(f, "auto_now", False)}
    with transaction.atomic():
        model.objects.bulk_create(plan.created, batch_size=BATCH_SIZE)
        fields = plan.updated_fields | (auto_now if plan.updated else set())
        if fields:
            now = timezone.now()
            for instance in plan.updated:
                for name in auto_now:
                    setattr(instance, name, now)
            model.objects.bulk_update(plan.updated, fields=sorted(fields), batch_size=BATCH_SIZE)
        for instance, changes in plan.m2m:
            # django-simple-history would add a history row per relation change: the rows are written below.
            instance.skip_history_when_saving = True
            try:
                for name, targets in changes.items():
                    getattr(instance, name).set(targets)
            finally:
                del instance.skip_history_when_saving
        record_history(model, plan.created, update=False, acting_user=acting_user, reason=reason)
        record_history(model, plan.updated, update=True, acting_user=acting_user, reason=reason)
