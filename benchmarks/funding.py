"""Funding: the exports of the demo's funding lines (issue 14: the XLSX under 2 s), the import of 100,000
funding lines (CSV), then the departmental analysis over them."""

import random

from django.db import transaction
from django.test import Client

from pilotage.accounts.models import User
from pilotage.demo.funding import demo_funding_load
from pilotage.funding.analysis import Amount, departmental_analysis
from pilotage.funding.models import FundingLine
from pilotage.funding.services import funding_lines_import
from pilotage.reference.models import Funder, FunderType, MissionLocale

LINES = 100_000
HEADER = "code_ml;annee;financeur_type;financeur_code;categorie;theme;montant"


def _csv(missions_locales, epcis) -> bytes:
    """Deterministic lines: every (ML, year, funder, category, theme) once, up to LINES rows."""
    rng = random.Random(2024)
    rows, combos = [HEADER], []
    themes = ["faj", "ase", "mna", "brsa", "sante", "mobilite", "logement", "numerique"]
    for ml in missions_locales:
        department = ml.department_id
        region = ml.department.region_id
        for year in range(2008, 2025):
            combos += [
                (ml.code, year, "etat", "", "fonctionnement", ""),
                (ml.code, year, "region", region, "fonctionnement", ""),
                (ml.code, year, "departement", department, "fonctionnement", ""),
                (ml.code, year, "departement", department, "convention_nationale", ""),
                *[(ml.code, year, "departement", department, "thematique", t) for t in themes[:4]],
                (ml.code, year, "fse", "", "autre", "iej"),
                (ml.code, year, "france_travail", "", "autre", ""),
                *[(ml.code, year, "region", region, "thematique", t) for t in themes[4:]],
                *[(ml.code, year, "commune_epci", siren, "fonctionnement", "") for siren in epcis.get(department, [])],
            ]
    for code, year, funder_type, funder_code, category, theme in combos[:LINES]:
        amount = f"{rng.randint(0, 900_000):,}".replace(",", "\u00a0") + f",{rng.randint(0, 99):02d}"
        rows.append(f"{code};{year};{funder_type};{funder_code};{category};{theme};{amount}")
    return ("\n".join(rows) + "\n").encode("cp1252")


def run_exports(measure, label: str):
    """The funding lines' exports at the national level, through the page's view (the query included)."""
    client = Client()
    client.force_login(User.objects.get(email="dgefp@demo.pilotage.fr"))
    rows = FundingLine.objects.count()
    assert client.get("/financements/lignes/").status_code == 200  # warm-up: URLs, templates, imports
    for url, form in (("/financements/lignes/export.xlsx", "pour les personnes"),
                      ("/financements/lignes/export.csv", "pour les personnes"),
                      ("/financements/lignes/export.xlsx?format=technique", "technique")):  # fmt: skip
        with measure(f"Export {url.split('.')[1][:4].upper()} {form}, {rows} lignes ({label})", rows=rows):
            response = client.get(url)
            body = b"".join(response.streaming_content) if response.streaming else response.content
        assert response.status_code == 200 and body


def run(measure, workdir):
    with transaction.atomic():  # the demo's funding lines (≈13,000), then rolled back
        demo_funding_load()
        run_exports(measure, "démo")
        transaction.set_rollback(True)
    admin = User.objects.get(email="dgefp@demo.pilotage.fr")
    missions_locales = list(MissionLocale.objects.filter(code__endswith="S00").select_related("department"))
    epcis = {}
    for funder in Funder.objects.filter(type=FunderType.COMMUNE_EPCI):
        epcis.setdefault(funder.department_id, []).append(funder.code)
    path = workdir / "lignes_financement.csv"
    path.write_bytes(_csv(missions_locales, epcis))
    rows = path.read_bytes().count(b"\n") - 1
    with measure(f"Import de {rows} lignes de financement, simulation", rows=rows):
        report = funding_lines_import(path_or_file=path, filename=path.name, acting_user=admin)
    assert report.ok, [str(i) for i in report.issues[:5]]
    with measure(f"Import de {rows} lignes de financement, enregistrement", rows=rows):
        funding_lines_import(path_or_file=path, filename=path.name, acting_user=admin, wet_run=True)
    with measure(f"Réimport identique de {rows} lignes (rien ne change)", rows=rows):
        again = funding_lines_import(path_or_file=path, filename=path.name, acting_user=admin, wet_run=True)
    assert again.unchanged == rows
    with measure(f"Analyse départementale 2015-2024 sur {rows} lignes (lecture comprise)", rows=rows):
        amounts = [
            Amount(department, year, funder_type, category, amount)
            for department, year, funder_type, category, amount in FundingLine.objects.values_list(
                "mission_locale__department_id", "year", "funder_type", "category", "amount"
            )
        ]
        departmental_analysis(
            amounts=amounts,
            departments=MissionLocale.objects.values_list("department_id", flat=True),
            funder_type="departement",
            first_year=2015,
            last_year=2024,
        )
    run_exports(measure, "import de banc d'essai")
