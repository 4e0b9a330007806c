"""The annex to the convention, generated as DOCX and PDF in the layout of the seed's annex, opened and read."""

import importlib.util
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from pilotage.animation.annex import DOCX_DEFAULT, KIND
from pilotage.animation.models import Objective
from pilotage.animation.services import ActionData, action_save
from pilotage.documents.rendering import check_docx_template, docx_text, pdf_text
from tests.animation.factories import add_action, arml_user, programme_for, state_budget
from tests.factories import FunderFactory

pytestmark = pytest.mark.django_db
NBSP = "\u202f"


@pytest.fixture
def programme():
    user = arml_user("93")
    programme = programme_for(user, year=2026, actions=())
    add_action(programme, user, number=1, cost="40000", state="25000", council="10000",
               milestones=[("Diagnostic des CPO", date(2026, 3, 31)), ("Six sessions", date(2026, 11, 30))],
               method="Deux chargés de mission de l'ARML")  # fmt: skip
    add_action(programme, user, number=12, cost="30000", state="15000.50", council="0")
    france_travail = FunderFactory(name="France Travail")
    action_save(programme=programme, acting_user=user, data=ActionData(
        objective=Objective.objects.get(number=6), title="Forum régional de l'alternance", why="Rapprocher\nRecruter",
        how="Un forum par an", method="L'ARML et France Travail", forecast_cost=Decimal("20000"),
        state_amount=Decimal("5000"), cofundings={france_travail: Decimal("15000")},
        milestones=[("Forum", date(2026, 6, 15))]))  # fmt: skip
    state_budget("93", 2026, "1500000")
    return programme, user


def _texts(client, programme, user):
    client.force_login(user)
    docx = client.get(reverse("animation:annex", args=[programme.pk, "docx"]))
    pdf = client.get(reverse("animation:annex", args=[programme.pk, "pdf"]))
    assert docx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert 'filename="annexe_programme_animation_93_2026.docx"' in docx["Content-Disposition"]
    return docx_text(docx.content).replace(NBSP, " "), " ".join(pdf_text(pdf.content).split())


def test_amounts_never_break_across_lines(client, programme):
    """Narrow no-break spaces inside and before « € » (formatting.amount): Word and WeasyPrint keep an amount
    on one line (the PDF printed « 500 / 000,00 € » with plain spaces)."""
    programme, user = programme
    client.force_login(user)
    docx = docx_text(client.get(reverse("animation:annex", args=[programme.pk, "docx"])).content)
    assert f"40{NBSP}000,00{NBSP}€" in docx and "40 000,00" not in docx
    pdf = pdf_text(client.get(reverse("animation:annex", args=[programme.pk, "pdf"])).content)
    lines = [line.strip() for line in pdf.splitlines()]
    assert not [line for line in lines if re.match(r"^(\d{3}[\s\u202f])*\d{3},\d{2}\s*€", line)], "an amount broke"
    assert not [line for line in lines if line in ("€", "\u202f€")]


def test_the_annex_docx_has_every_action_amount_and_total(client, programme):
    text, _ = _texts(client, *programme)
    assert "portant sur le programme régional d'animation des missions locales de la Région Provence-Alpes-Côte" in text
    assert "Année 2026" in text
    lines = text.splitlines()
    # the seed's columns, once per objective of the programme (objectives 1, 5 and 6)
    assert (
        lines.count("COUT PREVISIONNEL ET FINANCEMENT") == 3
        and lines.count("QUI FAIT QUOI ? La méthode et l'organisation") == 3
    )
    assert "OBJECTIF 1 — CONTRIBUER AU DEVELOPPEMENT DES COMPETENCES et à la professionnalisation des ML-PAIO" in text
    assert "OBJECTIF 5 — OBSERVER et ANALYSER l'évolution des situations et des besoins des jeunes" in text
    assert "IV — MISSION PARTENARIAT" in text and "II — MISSION CAPITALISATION/COMMUNICATION" not in text
    assert "Aide à la maîtrise des conventionnement ETAT et FSE" in text and "(action n° 1 du catalogue)" in text
    assert (
        "➤ Aider à la maîtrise des contenus des CPO" in text
        and "• Exploitation de l'entrepôt régional de données P3." in text
    )
    assert "Forum régional de l'alternance" in text and "(action locale)" in text
    assert "31/03/2026 : Diagnostic des CPO" in text and "Deux chargés de mission de l'ARML" in text
    assert "Coût de l'action : 40 000,00 €" in text and "Montant alloué par l'Etat : 15 000,50 €" in text
    assert (
        "Conseil régional Provence-Alpes-Côte d'Azur : 10 000,00 €" in text and "France Travail : 15 000,00 €" in text
    )
    assert "Coût prévisionnel total du programme : 90 000,00 €" in text
    assert "Montant total alloué par l'Etat : 45 000,50 € (quarante-cinq mille euros et cinquante centimes)" in text
    assert "Part non couverte par les financeurs : 19 999,50 €" in text
    assert "3,00 % dans la fourchette recommandée 2–4 %" in text
    assert "{{" not in text and "{%" not in text


def test_the_annex_pdf_has_the_same_content(client, programme):
    _, text = _texts(client, *programme)
    for expected in ("Année 2026", "OBJECTIF 6 — CONTRIBUER à la constitution de partenariats régionaux",
                     "Forum régional de l'alternance", "Montant alloué par l'Etat : 25 000,00 €",
                     "Coût prévisionnel total du programme : 90 000,00 €",
                     "Montant total alloué par l'Etat : 45 000,50 €",
                     "dans la fourchette recommandée 2–4 %"):  # fmt: skip
        assert expected in text, expected


def test_the_default_template_is_the_scripts_and_accepted_by_the_checker(tmp_path):
    check_docx_template(KIND, DOCX_DEFAULT.read_bytes())  # every tag known to the sample context
    script = Path(__file__).resolve().parents[2] / "scripts" / "make_animation_annex_template.py"
    spec = importlib.util.spec_from_file_location("make_annex", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    built = module.build(tmp_path / "annexe.docx")
    assert docx_text(built.read_bytes()) == docx_text(DOCX_DEFAULT.read_bytes())
