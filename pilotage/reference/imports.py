"""CSV/XLSX imports of the reference data: Missions Locales, funders, ARML.

Every row is validated before anything is written; one bad row and nothing is saved (the report names the
file, line, column, value and reason of every problem). A valid file is written in one transaction, saving
only the rows that changed, so that importing the same file twice changes nothing.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from pilotage.core.tabular import Column, ImportReport, Row, read_file_bytes, read_rows
from pilotage.core.validators import compact_identifier
from pilotage.reference.models import (
    Department,
    Funder,
    FunderType,
    LegalForm,
    MissionLocale,
    Region,
    RegionalAssociation,
)

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


@dataclass
class Parsed:
    """A validated row: the key that finds its object, the field values, the many-to-many values."""

    row: Row
    key: dict
    values: dict
    m2m: dict = field(default_factory=dict)
    unique: dict = field(default_factory=dict)  # other unique fields, for in-file duplicates (e.g. SIRET)


class RowErrors(Exception):
    def __init__(self, errors: list[tuple[str, str, str]]):
        super().__init__(errors)
        self.errors = errors  # (column, value, reason)


class RowParser:
    """Collects the errors of one row while reading its cells."""

    def __init__(self, row: Row):
        self.row = row
        self.errors: list[tuple[str, str, str]] = []

    def text(self, column: str, *, required: bool = False, max_length: int | None = None) -> str:
        value = self.row[column]
        if required and not value:
            self.errors.append((column, value, "valeur obligatoire manquante."))
        elif max_length and len(value) > max_length:
            self.errors.append((column, value, f"au plus {max_length} caractères."))
        return value

    def choice(self, column: str, choices, *, required: bool = False) -> str:
        value = self.row[column].strip().lower()
        if not value:
            if required:
                self.errors.append((column, value, "valeur obligatoire manquante."))
            return ""
        if value not in choices.values:
            self.errors.append(
                (
                    column,
                    self.row[column],
                    f"valeur inconnue ; valeurs possibles : {', '.join(choices.values)}.",
                )
            )
        return value

    def identifier(self, column: str, validator, *, required: bool = False) -> str | None:
        raw = self.row[column]
        value = compact_identifier(raw)
        if not value:
            if required:
                self.errors.append((column, raw, "valeur obligatoire manquante."))
            return None
        try:
            validator(value)
        except ValidationError as exc:
            self.errors.append((column, raw, _lower_first(exc.messages[0])))
            return None
        return value

    def department(self, column: str, departments: dict, *, required: bool = False) -> Department | None:
        code = self.row[column].strip().upper()
        if not code:
            if required:
                self.errors.append((column, code, "valeur obligatoire manquante."))
            return None
        if code not in departments:
            self.errors.append((column, self.row[column], _unknown_department(code)))
            return None
        return departments[code]

    def departments(self, column: str, departments: dict) -> list[Department]:
        found = []
        for code in LIST_SEPARATORS.split(self.row[column].strip().upper()):
            if code and code not in departments:
                self.errors.append((column, self.row[column], _unknown_department(code)))
            elif code:
                found.append(departments[code])
        return found

    def region(self, column: str, regions: dict, *, required: bool = False) -> Region | None:
        code = self.row[column].strip()
        if not code:
            if required:
                self.errors.append((column, code, "valeur obligatoire manquante."))
            return None
        if code not in regions:
            self.errors.append((column, code, "code INSEE de région inconnu (18 régions, par ex. 93 ou 84)."))
            return None
        return regions[code]

    def postcode(self, column: str) -> str:
        value = self.row[column].replace(" ", "")
        if value and not re.fullmatch(r"\d{5}|2[AB]\d{3}", value):
            self.errors.append((column, self.row[column], "un code postal a cinq chiffres."))
        return value

    def done(self) -> None:
        if self.errors:
            raise RowErrors(self.errors)


def _lower_first(message: str) -> str:
    return message[:1].lower() + message[1:]


def _unknown_department(code: str) -> str:
    hint = " (écrire 01 et non 1)" if re.fullmatch(r"\d", code) else ""
    return f"code INSEE de département inconnu{hint} ; attendu l'un des 101 départements (01…95, 2A, 2B, 971…976)."


def _contacts(parser: RowParser) -> dict:
    values = {attr: parser.text(column, max_length=255) for column, attr in CONTACT_COLUMNS.items()}
    values["postcode"] = parser.postcode("code_postal")
    return values


@dataclass(frozen=True)
class ImportKind:
    name: str
    label: str
    model: type[models.Model]
    columns: tuple[Column, ...]
    parse: Callable[[RowParser, dict], Parsed]
    column_of_field: dict[str, str]
    m2m_columns: dict[str, str]


def _parse_mission_locale(parser: RowParser, refs: dict) -> Parsed:
    code = parser.text("code_ml", required=True, max_length=20).upper()
    values = {
        "name": parser.text("nom", required=True, max_length=200),
        "usual_name": parser.text("nom_usage", max_length=200),
        "siret": parser.identifier("siret", refs["validate_siret"]),
        "legal_form": parser.choice("forme_juridique", LegalForm),
        "department": parser.department("departement", refs["departments"], required=True),
        **_contacts(parser),
    }
    covered = parser.departments("departements_couverts", refs["departments"])
    parser.done()
    covered = [d for d in covered if d != values["department"]]
    return Parsed(
        parser.row,
        {"code": code},
        values,
        {"departments_covered": covered},
        {"siret": values["siret"]} if values["siret"] else {},
    )


def _parse_arml(parser: RowParser, refs: dict) -> Parsed:
    region = parser.region("region", refs["regions"], required=True)
    values = {
        "name": parser.text("nom", required=True, max_length=200),
        "acronym": parser.text("sigle", max_length=100),
        "siret": parser.identifier("siret", refs["validate_siret"]),
        "legal_form": parser.choice("forme_juridique", LegalForm) or LegalForm.ASSOCIATION,
        **_contacts(parser),
    }
    if values["siret"] and values["siret"] in refs["ml_sirets"]:
        parser.errors.append(
            (
                "siret",
                parser.row["siret"],
                "ce SIRET est celui d'une Mission Locale : l'ARML ne peut pas en être une.",
            )
        )
    parser.done()
    return Parsed(parser.row, {"region": region}, values, {}, {"siret": values["siret"]} if values["siret"] else {})


def _parse_funder(parser: RowParser, refs: dict) -> Parsed:
    funder_type = parser.choice("type", FunderType, required=True)
    name = parser.text("nom", required=True, max_length=200)
    code = parser.row["code"].strip()
    values = {"name": name, "region": None, "department": None, "siren": ""}
    if funder_type == FunderType.REGION:
        values["region"] = parser.region("code", refs["regions"], required=True)
    elif funder_type == FunderType.DEPARTEMENT:
        department = parser.department("code", refs["departments"], required=True)
        values["department"] = department
        values["region"] = department.region if department else None
    elif funder_type == FunderType.COMMUNE_EPCI:
        siren = parser.identifier("code", refs["validate_siren"], required=True)
        other = parser.identifier("siren", refs["validate_siren"])
        if siren and other and siren != other:
            parser.errors.append(("siren", parser.row["siren"], "différent du SIREN de la colonne « code »."))
        code = siren or code
        values["siren"] = siren or ""
        values["department"] = parser.department("departement", refs["departments"], required=True)
    else:
        values["siren"] = parser.identifier("siren", refs["validate_siren"]) or ""
        if code:
            parser.errors.append(("code", code, "pas de code pour ce type de financeur (national) : laisser vide."))
        code = ""
    ml_codes = [c for c in LIST_SEPARATORS.split(parser.row["missions_locales"].strip().upper()) if c]
    unknown = [c for c in ml_codes if c not in refs["ml_by_code"]]
    if unknown:
        parser.errors.append(
            (
                "missions_locales",
                parser.row["missions_locales"],
                f"Mission(s) Locale(s) inconnue(s) : {', '.join(unknown)}.",
            )
        )
    parser.done()
    key = {"type": funder_type, "code": code} if code else {"type": funder_type, "name": name}
    values["code"] = code
    m2m = {"missions_locales": [refs["ml_by_code"][c] for c in ml_codes]} if parser.row["missions_locales"] else {}
    return Parsed(parser.row, key, values, m2m)


#: fields read 1:1 from an optional column: left as they are when the file has no such column
OPTIONAL_PLAIN_FIELDS = {"usual_name", "siret", "legal_form", "acronym", *CONTACT_COLUMNS.values()}
CONTACT_FIELD_COLUMNS = {attr: column for column, attr in CONTACT_COLUMNS.items()}
CONTACT_COLUMN_SPECS = tuple(Column(name, required=False) for name in CONTACT_COLUMNS)

KINDS = {
    kind.name: kind
    for kind in (
        ImportKind(
            "missions_locales",
            "Missions Locales",
            MissionLocale,
            (
                Column("code_ml"),
                Column("nom"),
                Column("nom_usage", required=False),
                Column("siret", required=False),
                Column("forme_juridique", required=False),
                Column("departement"),
                Column("departements_couverts", required=False),
                *CONTACT_COLUMN_SPECS,
            ),
            _parse_mission_locale,
            {
                "code": "code_ml",
                "name": "nom",
                "usual_name": "nom_usage",
                "siret": "siret",
                "legal_form": "forme_juridique",
                "department": "departement",
                **CONTACT_FIELD_COLUMNS,
            },
            {"departments_covered": "departements_couverts"},
        ),
        ImportKind(
            "financeurs",
            "Financeurs",
            Funder,
            (
                Column("type"),
                Column("nom"),
                Column("code", required=False),
                Column("siren", required=False),
                Column("departement", required=False),
                Column("missions_locales", required=False),
            ),
            _parse_funder,
            {
                "type": "type",
                "name": "nom",
                "code": "code",
                "siren": "siren",
                "department": "departement",
                "region": "code",
            },
            {"missions_locales": "missions_locales"},
        ),
        ImportKind(
            "arml",
            "Associations régionales (ARML)",
            RegionalAssociation,
            (
                Column("region"),
                Column("nom"),
                Column("sigle", required=False),
                Column("siret", required=False),
                Column("forme_juridique", required=False),
                *CONTACT_COLUMN_SPECS,
            ),
            _parse_arml,
            {
                "region": "region",
                "name": "nom",
                "acronym": "sigle",
                "siret": "siret",
                "legal_form": "forme_juridique",
                **CONTACT_FIELD_COLUMNS,
            },
            {},
        ),
    )
}


def _references() -> dict:
    from pilotage.core.validators import validate_siren, validate_siret

    missions_locales = MissionLocale.objects.only("pk", "code", "siret")
    return {
        "departments": {d.code: d for d in Department.objects.select_related("region")},
        "regions": {r.code: r for r in Region.objects.all()},
        "ml_by_code": {ml.code: ml for ml in missions_locales},
        "ml_sirets": {ml.siret for ml in missions_locales if ml.siret},
        "validate_siret": validate_siret,
        "validate_siren": validate_siren,
    }


def _describe_key(key: dict) -> str:
    return ", ".join(f"{value}" for value in key.values())


def reference_import(
    *, kind: str, path_or_file, filename: str, acting_user=None, wet_run: bool = False
) -> ImportReport:
    """Validate (and with `wet_run`, save) a reference-data file. Never saves anything when a row is wrong."""
    spec = KINDS[kind]
    report = ImportReport(filename=filename, wet_run=wet_run)
    rows = read_rows(read_file_bytes(path_or_file), filename, spec.columns, report)
    if not report.ok:
        return report
    refs = _references()
    parsed_rows: list[Parsed] = []
    first_seen: dict[tuple, int] = {}
    for row in rows:
        parser = RowParser(row)
        try:
            parsed = spec.parse(parser, refs)
        except RowErrors as exc:
            for column, value, reason in exc.errors:
                report.add(row.line, column, value, reason)
            continue
        duplicate = False
        for name, value in [("key", tuple(sorted(parsed.key.items()))), *parsed.unique.items()]:
            marker = (name, value if name == "key" else str(value))
            if marker in first_seen:
                column = spec.column_of_field.get(name, next(iter(spec.column_of_field.values())))
                if name == "key":
                    column = spec.column_of_field.get(next(iter(parsed.key)), column)
                shown = _describe_key(parsed.key) if name == "key" else str(value)
                report.add(row.line, column, shown, f"doublon de la ligne {first_seen[marker]}.")
                duplicate = True
            else:
                first_seen[marker] = row.line
        if not duplicate:
            parsed_rows.append(parsed)
    _plan_and_save(spec, parsed_rows, report, acting_user=acting_user, wet_run=wet_run)
    return report


def _raw(instance, name: str):
    """A field's stored value (the key for a relation), readable even before the relation is set."""
    return getattr(instance, instance._meta.get_field(name).attname)


