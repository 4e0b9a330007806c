"""Differential tests: the departmental funding analysis (`pilotage funding_report`, and the platform's
import then analysis export) against the oracle of funding-format.md (`tests/oracles/funding.py`), on random
valid files. In CI: `CHECK_FUNDING_N` files (default 150); `make check-engine` runs more."""

import csv
import io
import json
import os
from fractions import Fraction

import pytest
from django.core.management import call_command

from tests.oracles.funding import oracle_report, report_differences
from tests.oracles.funding_files import random_case, write_case

RUNS = int(os.environ.get("CHECK_FUNDING_N", "150"))
FIRST_SEED = int(os.environ.get("CHECK_ENGINE_SEED", "0"))


def offline_report(structures, lines, case, output):
    call_command(
        "funding_report",
        "--structures",
        str(structures),
        "--lines",
        str(lines),
        "--funder-type",
        case.funder_type,
        "--from",
        str(case.first_year),
        "--to",
        str(case.last_year),
        "--output",
        str(output),
        stdout=io.StringIO(),
    )
    return json.loads(output.read_text(encoding="utf-8"))


@pytest.mark.slow
def test_offline_report_equals_oracle_on_random_files(tmp_path):
    for seed in range(FIRST_SEED, FIRST_SEED + RUNS):
        case = random_case(seed)
        structures, lines = write_case(case, tmp_path / f"case-{seed}")
        report = offline_report(structures, lines, case, tmp_path / f"case-{seed}" / "r.json")
        expected = oracle_report(structures, lines, case.funder_type, case.first_year, case.last_year)
        problems = report_differences(report, expected)
        assert not problems, f"seed {seed} ({case.file_kind}, {case.separator!r}): " + "\n".join(problems[:20])


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize("seed", range(FIRST_SEED, FIRST_SEED + max(RUNS // 25, 4)))
def test_platform_import_then_analysis_export_equals_the_offline_report(seed, tmp_path, client):
    """The same files through the platform: Missions Locales and funders as in the files, the lines imported
    (all or nothing), then the analysis page's JSON export: exactly the offline report."""
    from django.urls import reverse

    from pilotage.core.roles import Role
    from pilotage.core.validators import compact_identifier
    from pilotage.funding.services import funding_lines_import
    from tests.factories import FunderFactory, MissionLocaleFactory, department, region, user_for_role

    case = random_case(seed)
    structures, lines = write_case(case, tmp_path)
    for row in case.structures:
        MissionLocaleFactory(code=row["code_ml"], siret=row["siret"] or None, department=department(row["departement"]))
    funders = {(line["financeur_type"], compact_identifier(line["financeur_code"]).upper()) for line in case.lines}
    for funder_type, code in sorted(funders):
        if funder_type == "region":
            FunderFactory(regional_council=True, region=region(code))
        elif funder_type == "departement":
            FunderFactory(departmental_council=True, department=department(code))
        elif funder_type == "commune_epci":
            FunderFactory(municipality=True, siren=code, code=code)
    user = user_for_role(Role.NATIONAL_ADMIN)
    report = funding_lines_import(path_or_file=lines, filename=lines.name, acting_user=user, wet_run=True)
    assert report.saved, [str(issue) for issue in report.issues[:10]]
    client.force_login(user)
    response = client.get(
        reverse("funding:analysis_export", args=["json"]),
        {"financeur_type": case.funder_type, "debut": case.first_year, "fin": case.last_year},
    )
    assert response.status_code == 200
    assert json.loads(response.content) == offline_report(structures, lines, case, tmp_path / "r.json")
    # the CSV export also gives each department's yearly average (the map): over every year of the range
    response = client.get(
        reverse("funding:analysis_export", args=["csv"]),
        {"financeur_type": case.funder_type, "debut": case.first_year, "fin": case.last_year, "format": "technique"},
    )
    prefix = "moyenne_annuelle_departement_"
    rows = csv.reader(io.StringIO(response.content.decode("utf-8")), delimiter=",")
    averages = {row[1].removeprefix(prefix): Fraction(row[3]) for row in rows if row[1].startswith(prefix)}
    expected = oracle_report(structures, lines, case.funder_type, case.first_year, case.last_year, averages_only=True)
    assert averages.keys() == expected.keys()
    assert all(abs(averages[d] - expected[d]) < Fraction(1, 10**6) for d in expected), (averages, expected)
