"""Build the demonstration platform: the real network (COG + i-milo) completed with fictitious values.

What is real: the 18 regions and 101 departments (COG), the 448 Missions Locales of the bundled i-milo
referential (its 2 flawed entries are excluded and reported), the names and real SIREN of a few
metropolitan EPCI (public bodies, `epci.json`). What is fictitious and deterministic:
- every Mission Locale's SIRET: `fake_siret(i)`, i = its rank by structure code (1-based), in the 999 range
  the INSEE has not allocated; the ARML take `fake_siret(1000 + rank of the region by code)`;
- its legal form: a GIP when `sha256(code) % 8 == 0` (about one in eight, as in the network), otherwise an
  association;
- its head office: a street from `STREETS` with a number, both chosen by hash, in the town read from the
  i-milo name (« 13-ML MARSEILLE » → Marseille; empty when the name has no such form);
- its president and director, the ARML presidents and the demo users: a first name from `FIRST_NAMES` and a
  last name from `LAST_NAMES` chosen by hash — never a real person.
Only empty fields are filled: a value typed by someone is never overwritten.

Idempotent: a second run saves nothing (no history row); only the demo passwords are (re)set when they differ
from the expected one.
"""

import hashlib
import json
import re
from dataclasses import dataclass

from django.contrib.auth.hashers import check_password, is_password_usable, make_password
from django.contrib.auth.password_validation import get_default_password_validators, validate_password
from django.db import transaction

from pilotage.accounts.models import ROLE_ORGANISATION, User
from pilotage.accounts.passwords import PasswordStrengthValidator, demo_password
from pilotage.core.identifiers import fake_siret
from pilotage.core.roles import Role
from pilotage.core.tabular import ImportReport
from pilotage.core.upsert import bulk_update_touched, record_history, upsert
from pilotage.reference.imilo import imilo_import
from pilotage.reference.models import (
    Department,
    Funder,
    FunderType,
    LegalForm,
    MissionLocale,
    NationalBody,
    Region,
    RegionalAssociation,
    StateService,
    StateServiceLevel,
)
from pilotage.reference.territories import DATA_DIR

REASON = "Données de démonstration"
DEMO_DOMAIN = "demo.pilotage.fr"
FIRST_NAMES = ["Camille", "Dominique", "Claude", "Alex", "Sacha", "Morgan", "Charlie", "Lou", "Noa", "Maxime",
               "Andrea", "Eden", "Jules", "Louise", "Paul", "Inès"]  # fmt: skip
LAST_NAMES = ["Exemple", "Démo", "Fictif", "Modèle", "Essai", "Témoin", "Prototype", "Maquette", "Brouillon",
              "Spécimen", "Échantillon", "Simulé"]  # fmt: skip
STREETS = ["rue de l'Exemple", "avenue de la Démonstration", "place du Modèle", "boulevard de l'Essai",
           "allée du Prototype", "chemin de la Maquette", "quai du Spécimen", "impasse du Témoin"]  # fmt: skip
#: EPCI funders of the demo (real SIREN) and the words that find their Missions Locales in their department
EPCI_PARTNERS = {
    "200054807": ("MARSEILLE", "AIX"),  # Métropole d'Aix-Marseille-Provence
    "248300543": ("TOULON",),  # Métropole Toulon-Provence-Méditerranée
    "200046977": ("LYON",),  # Métropole de Lyon
    "243300316": ("BORDEAUX",),  # Bordeaux Métropole
    "200093201": ("LILLE",),  # Métropole Européenne de Lille
}
#: the story told by the demo accounts: Marseille, its department, region and metropolis
STORY_DEPARTMENT, STORY_MISSION_LOCALE, STORY_EPCI = "13", "13201S00", "200054807"
OTHER_DEPARTMENT = "83"  # the Var: a departmental council that must not see the Bouches-du-Rhône
NAME_WITH_TOWN = re.compile(r"^(?:\d{2,3}|2A|2B)\s*[-–]\s*(?:ML|MLI|PAIO)[\s-]+(?P<town>.+)$", re.IGNORECASE)
SMALL_WORDS = {"sur", "sous", "de", "des", "du", "la", "le", "les", "et", "en", "l", "d", "aux", "au"}


def _hash(text: str) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest(), 16)


def fictitious_person(seed: str) -> str:
    """« First Last » from the fixed lists, chosen by a hash of `seed`."""
    value = _hash(seed)
    return f"{FIRST_NAMES[value % len(FIRST_NAMES)]} {LAST_NAMES[(value // 97) % len(LAST_NAMES)]}"


def legal_form_of(code: str) -> str:
    """About one Mission Locale in eight is a GIP (the rest associations), decided by a hash of its code."""
    return LegalForm.GIP if _hash(code) % 8 == 0 else LegalForm.ASSOCIATION


def fictitious_address(code: str) -> str:
    value = _hash(f"address-{code}")
    return f"{1 + value % 120} {STREETS[(value // 120) % len(STREETS)]}"


