"""The annex to the tripartite convention (the programme, in the layout of the annex of seed 001): its
context, and its DOCX (docxtpl template) and PDF (WeasyPrint from an HTML template) renderings."""

from decimal import Decimal
from pathlib import Path

from pilotage.animation.models import Objective, Programme
from pilotage.animation.reading import programme_summary
from pilotage.core import formatting
from pilotage.documents.words import amount_in_words
from pilotage.reference.models import Funder, FunderType

KIND = "annexe_programme_animation"
LABEL = "Annexe au programme régional d'animation des Missions Locales"
DOCX_DEFAULT = Path(__file__).parent / "templates_docx" / "annexe_programme.docx"
HTML_DEFAULT = "animation/annexe_programme.html"


def euros(value: Decimal | None) -> str:
    """1234.5 → « 1 234,50 € » (narrow no-break spaces: an amount never breaks across lines)."""
    return formatting.amount(value, cents=True)


def annex_context(programme: Programme) -> dict:
    summary = programme_summary(programme)
    region = programme.regional_association.region
    council = Funder.objects.filter(type=FunderType.REGION, region_id=region.code).first()
    missions: dict = {}
    for action in summary.actions:
        objective, mission = action.objective, action.objective.mission
        mission_row = missions.setdefault(
            mission.number, {"roman": mission.roman, "label": mission.label, "objectives": {}}
        )
        objective_row = mission_row["objectives"].setdefault(
            objective.number, {"number": objective.number, "label": objective.label, "actions": []}
        )
        objective_row["actions"].append(
            {
                "number": str(action.position),
                "title": action.title,
                "origin": (f"(action n° {action.action_type.number} du catalogue)"
                           if action.action_type and action.action_type.number else "(action locale)"),
                "why": action.why_items,
                "how": action.how_items,
                "method": [line for line in action.method.splitlines() if line.strip()],
                "milestones": [f"{m.due_on:%d/%m/%Y} : {m.label}" for m in action.milestones.all()],
                "cost": euros(action.forecast_cost),
                "state": euros(action.state_amount),
                "fundings": [{"name": name, "amount": euros(amount)} for name, amount in action.cofundings],
            }
        )  # fmt: skip
    band = summary.region_band.band
    band_text = band.label
    if band.share_pct is not None:
        band_text = f"{formatting.percent(band.share_pct, 2)} {band.label}"
    totals = summary.totals
    return {
        "operator": programme.regional_association.name,
        "region": region.name,
        "year": programme.year,
        "status": programme.get_status_display(),
        "convention": programme.convention.reference or programme.convention.title if programme.convention else "",
        "parties": ", ".join(
            part for part in ("l'Etat", str(council) if council else "", programme.regional_association.name) if part
        ),
        "catalogue": [
            {"mission": f"{o.mission.roman} {o.mission.label}", "number": o.number, "label": o.label}
            for o in Objective.objects.select_related("mission")
        ],
        "missions": [{**row, "objectives": list(row["objectives"].values())} for _, row in sorted(missions.items())],
        "totals": {
            "cost": euros(totals.cost),
            "state": euros(totals.state),
            "state_in_words": amount_in_words(totals.state),
            "unfunded": euros(totals.unfunded) if totals.unfunded else "",
            "by_funder": [{"name": name, "amount": euros(amount)} for name, amount in totals.by_funder.items()],
            "by_mission": [
                {"label": str(mission), "cost": euros(row["cost"]), "state": euros(row["state"])}
                for mission, row in totals.by_mission.items()
            ],
        },
        "band": band_text,
    }


def sample_context() -> dict:
    """Every variable of the annex, without the database: an uploaded template is checked against it."""
    K40, K20, K10 = (euros(Decimal(n)) for n in ("40000", "20000", "10000"))  # noqa: N806
    action = {
        "number": "1", "title": "Aide à la maîtrise des conventionnement ETAT et FSE",
        "origin": "(action n° 1 du catalogue)",
        "why": ["Aider à la maîtrise des contenus des CPO"], "how": ["Recueil des besoins auprès des structures."],
        "method": ["Deux chargés de mission de l'ARML"], "milestones": ["31/03/2026 : diagnostic"],
        "cost": K40, "state": K20,
        "fundings": [{"name": "Conseil régional", "amount": K10}],
    }  # fmt: skip
    return {
        "operator": "Association régionale des Missions Locales", "region": "Provence-Alpes-Côte d'Azur",
        "year": 2026, "status": "Approuvé", "convention": "ANIM-93-2026",
        "parties": "l'Etat, Conseil régional, Association régionale des Missions Locales",
        "catalogue": [{"mission": "I MISSION FORMATION/ ECHANGE", "number": 1, "label": "CONTRIBUER"}],
        "missions": [{"roman": "I", "label": "MISSION FORMATION/ ECHANGE", "objectives": [
            {"number": 1, "label": "CONTRIBUER", "actions": [action]}]}],
        "totals": {"cost": K40, "state": K20, "state_in_words": "vingt mille euros",
                   "unfunded": K10, "by_funder": [{"name": "État", "amount": K20}],
                   "by_mission": [{"label": "I — MISSION FORMATION/ ECHANGE", "cost": K40,
                                   "state": K20}]},
        "band": "2,50 % dans la fourchette recommandée 2–4 %",
    }  # fmt: skip
