"""Rebuild pilotage/reference/data/*.json from the npm package @etalab/decoupage-administratif.

Usage:  npm pack @etalab/decoupage-administratif && tar xzf etalab-decoupage-administratif-*.tgz
        python scripts/extract_territories.py package/
Keeps the 18 regions and 101 departments (zones « metro » and « drom »: the collectivités d'outre-mer
are not departments) and the EPCI with their SIREN and main department.
"""

import collections
import json
import sys
from pathlib import Path

TARGET = Path(__file__).resolve().parent.parent / "pilotage" / "reference" / "data"


def department_of(insee_commune: str) -> str:
    return insee_commune[:3] if insee_commune.startswith("97") else insee_commune[:2]


def main(package_dir: str) -> None:
    data = Path(package_dir) / "data"
    meta = json.loads((Path(package_dir) / "package.json").read_text())
    regions = [
        {"code": r["code"], "nom": r["nom"], "chef_lieu": r["chefLieu"]}
        for r in json.loads((data / "regions.json").read_text())
        if r["zone"] in {"metro", "drom"}
    ]
    departments = [
        {"code": d["code"], "nom": d["nom"], "region": d["region"], "chef_lieu": d["chefLieu"]}
        for d in json.loads((data / "departements.json").read_text())
        if d["zone"] in {"metro", "drom"}
    ]
    epcis = []
    for e in json.loads((data / "epci.json").read_text()):
        population = collections.Counter()
        for member in e["membres"]:
            population[department_of(member["code"])] += member.get("populationTotale") or 0
        epcis.append(
            {
                "siren": e["code"],
                "nom": e["nom"],
                "type": e["type"],
                "departement": population.most_common(1)[0][0],
                "population": e.get("populationTotale"),
            }
        )
    assert len(regions) == 18 and len(departments) == 101, (len(regions), len(departments))
    source = {
        "package": f"{meta['name']}@{meta['version']}",
        "licence": "Licence Ouverte (données), MIT (code)",
    }
    for name, rows in [("regions", regions), ("departements", departments), ("epci", epcis)]:
        payload = {"source": source, name: sorted(rows, key=lambda row: row.get("code") or row["siren"])}
        (TARGET / f"{name}.json").write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
