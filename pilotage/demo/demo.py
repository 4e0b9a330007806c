"""Build the demonstration platform: the real network (COG + i-milo) completed with fictitious values.

Deterministic and idempotent: every value derives from the structure code or a fixed order, and a second
run saves nothing. No real personal data: people's names are drawn from small fixed lists of first and last
names; SIRET/SIREN numbers are in the unallocated 999 range (`core.identifiers`), except the real SIREN of the
EPCI, which are public identifiers of public bodies.
"""

import hashlib
import json
import os
import re
from dataclasses import dataclass

from pilotage.accounts.models import Role, User
from pilotage.core.identifiers import fake_siret
from pilotage.core.upsert import upsert
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
DEFAULT_PASSWORD = "demo-pilotage-2026"
FIRST_NAMES = ["Camille", "Dominique", "Claude", "Alex", "Sacha", "Morgan", "Charlie", "Lou", "Noa", "Maxime",
               "Andrea", "Eden", "Jules", "Louise", "Paul", "Inès"]  # fmt: skip
LAST_NAMES = ["Exemple", "Démo", "Fictif", "Modèle", "Essai", "Témoin", "Prototype", "Maquette", "Brouillon",
              "Spécimen", "Échantillon", "Simulé"]  # fmt: skip
#: EPCI funders of the demo (real SIREN) and the words that find their Missions Locales in their department
EPCI_PARTNERS = {
    "200054807": ("MARSEILLE", "AIX"),  # Métropole d'Aix-Marseille-Provence
    "248300543": ("TOULON",),  # Métropole Toulon-Provence-Méditerranée
    "200046977": ("LYON",),  # Métropole de Lyon
    "243300316": ("BORDEAUX",),  # Bordeaux Métropole
    "200093201": ("LILLE",),  # Métropole Européenne de Lille
}
STORY_DEPARTMENT, STORY_MISSION_LOCALE, STORY_EPCI = "13", "13201S00", "200054807"


def _hash(text: str) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest(), 16)


def fictitious_person(seed: str) -> str:
    value = _hash(seed)
    return f"{FIRST_NAMES[value % len(FIRST_NAMES)]} {LAST_NAMES[(value // 97) % len(LAST_NAMES)]}"


def legal_form_of(code: str) -> str:
    """About one Mission Locale in eight is a GIP (the rest associations), decided by a hash of its code."""
    return LegalForm.GIP if _hash(code) % 8 == 0 else LegalForm.ASSOCIATION


def city_of(name: str) -> str:
    """« 13-ML MARSEILLE » → « Marseille »: the i-milo official name carries the town."""
    town = re.sub(r"^[0-9AB]{2,3}\s*-\s*(ML|MLI|PAIO)?\s*", "", name, flags=re.IGNORECASE)
    return town.title() if town else ""


def _complete_missions_locales(counts):
    for index, ml in enumerate(MissionLocale.objects.order_by("code")):
        values = {
            "siret": ml.siret or fake_siret(index + 1),
            "legal_form": ml.legal_form or legal_form_of(ml.code),
            "city": ml.city or city_of(ml.name),
            "president": ml.president or fictitious_person(f"president-{ml.code}"),
            "director": ml.director or fictitious_person(f"director-{ml.code}"),
        }
        _, _, changed = upsert(MissionLocale, lookup={"pk": ml.pk}, values=values, reason=REASON)
        counts["missions_locales_completed"] += changed