def _identity(spec: "ImportKind", obj) -> tuple:
    """What finds an object again from a file row: its code, its region, or its type and code (or name)."""
    if spec.model is MissionLocale:
        return (obj.code,)
    if spec.model is RegionalAssociation:
        return (obj.region_id,)
    return (obj.type, obj.code) if obj.code else (obj.type, "", obj.name)


def _plan_and_save(spec, parsed_rows, report, *, acting_user, wet_run) -> None:
    """Check every parsed row against the database (in a few queries), then save all of them or none."""
    m2m_names = list(spec.m2m_columns)
    existing = {_identity(spec, obj): obj for obj in spec.model.objects.prefetch_related(*m2m_names)}
    siret_owner = {}
    if any(f.name == "siret" for f in spec.model._meta.fields):
        siret_owner = {obj.siret: obj for obj in existing.values() if obj.siret}
    foreign_keys = [f.name for f in spec.model._meta.fields if f.is_relation]
    auto_now = [f.name for f in spec.model._meta.fields if getattr(f, "auto_now", False)]
    to_create, to_update, m2m_changes, changed_fields = [], [], [], set()
    for parsed in parsed_rows:
        # A column absent from the file leaves the field as it is: an import never blanks what it is not given.
        parsed.values = {
            name: value
            for name, value in parsed.values.items()
            if name not in OPTIONAL_PLAIN_FIELDS or spec.column_of_field[name] in parsed.row.values
        }
        parsed.m2m = {name: value for name, value in parsed.m2m.items() if spec.m2m_columns[name] in parsed.row.values}
        candidate = spec.model(**parsed.key)
        instance = existing.get(_identity(spec, candidate))
        is_new = instance is None
        if is_new:
            instance = candidate
        before = {name: _raw(instance, name) for name in parsed.values}
        for name, value in parsed.values.items():
            setattr(instance, name, value)
        errors_before = len(report.errors)
        siret = getattr(instance, "siret", None)
        owner = siret_owner.get(siret) if siret else None
        if owner is not None and owner is not instance:
            report.add(
                parsed.row.line, "siret", parsed.row["siret"], f"ce SIRET existe déjà : c'est celui de « {owner} »."
            )
        try:
            # Relations, uniqueness and constraints were checked above against preloaded data.
            instance.full_clean(exclude=foreign_keys, validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            for field_name, messages in exc.message_dict.items():
                column = spec.column_of_field.get(field_name)
                value = parsed.row[column] if column else None
                for message in messages:
                    report.add(parsed.row.line, column, value, _lower_first(message))
        if len(report.errors) > errors_before:
            continue
        current_m2m = {
            name: {t.pk for t in getattr(instance, name).all()} if not is_new else set() for name in parsed.m2m
        }
        m2m_changed = {
            name: targets for name, targets in parsed.m2m.items() if {t.pk for t in targets} != current_m2m[name]
        }
        changed = [name for name in parsed.values if before[name] != _raw(instance, name)]
        if is_new:
            report.created += 1
            to_create.append(instance)
        elif changed or m2m_changed:
            report.updated += 1
            if changed:
                to_update.append(instance)
                changed_fields.update(changed)
        else:
            report.unchanged += 1
        if m2m_changed:
            m2m_changes.append((instance, m2m_changed))
    if not report.ok or not wet_run:
        return
    reason = f"Import {report.filename}"
    with transaction.atomic():
        bulk_create_with_history(
            to_create, spec.model, batch_size=500, default_user=acting_user, default_change_reason=reason
        )
        if to_update:
            now = timezone.now()
            for instance in to_update:
                for name in auto_now:
                    setattr(instance, name, now)
            bulk_update_with_history(
                to_update,
                spec.model,
                fields=sorted(changed_fields | set(auto_now)),
                batch_size=500,
                default_user=acting_user,
                default_change_reason=reason,
            )
        for instance, changes in m2m_changes:
            instance._history_user = acting_user
            instance._change_reason = reason
            for name, targets in changes.items():
                getattr(instance, name).set(targets)
    report.saved = True
