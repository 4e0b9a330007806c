"""What a dialogue file shows beside each step: the Mission Locale's indicators (Y, Y-1, region, nation), its
targets, its funding and the ±10 % room of its CPO; and the follow-up of a campaign. Reads only."""

from collections import defaultdict
from decimal import Decimal

from django.utils import timezone

from pilotage.dialogue.guide import STEPS
from pilotage.dialogue.models import DialogueStatus, ManagementDialogue
from pilotage.funding.models import Convention, FundingLine
from pilotage.indicators.dashboard import Dashboard, dashboard_read, place_of, targets_reached, targets_read
from pilotage.indicators.engine.compute import RATIOS
from pilotage.indicators.models import Target
from pilotage.reference.models import FunderType


def indicators_read(user, dialogue: ManagementDialogue) -> Dashboard:
    """The Mission Locale's dashboard for the campaign's year, as `user` reads it, from the published versions
    (a file is discussed on published figures): each step shows some of its rows (`Dashboard.rows_of`)."""
    ml = dialogue.mission_locale
    return dashboard_read(user, place_of("ml", ml.code), dialogue.campaign.year, published=True)


def step_indicators(user, dialogue: ManagementDialogue, step, board: Dashboard | None = None) -> list[dict]:
    """One row per indicator of the step: label, value Y, Y-1, change, region Y, nation Y (the dashboard's rows;
    `board`: the dashboard already read for this file)."""
    return (board or indicators_read(user, dialogue)).rows_of(step.indicators)


def targets(dialogue: ManagementDialogue) -> list[dict]:
    """Each ratio: the target negotiated for the year to come, last year's target and the value achieved in Y."""
    return targets_read(dialogue.mission_locale, dialogue.campaign.year)


def funding(dialogue: ManagementDialogue) -> dict:
    """The conclusive step's funding: each funder type's contribution in Y-1 and Y, the CPO covering the year to
    come, its ±10 % room, and what the proposal would do to it."""
    ml = dialogue.mission_locale
    year = dialogue.campaign.year
    sums = defaultdict(dict)
    lines = FundingLine.objects.of_mission_locales([ml]).for_year_range(year - 1, year)
    for funder_type, line_year, total in lines.totals_by("funder_type", "year"):
        sums[funder_type][line_year] = total
    contributions = []
    totals = {year - 1: Decimal(0), year: Decimal(0)}
    for funder_type, label in FunderType.choices:
        if funder_type not in sums:
            continue
        row = {"type": funder_type, "label": label, "previous": sums[funder_type].get(year - 1),
               "current": sums[funder_type].get(year)}  # fmt: skip
        for y in totals:
            totals[y] += sums[funder_type].get(y) or 0
        contributions.append(row)
    for row in contributions:
        row["share"] = (row["current"] or 0) / totals[year] * 100 if totals[year] else None
    cpo = Convention.objects.cpo_covering(ml, year + 1).with_amendments().first()
    guardrail = simulated = None
    if cpo is not None:
        guardrail = cpo.guardrail()
        if dialogue.proposed_subsidy is not None:
            simulated = cpo.guardrail({year + 1: dialogue.proposed_subsidy})
    return {"contributions": contributions, "total_previous": totals[year - 1], "total_current": totals[year],
            "cpo": cpo, "guardrail": guardrail, "simulated": simulated}  # fmt: skip


def steps_progress(dialogue: ManagementDialogue) -> list[dict]:
    answered = set(dialogue.answers.exclude(text="").values_list("theme", flat=True))
    return [
        {"step": step, "answered": sum(1 for t in step.themes if t.key in answered), "themes": len(step.themes)}
        for step in STEPS
    ]


def conclusion_checklist(dialogue: ManagementDialogue) -> list[dict]:
    """What concluding leaves behind, shown before the conclusion is confirmed: each step's themes, the targets,
    then what the workflow requires (`workflow.conclusion_missing`: subsidy, synthesis, an action), blocking."""
    items = []
    for progress in steps_progress(dialogue):
        step, answered, themes = progress["step"], progress["answered"], progress["themes"]
        plural = "s" if answered > 1 else ""
        items.append({"label": f"Étape {step.number} — {step.title} : {answered} thème{plural} renseigné{plural} sur "
                      f"{themes}", "done": answered == themes, "blocking": False})  # fmt: skip
    negotiated = Target.objects.of(dialogue.mission_locale, dialogue.campaign.target_year).count()
    items.append({"label": f"Objectifs {dialogue.campaign.target_year} négociés : {negotiated} ratio"
                  f"{'s' if negotiated > 1 else ''} sur {len(RATIOS)}", "done": negotiated == len(RATIOS),
                  "blocking": False})  # fmt: skip
    items.append({"label": "Subvention de l'État proposée (étape conclusive)",
                  "done": dialogue.proposed_subsidy is not None, "blocking": True})  # fmt: skip
    items.append({"label": "Tableau de synthèse renseigné", "blocking": True,
                  "done": any(row.is_filled for row in dialogue.synthesis.all())})  # fmt: skip
    items.append({"label": "Au moins une action au plan d'action", "done": dialogue.actions.exists(),
                  "blocking": True})  # fmt: skip
    return items


def _late_reason(dialogue, today) -> str:
    campaign = dialogue.campaign
    if dialogue.status == DialogueStatus.PREPARATION and campaign.preparation_due < today:
        return "préparation attendue le " + campaign.preparation_due.strftime("%d/%m/%Y")
    return "conclusion attendue le " + campaign.conclusion_due.strftime("%d/%m/%Y")


def campaign_followup(dialogues) -> dict:
    """Counts by state, late files (the rule of `DialogueQuerySet.late`) and the Missions Locales with targets
    negotiated, for a set of files (a campaign, a region, France)."""
    today = timezone.localdate()
    late_ids = set(dialogues.late(today).values_list("pk", flat=True))
    dialogues = list(dialogues.select_related("campaign__region", "mission_locale"))
    by_status = {status: 0 for status, _ in DialogueStatus.choices}
    for dialogue in dialogues:
        by_status[dialogue.status] += 1
    late = [(dialogue, _late_reason(dialogue, today)) for dialogue in dialogues if dialogue.pk in late_ids]
    with_targets = Target.objects.negotiated(
        {d.mission_locale_id for d in dialogues}, {d.campaign.target_year for d in dialogues}
    )
    negotiated = {
        d.mission_locale_id for d in dialogues if (d.mission_locale_id, d.campaign.target_year) in with_targets
    }
    return {"total": len(dialogues), "by_status": [(s, label, by_status[s]) for s, label in DialogueStatus.choices],
            "late": late, "late_ids": late_ids, "negotiated": len(negotiated),
            "with_targets": negotiated}  # fmt: skip


def targets_versus_achieved(dialogues) -> list[dict]:
    """For each ratio, over the files: how many Missions Locales had a target for the examined year Y, and how
    many reached it (the indicators' `targets_reached`)."""
    by_year = defaultdict(list)
    for d in dialogues.select_related("campaign", "mission_locale"):
        by_year[d.campaign.year].append(d.mission_locale)
    return targets_reached(by_year)