def _organisations():
    dgefp, _, _ = upsert(
        StateService,
        lookup={"level": StateServiceLevel.NATIONAL},
        values={"name": "Délégation générale à l'emploi et à la formation professionnelle (DGEFP)"},
        reason=REASON,
    )
    upsert(Funder, lookup={"type": FunderType.ETAT, "code": "", "name": "État"},
           values={"state_service": dgefp}, reason=REASON)  # fmt: skip
    for index, region in enumerate(Region.objects.order_by("code")):
        upsert(
            RegionalAssociation,
            lookup={"region": region},
            values={
                "name": f"Association régionale des Missions Locales — {region.name}",
                "acronym": f"ARML {region.name}",
                "siret": fake_siret(1000 + index),
                "president": fictitious_person(f"arml-{region.code}"),
            },
            reason=REASON,
        )
        upsert(StateService, lookup={"level": StateServiceLevel.REGIONAL, "region": region},
               values={"name": f"DREETS {region.name}"}, reason=REASON)  # fmt: skip
        upsert(Funder, lookup={"type": FunderType.REGION, "code": region.code},
               values={"name": f"Région {region.name}", "region": region}, reason=REASON)  # fmt: skip
    for department in Department.objects.select_related("region").order_by("code"):
        upsert(StateService, lookup={"level": StateServiceLevel.DEPARTMENTAL, "department": department},
               values={"name": f"DDETS {department.name}"}, reason=REASON)  # fmt: skip
        upsert(
            Funder,
            lookup={"type": FunderType.DEPARTEMENT, "code": department.code},
            values={
                "name": f"Conseil départemental ({department.name})",
                "department": department,
                "region": department.region,
            },
            reason=REASON,
        )
    upsert(Funder, lookup={"type": FunderType.FRANCE_TRAVAIL, "code": "", "name": "France Travail"},
           values={}, reason=REASON)  # fmt: skip
    upsert(Funder, lookup={"type": FunderType.FSE, "code": "", "name": "Fonds social européen (FSE+)"},
           values={}, reason=REASON)  # fmt: skip
    upsert(NationalBody, lookup={"acronym": "UNML"}, values={"name": "Union nationale des Missions Locales"},
           reason=REASON)  # fmt: skip
    epcis = {row["siren"]: row for row in json.loads((DATA_DIR / "epci.json").read_text(encoding="utf-8"))["epci"]}
    for siren, words in EPCI_PARTNERS.items():
        row = epcis[siren]
        department = Department.objects.get(code=row["departement"])
        funder, _, _ = upsert(
            Funder,
            lookup={"type": FunderType.COMMUNE_EPCI, "code": siren},
            values={"name": row["nom"], "siren": siren, "department": department, "region": department.region},
            reason=REASON,
        )
        partners = [
            ml.pk
            for ml in MissionLocale.objects.for_department(department.code)
            if any(w in ml.name.upper() for w in words)
        ]
        if set(funder.missions_locales.values_list("pk", flat=True)) != set(partners):
            funder._change_reason = REASON
            funder.missions_locales.set(partners)


@dataclass(frozen=True)
class DemoAccount:
    email: str
    role: Role
    organisation: object
    first_name: str
    last_name: str


def demo_accounts() -> list[DemoAccount]:
    department = Department.objects.get(code=STORY_DEPARTMENT)
    region = department.region
    ml = MissionLocale.objects.get(code=STORY_MISSION_LOCALE)
    var = Funder.objects.get(type=FunderType.DEPARTEMENT, code="83")
    rows = [
        ("dgefp", Role.NATIONAL_ADMIN, StateService.objects.get(level=StateServiceLevel.NATIONAL)),
        ("dreets", Role.REGIONAL_STATE, StateService.objects.get(region=region)),
        ("ddets", Role.DEPARTMENTAL_STATE, StateService.objects.get(department=department)),
        ("region", Role.REGIONAL_COUNCIL, Funder.objects.get(type=FunderType.REGION, code=region.code)),
        ("departement", Role.DEPARTMENTAL_COUNCIL, Funder.objects.get(type=FunderType.DEPARTEMENT, code="13")),
        ("departement83", Role.DEPARTMENTAL_COUNCIL, var),
        ("epci", Role.MUNICIPALITY, Funder.objects.get(type=FunderType.COMMUNE_EPCI, code=STORY_EPCI)),
        ("direction.ml", Role.ML_DIRECTOR, ml),
        ("equipe.ml", Role.ML_STAFF, ml),
        ("arml", Role.ARML, RegionalAssociation.objects.get(region=region)),
        ("unml", Role.NATIONAL_OBSERVER, NationalBody.objects.get(acronym="UNML")),
    ]
    return [
        DemoAccount(f"{local}@{DEMO_DOMAIN}", role, org, *fictitious_person(f"user-{local}").split(" ", 1))
        for local, role, org in rows
    ]


def _users(password: str):
    from pilotage.accounts.models import ROLE_ORGANISATION

    accounts = demo_accounts()
    for account in accounts:
        field_name, _ = ROLE_ORGANISATION[account.role]
        user, _, _ = upsert(
            User,
            lookup={"email": account.email},
            values={
                "username": account.email,
                "first_name": account.first_name,
                "last_name": account.last_name,
                "role": account.role,
                field_name: account.organisation,
                "is_staff": account.role == Role.NATIONAL_ADMIN,
            },
            reason=REASON,
        )
        if not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
    return accounts


def demo_password() -> str:
    return os.environ.get("DEMO_PASSWORD", DEFAULT_PASSWORD)


def demo_load() -> dict:
    """Load (or complete) the demo; returns the counts and the i-milo report."""
    counts = {"missions_locales_completed": 0}
    report = imilo_import(wet_run=True, exclude_rejected=True)
    _complete_missions_locales(counts)
    _organisations()
    accounts = _users(demo_password())
    return {"report": report, "accounts": accounts, **counts}
