"""The management dialogue synthesis as an official document (DOCX and PDF, `pilotage.documents`): context,
indicators, targets, synthesis table, action plan and the proposed subsidy in figures and in words."""

from pathlib import Path

from django.utils import timezone

from pilotage.core import formatting
from pilotage.dialogue import context as read
from pilotage.dialogue.guide import STEP_BY_KEY, SYNTHESIS_THEMES
from pilotage.documents.rendering import money
from pilotage.indicators.masking import MASKED
from pilotage.reference.models import StateService

KIND = "synthese_dialogue"
DOCX_DEFAULT = Path(__file__).resolve().parent / "templates_docx" / "synthese_dialogue.docx"
HTML_DEFAULT = "dialogue/synthese_document.html"
THEME_LABELS = dict(SYNTHESIS_THEMES)


def _measure(value, unit: str) -> str:
    return "s" if value == MASKED else formatting.measure(value, unit)


def _state_service(dialogue) -> str:
    service = StateService.objects.filter(region_id=dialogue.campaign.region_id).order_by("pk").first()
    return str(service) if service else f"DREETS {dialogue.campaign.region.name}"


def synthesis_context(dialogue, user) -> dict:
    """Preformatted strings for both templates (docxtpl reads Jinja, the PDF Django templates)."""
    ml = dialogue.mission_locale
    answers = dict(dialogue.answers.values_list("theme", "text"))
    context_step = STEP_BY_KEY["context"]
    board = read.indicators_read(user, dialogue)
    indicators = [row for step_key in ("context", "pathway", "conclusive") for row in read.step_indicators(
        user, dialogue, STEP_BY_KEY[step_key], board) if row["ratio"]]  # fmt: skip
    funding = read.funding(dialogue)
    guardrail = funding["simulated"] or funding["guardrail"]
    guardrail_text = ""
    if guardrail:
        within = "dans" if guardrail["within"] else "hors de"
        cumulated, planned = money(guardrail["cumulated"])["figures"], money(guardrail["planned"])["figures"]
        guardrail_text = (
            f"Cumul de la subvention de l'État sur la CPO avec cette proposition : {cumulated} pour {planned} "
            f"prévus à la signature, {within} la marge de ±10 %."
        )
    synthesis = {row.theme: row for row in dialogue.synthesis.all()}
    cpo = funding["cpo"]
    return {
        "year": dialogue.campaign.year,
        "target_year": dialogue.campaign.target_year,
        "ml_name": ml.display_name,
        "ml_siret": ml.siret or "—",
        "department": str(ml.department),
        "region": dialogue.campaign.region.name,
        "president": ml.president or "",
        "state_service": _state_service(dialogue),
        "cpo": f"{cpo.title} (n° {cpo.reference or '—'})" if cpo else "aucune CPO couvrant l'année",
        "status": dialogue.get_status_display().lower(),
        "concluded": f", le {dialogue.concluded_on:%d/%m/%Y}" if dialogue.concluded_on else "",
        "context_answers": [
            {"title": theme.title, "text": answers.get(theme.key) or "Non renseigné."} for theme in context_step.themes
        ],
        "indicators": [
            {
                "label": f"{r['id']} — {r['label']}",
                "value": _measure(r["value"], r["unit"]),
                "previous": _measure(r["previous"], r["unit"]),
                "region": _measure(r["region"], r["unit"]),
                "national": _measure(r["national"], r["unit"]),
            }
            for r in indicators
        ],  # fmt: skip
        "targets": [
            {
                "label": f"{t['id']} — {t['label']}",
                "previous_target": _measure(t["previous_target"], t["unit"]),
                "achieved": _measure(t["achieved"], t["unit"]),
                "target": _measure(t["target"], t["unit"]),
            }
            for t in read.targets(dialogue)
        ],  # fmt: skip
        "synthesis": [
            {
                "theme": label,
                "strengths": getattr(synthesis.get(theme), "strengths", "") or "—",
                "areas_for_progress": getattr(synthesis.get(theme), "areas_for_progress", "") or "—",
                "priority_actions": getattr(synthesis.get(theme), "priority_actions", "") or "—",
            }
            for theme, label in SYNTHESIS_THEMES
        ],  # fmt: skip
        "actions": [
            {
                "title": a.title,
                "theme": THEME_LABELS[a.theme],
                "owner": a.owner,
                "due_on": f"{a.due_on:%d/%m/%Y}",
                "status": a.get_status_display(),
            }
            for a in dialogue.actions.all()
        ],  # fmt: skip
        "subsidy": money(dialogue.proposed_subsidy)
        if dialogue.proposed_subsidy is not None
        else {"value": None, "figures": "non proposée", "words": "aucun montant"},  # fmt: skip
        "subsidy_justification": dialogue.subsidy_justification,
        "guardrail_text": guardrail_text,
        "today": f"{timezone.localdate():%d/%m/%Y}",
    }


def sample_context() -> dict:
    """A complete context without the database, to check an administrator's template."""
    row = {"label": "R10 — Sorties en emploi", "value": "0,4500", "previous": "0,4200", "region": "0,4100",
           "national": "0,4000", "previous_target": "0,4000", "achieved": "0,4500", "target": "0,4600"}  # fmt: skip
    return {
        "year": 2024, "target_year": 2025, "ml_name": "Mission Locale de démonstration", "ml_siret": "99900000000018",
        "department": "Bouches-du-Rhône (13)", "region": "Provence-Alpes-Côte d'Azur", "president": "Camille Martin",
        "state_service": "DREETS Provence-Alpes-Côte d'Azur", "cpo": "CPO 2023-2026 (n° CPO-13-2023-001)",
        "status": "conclu", "concluded": ", le 30/05/2025",
        "context_answers": [{"title": "Le diagnostic de territoire", "text": "Territoire urbain."}],
        "indicators": [row], "targets": [row],
        "synthesis": [{"theme": label, "strengths": "—", "areas_for_progress": "—", "priority_actions": "—"}
                      for _, label in SYNTHESIS_THEMES],
        "actions": [{"title": "Action", "theme": "Ingénierie de projets", "owner": "Direction", "due_on": "30/06/2025",
                     "status": "Prévue"}],
        "subsidy": money("1234567.89"), "subsidy_justification": "", "guardrail_text": "",
        "today": "01/06/2025",
    }  # fmt: skip
