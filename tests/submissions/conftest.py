"""A small region to submit data for: three Missions Locales of Provence-Alpes-Côte d'Azur (93) — two in the
Bouches-du-Rhône, one in the Var — and one in the Rhône (84); a generated export of the 93's."""

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pilotage.accounts.models import Role
from pilotage.indicators.engine.synthetic import generate_export
from tests.factories import MissionLocaleFactory, user_for_role
from tests.replay import replayed

YEAR = 2024


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
@replayed
def region93():
    return {
        "a": MissionLocaleFactory(code="ML13A", department_id="13"),
        "b": MissionLocaleFactory(code="ML13B", department_id="13"),
        "c": MissionLocaleFactory(code="ML83A", department_id="83"),
        "other": MissionLocaleFactory(code="ML69A", department_id="69"),
    }


@pytest.fixture
@replayed
def users(region93):
    return {
        "arml": user_for_role(Role.ARML, department_code="13"),
        "arml84": user_for_role(Role.ARML, department_code="69"),
        "dgefp": user_for_role(Role.NATIONAL_ADMIN),
        "dreets": user_for_role(Role.REGIONAL_STATE, department_code="13"),
        "dreets84": user_for_role(Role.REGIONAL_STATE, department_code="69"),
        "ddets13": user_for_role(Role.DEPARTMENTAL_STATE, department_code="13"),
        "ddets83": user_for_role(Role.DEPARTMENTAL_STATE, department_code="83"),
        "ddets69": user_for_role(Role.DEPARTMENTAL_STATE, department_code="69"),
        "ml": user_for_role(Role.ML_DIRECTOR, mission_locale=region93["a"]),
        "council": user_for_role(Role.DEPARTMENTAL_COUNCIL, department_code="83"),
    }


EXPORT_CACHE: dict[tuple, dict[str, bytes]] = {}


def export_files(tmp_path: Path, structures=(("ML13A", "13"), ("ML13B", "13"), ("ML83A", "83")), seed=0.42,
                 young_people=300) -> dict[str, bytes]:  # fmt: skip
    key = (tuple(structures), seed, young_people)
    if key not in EXPORT_CACHE:
        folder = tmp_path / f"export-{abs(hash(key))}"
        generate_export(folder, young_people=young_people, year=YEAR, structures=list(structures), seed=seed)
        EXPORT_CACHE[key] = {p.name: p.read_bytes() for p in sorted(folder.iterdir())}
    return dict(EXPORT_CACHE[key])


def zip_bytes(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def upload(data: bytes, name="export.zip") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/zip")