def city_of(name: str) -> str:
    """« 13-ML MARSEILLE » → « Marseille », « 62-ML BOULOGNE SUR MER » → « Boulogne sur Mer »; "" otherwise."""
    match = NAME_WITH_TOWN.match(name.strip())
    if not match:
        return ""
    words = re.split(r"(\W+)", match["town"].strip().lower())
    return "".join(
        word if index and word in SMALL_WORDS else word[:1].upper() + word[1:] for index, word in enumerate(words)
    )


@dataclass(frozen=True)
class DemoAccount:
    email: str
    role: Role
    organisation: object
    first_name: str
    last_name: str


@dataclass
class DemoSummary:
    report: ImportReport  # the i-milo import of the real network
    accounts: list[DemoAccount]
    password: str
    changed: int = 0  # organisations and users created or changed by this run (0 on a second run)


def demo_password_validators() -> list:
    """The project's password validators but the strength one: the demo password is published, and that
    validator refuses it on purpose (nobody may choose it for a real account). Length and common passwords
    still apply, so that a `DEMO_PASSWORD` like `azerty` refuses the whole load."""
    return [v for v in get_default_password_validators() if not isinstance(v, PasswordStrengthValidator)]


def _complete_missions_locales() -> int:
    """The empty fields of every Mission Locale filled, in bulk (one history row per changed structure)."""
    changed, fields = [], set()
    for rank, ml in enumerate(MissionLocale.objects.order_by("code"), start=1):
        values = {
            "siret": ml.siret or fake_siret(rank),
            "legal_form": ml.legal_form or legal_form_of(ml.code),
            "address": ml.address or fictitious_address(ml.code),
            "city": ml.city or city_of(ml.name),
            "president": ml.president or fictitious_person(f"president-{ml.code}"),
            "director": ml.director or fictitious_person(f"director-{ml.code}"),
        }
        differing = {name: value for name, value in values.items() if getattr(ml, name) != value}
        if differing:
            for name, value in differing.items():
                setattr(ml, name, value)
            changed.append(ml)
            fields |= differing.keys()
    bulk_update_touched(MissionLocale, changed, fields)
    record_history(MissionLocale, changed, update=True, acting_user=None, reason=REASON)
    return len(changed)


def _organisations() -> int:
    changed = 0

    def save(model, lookup, values):
        nonlocal changed
        obj, _, has_changed = upsert(model, lookup=lookup, values=values, reason=REASON)
        changed += has_changed
        return obj

    dgefp = save(
        StateService,
        {"level": StateServiceLevel.NATIONAL},
        {"name": "Délégation générale à l'emploi et à la formation professionnelle (DGEFP)"},
    )
    save(Funder, {"type": FunderType.ETAT, "code": "", "name": "État"}, {"state_service": dgefp})
    for rank, region in enumerate(Region.objects.order_by("code")):
        arml = RegionalAssociation.objects.filter(region=region).first()
        save(
            RegionalAssociation,
            {"region": region},
            {
                "name": f"Association régionale des Missions Locales {region.name}",
                "acronym": f"ARML {region.name}",
                "siret": (arml and arml.siret) or fake_siret(1000 + rank),
                "president": (arml and arml.president) or fictitious_person(f"arml-{region.code}"),
            },
        )
        save(StateService, {"level": StateServiceLevel.REGIONAL, "region": region}, {"name": f"DREETS {region.name}"})
        save(
            Funder,
            {"type": FunderType.REGION, "code": region.code},
            {"name": f"Région {region.name}", "region": region},
        )
    for department in Department.objects.select_related("region").order_by("code"):
        save(
            StateService,
            {"level": StateServiceLevel.DEPARTMENTAL, "department": department},
            {"name": f"DDETS {department.name}"},
        )
        save(
            Funder,
            {"type": FunderType.DEPARTEMENT, "code": department.code},
            {
                "name": f"Conseil départemental ({department.name})",
                "department": department,
                "region": department.region,
            },
        )
    save(Funder, {"type": FunderType.FRANCE_TRAVAIL, "code": "", "name": "France Travail"}, {})
    save(Funder, {"type": FunderType.FSE, "code": "", "name": "Fonds social européen (FSE+)"}, {})
    save(NationalBody, {"acronym": "UNML"}, {"name": "Union nationale des Missions Locales"})
    epcis = {row["siren"]: row for row in json.loads((DATA_DIR / "epci.json").read_text(encoding="utf-8"))["epci"]}
    for siren, words in EPCI_PARTNERS.items():
        row = epcis[siren]
        department = Department.objects.select_related("region").get(code=row["departement"])
        funder = save(
            Funder,
            {"type": FunderType.COMMUNE_EPCI, "code": siren},
            {"name": row["nom"], "siren": siren, "department": department, "region": department.region},
        )
        partners = {
            ml.pk
            for ml in MissionLocale.objects.for_department(department.code)
            if any(word in ml.name.upper() for word in words)
        }
        if set(funder.missions_locales.values_list("pk", flat=True)) != partners:
            funder._change_reason = REASON
            funder.missions_locales.set(partners)
            changed += 1
    return changed


