"""Real-browser journey: a DREETS downloads the avenant of a CPO, in Word and in PDF, from the CPO page."""

import re
from pathlib import Path

import pytest

from pilotage.core.roles import Role
from pilotage.documents.rendering import docx_text, pdf_text
from tests.browser.sessions import open_session
from tests.documents.factories import signed_amendment
from tests.documents.text import flat
from tests.factories import MissionLocaleFactory, user_for_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dreets_downloads_the_avenant(page, live_server):
    ml = MissionLocaleFactory(code="13201S00", name="13-ML MARSEILLE", department_id="13")
    amendment = signed_amendment(ml)
    dreets = user_for_role(Role.REGIONAL_STATE, department_code="13")

    open_session(page, live_server, dreets)
    page.goto(f"{live_server.url}/financements/conventions/{amendment.convention.pk}/")
    downloads = {}
    for fmt, label in (("docx", "Word"), ("pdf", "PDF")):
        with page.expect_download() as info:
            page.get_by_role("link", name=re.compile(rf"Télécharger l'avenant n° 2 \({label}")).click()
        download = info.value
        assert download.suggested_filename == f"avenant-2025-ML-13201S00.{fmt}"
        downloads[fmt] = Path(download.path()).read_bytes()
    words = "cinq cent dix-sept mille deux cent quatre-vingts euros et cinquante et un centimes"
    assert words in docx_text(downloads["docx"])
    assert words in flat(pdf_text(downloads["pdf"]))
