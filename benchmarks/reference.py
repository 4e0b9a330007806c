"""Reference data: i-milo import, demo load, a large CSV import, and the pages over the whole network."""

import statistics
import time

from django.test import Client

from pilotage.accounts.models import User
from pilotage.core.identifiers import fake_siret
from pilotage.demo.demo import demo_load
from pilotage.reference.imilo import imilo_import
from pilotage.reference.imports import reference_import
from pilotage.reference.models import Department

CSV_ROWS = 20_000


def _csv(rows: int) -> bytes:
    departments = list(Department.objects.values_list("code", flat=True))
    lines = ["code_ml;nom;siret;forme_juridique;departement;commune;president"]
    for i in range(rows):
        lines.append(
            f"{i % 95 + 1:02d}{i % 1000:03d}S{50 + i // 1000:02d};Mission Locale de banc d'essai {i};"
            f"{fake_siret(60000 + i % 39999, 1 + i // 39999)};"
            f"association;{departments[i % len(departments)]};Commune {i};Camille Exemple"
        )
    return ("\n".join(lines) + "\n").encode("cp1252")


def page_timings(client: Client, url: str, repeat: int = 20) -> list[float]:
    """Milliseconds of `repeat` requests of `url` (each a 200), after one warm-up request."""
    client.get(url)  # warm-up
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return times


def _page_times(client: Client, url: str, repeat: int = 20) -> str:
    times = page_timings(client, url, repeat)
    return f"médiane {statistics.median(times):6.1f} ms, max {max(times):6.1f} ms"


def run(measure, workdir):
    with measure("Import i-milo, simulation (450 structures)", rows=450):
        imilo_import(exclude_rejected=True)
    with measure("Données de démonstration (réseau réel, comptes)"):
        demo_load()
    with measure("Données de démonstration, deuxième passage (rien ne change)"):
        demo_load()

    path = workdir / "missions_locales.csv"
    path.write_bytes(_csv(CSV_ROWS))
    with measure(f"Import CSV Windows-1252, simulation ({CSV_ROWS} lignes)", rows=CSV_ROWS):
        report = reference_import(kind="missions_locales", path_or_file=path, filename=path.name, wet_run=False)
    assert report.ok, report.issues[:3]
    with measure(f"Import CSV, enregistrement ({CSV_ROWS} lignes)", rows=CSV_ROWS):
        reference_import(kind="missions_locales", path_or_file=path, filename=path.name, wet_run=True)
    with measure(f"Import CSV, réimport identique ({CSV_ROWS} lignes)", rows=CSV_ROWS):
        again = reference_import(kind="missions_locales", path_or_file=path, filename=path.name, wet_run=True)
    assert again.unchanged == CSV_ROWS

    print()
    print("Pages et API sur le réseau complet (448 + 20 000 Missions Locales) :")
    for email in ("dgefp@demo.pilotage.fr", "departement@demo.pilotage.fr", "direction.ml@demo.pilotage.fr"):
        client = Client()
        client.force_login(User.objects.get(email=email))
        for url in ("/territoires/", "/missions-locales/", "/missions-locales/13201S00/", "/api/v1/missions-locales/"):
            print(f"  {email:<32} {url:<30} {_page_times(client, url)}")
    client = Client()
    client.force_login(User.objects.get(email="dgefp@demo.pilotage.fr"))
    with measure("Export CSV de toutes les Missions Locales (national)", rows=CSV_ROWS + 448):
        client.get("/missions-locales/export.csv")
    with measure("Export XLSX de toutes les Missions Locales (national)", rows=CSV_ROWS + 448):
        client.get("/missions-locales/export.xlsx")