def demo_accounts() -> list[DemoAccount]:
    """One account per role, all around Marseille, plus the Var's departmental council to show isolation."""
    department = Department.objects.get(code=STORY_DEPARTMENT)
    region = department.region
    ml = MissionLocale.objects.get(code=STORY_MISSION_LOCALE)
    rows = [
        ("dgefp", Role.NATIONAL_ADMIN, StateService.objects.get(level=StateServiceLevel.NATIONAL)),
        ("dreets", Role.REGIONAL_STATE, StateService.objects.get(region=region)),
        ("ddets", Role.DEPARTMENTAL_STATE, StateService.objects.get(department=department)),
        ("region", Role.REGIONAL_COUNCIL, Funder.objects.get(type=FunderType.REGION, code=region.code)),
        (
            "departement",
            Role.DEPARTMENTAL_COUNCIL,
            Funder.objects.get(type=FunderType.DEPARTEMENT, code=department.code),
        ),
        (
            f"departement{OTHER_DEPARTMENT}",
            Role.DEPARTMENTAL_COUNCIL,
            Funder.objects.get(type=FunderType.DEPARTEMENT, code=OTHER_DEPARTMENT),
        ),
        ("epci", Role.MUNICIPALITY, Funder.objects.get(type=FunderType.COMMUNE_EPCI, code=STORY_EPCI)),
        ("direction.ml", Role.ML_DIRECTOR, ml),
        ("equipe.ml", Role.ML_STAFF, ml),
        ("arml", Role.ARML, RegionalAssociation.objects.get(region=region)),
        ("unml", Role.NATIONAL_OBSERVER, NationalBody.objects.get(acronym="UNML")),
    ]
    return [
        DemoAccount(f"{local}@{DEMO_DOMAIN}", role, organisation, *fictitious_person(f"user-{local}").split(" ", 1))
        for local, role, organisation in rows
    ]


def _is_hash_of(password: str, encoded: str) -> bool:
    """Whether `encoded` is a hash of `password` made with the current hasher and its current work factor."""
    outdated = []
    return is_password_usable(encoded) and check_password(password, encoded, setter=outdated.append) and not outdated


def _users(accounts: list[DemoAccount], password: str) -> int:
    """The demo accounts (created or brought back to their demo values) and their password. A password hash costs
    a large fraction of a second by design (PBKDF2): each distinct stored hash is checked once, and the accounts
    whose password is not the demo one get one hash made once (the password is published: sharing its salt
    hides nothing), instead of two hashes per account at each `make run`."""
    changed = 0
    is_current: dict[str, bool] = {}  # stored hash → whether it is the demo password's
    new_hash = None
    for account in accounts:
        field_name, _ = ROLE_ORGANISATION[account.role]
        user, _, has_changed = upsert(
            User,
            lookup={"email": account.email},
            values={
                "username": account.email,
                "first_name": account.first_name,
                "last_name": account.last_name,
                "role": account.role,
                field_name: account.organisation,
                "is_staff": account.role == Role.NATIONAL_ADMIN,
                "is_active": True,
            },
            reason=REASON,
        )
        changed += has_changed
        validate_password(
            password, user, demo_password_validators()
        )  # a DEMO_PASSWORD too weak for the project refuses the whole load
        if user.password not in is_current:
            is_current[user.password] = _is_hash_of(password, user.password)
        if not is_current[user.password]:
            new_hash = new_hash or make_password(password)
            user.password = new_hash
            user.save(update_fields=["password"])
    return changed


def accounts_table(accounts: list[DemoAccount], password: str) -> list[str]:
    """The demo accounts as the lines of a plain-text table, in French."""
    rows = [("Adresse électronique", "Rôle", "Organisation", "Mot de passe")]
    rows += [(a.email, a.role.label, str(a.organisation), password) for a in accounts]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = [" | ".join(cell.ljust(widths[i]) if i < 3 else cell for i, cell in enumerate(row)) for row in rows]
    lines.insert(1, "-+-".join("-" * width for width in [*widths, len(rows[0][3])]))
    return lines


@transaction.atomic
def demo_load(*, stdout=None) -> DemoSummary:
    """Load (or complete) the demo network and accounts; `stdout` receives the i-milo report lines."""
    password = demo_password()
    # fail fast; checked again against each user's names and e-mail
    validate_password(password, password_validators=demo_password_validators())
    report = imilo_import(wet_run=True, exclude_rejected=True)
    if stdout is not None:
        lines = [
            "Référentiel i-milo (réseau réel) :",
            *(f"  - {issue}" for issue in report.issues),
            f"  {report.summary}",
        ]
        for line in lines:
            stdout.write(f"{line}\n")  # a file or a command's OutputWrapper (which adds no second newline)
    changed = _complete_missions_locales() + _organisations()
    accounts = demo_accounts()
    changed += _users(accounts, password)
    return DemoSummary(report=report, accounts=accounts, password=password, changed=changed)
