"""Real-browser journey of issue 15: the ARML uploads its warehouse zip, follows the processing, reads the quality
report with a flagged outlier; the DREETS explains it, approves and publishes; the Var council then sees the new
figures with the « données au » stamp."""

import re

import pytest
from playwright.sync_api import expect

from pilotage.accounts.models import Role
from tests.browser.sessions import open_session
from tests.factories import MissionLocaleFactory, user_for_role
from tests.submissions.conftest import export_files, zip_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_from_the_arml_upload_to_the_var_council_dashboard(page, live_server, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    for code, department in (("13201S00", "13"), ("13202S00", "13"), ("83137S00", "83")):
        MissionLocaleFactory(code=code, department_id=department, usual_name=f"Mission Locale {code}")
    arml = user_for_role(Role.ARML, department_code="13")
    dreets = user_for_role(Role.REGIONAL_STATE, department_code="13")
    council = user_for_role(Role.DEPARTMENTAL_COUNCIL, department_code="83")
    files = export_files(tmp_path, structures=(("13201S00", "13"), ("13202S00", "13"), ("83137S00", "83")))
    # one Mission Locale declares 0,5 ETP of support staff: its young people per ETP (R13) stand out
    lines = files["ressources.csv"].decode().splitlines()
    lines = [line if not line.startswith("13201S00;2024;") else
             ";".join(line.split(";")[:3] + ["0.5"] + line.split(";")[4:]) for line in lines]  # fmt: skip
    files["ressources.csv"] = ("\n".join(lines) + "\n").encode()
    archive = tmp_path / "export_paca_2024.zip"
    archive.write_bytes(zip_bytes(files))

    open_session(page, live_server, arml)
    page.goto(f"{live_server.url}/donnees/depots/")
    page.get_by_role("link", name="Déposer des données").click()
    page.get_by_label("Région").select_option("93")
    page.get_by_label("Année des données").fill("2024")
    page.get_by_label("Données au").fill("31/01/2025")
    page.get_by_label("Fichier", exact=False).and_(page.locator("input[type=file]")).set_input_files(str(archive))
    page.get_by_role("button", name="Déposer").click()
    page.wait_for_url(re.compile(r"/donnees/depots/\d+/$"))
    assert "validé, non publié" in page.content()  # the job ran: its steps are on the page while it runs
    expect(page.get_by_text(re.compile("données validées et calculées"))).to_be_visible()
    submission_url = page.url

    page.goto(submission_url + "qualite/")
    expect(page.get_by_role("heading", name=re.compile("Valeurs atypiques"))).to_be_visible()
    outlier = page.locator("tr", has=page.locator("td", has_text="13201S00")).filter(has_text="(R13)").first
    expect(outlier).to_be_visible()
    assert page.get_by_role("button", name="Marquer « expliqué »").count() == 0  # the ARML does not review

    page.context.clear_cookies()
    open_session(page, live_server, dreets)
    page.goto(submission_url + "qualite/")
    outlier = page.locator("tr", has=page.locator("td", has_text="13201S00")).filter(has_text="(R13)").first
    outlier.get_by_label("Explication").fill("ETP d'accompagnement en cours de recrutement")
    outlier.get_by_role("button", name="Marquer « expliqué »").click()
    expect(page.get_by_text("Valeur marquée « expliqué ».")).to_be_visible()
    page.goto(submission_url)
    page.get_by_role("button", name="Approuver").click()
    expect(page.get_by_text("Approuver : fait.")).to_be_visible()
    page.get_by_role("button", name="Publier").click()
    expect(page.get_by_text("Publier : fait.")).to_be_visible()
    assert page.locator(".fr-badge").first.inner_text().lower() == "publié"

    page.context.clear_cookies()
    open_session(page, live_server, council)
    page.goto(f"{live_server.url}/tableau-de-bord/ml/83137S00/?annee=2024")
    stamp = page.locator(".pilotage-lineage")
    assert re.search(r"Données au 31/01/2025, export de l'ARML déposé le \d\d/\d\d/\d{4}, version 1, publiée le "
                     r"\d\d/\d\d/\d{4} par", stamp.inner_text())  # fmt: skip
    assert "Non publié" not in page.content()
