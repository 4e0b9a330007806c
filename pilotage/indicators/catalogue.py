"""The indicators and ratios of the CPO dashboard: ids, French labels, which breakdowns apply."""

from dataclasses import dataclass

from pilotage.core.formatting import COUNT, EUROS, NUMBER, SHARE
from pilotage.indicators.engine.compute import (
    BREAKDOWNS,
    CONTEXT,
    MEANS,
    PER_YOUTH_FUNDING,
    RATIOS,
    RESOURCES,
    YOUTH_OUTPUT,
)

LABELS = {
    "0.1": "Jeunes 16-25 ans actifs non occupés du territoire",
    "0.2": "Jeunes DEFM 16-25 ans du territoire",
    "1": "Jeunes en contact",
    "2": "Jeunes accueillis pour la 1ère fois",
    "2.1": "dont diagnostic approfondi",
    "2.2": "dont orientés vers d'autres opérateurs",
    "2bis.1": "Jeunes en demande d'insertion (JDI)",
    "3": "Jeunes entrés en accompagnement contractualisé",
    "3.1": "dont parcours nationaux",
    "3.2": "dont parcours régionaux et locaux uniquement",
    "4": "Jeunes présents en parcours (tous parcours)",
    "4.1": "dont parcours national",
    "4.1.f": "dont ayant démarré une situation professionnelle",
    "4.1.g": "dont ayant démarré une formation",
    "4.1.g.1": "dont formation qualifiante",
    "4.1.h": "dont parrainés",
    "4.1.i.base": "Jeunes en parcours national sans situation en cours au 31/12",
    "4.1.i": "dont sans proposition depuis plus de 3 mois",
    "4.2.c4": "Jeunes ayant 4 mois d'accompagnement",
    "4.2.s4": "dont situation démarrée dans les 4 premiers mois",
    "4.2.c12": "Jeunes ayant 12 mois d'accompagnement",
    "4.2.s12": "dont situation démarrée dans les 12 premiers mois",
    "4.3": "Jeunes présents en parcours régionaux et locaux",
    "4.4": "Jeunes accompagnés ayant accédé au droit commun",
    "4.4.sante": "dont santé",
    "4.4.logement": "dont logement",
    "4.4.mobilite": "dont mobilité",
    "4.4.ressources": "dont ressources",
    "4.4.loisirs_culture": "dont loisirs et culture",
    "5": "Durée moyenne du parcours (mois)",
    "6": "Jeunes présents accompagnés dans l'emploi ou la formation",
    "6.1": "dont parcours national",
    "6.1.emploi": "dont en emploi",
    "6.1.formation": "dont en formation",
    "6.1.eav": "dont en emploi d'avenir",
    "6.2": "dont parcours régionaux et locaux",
    "7": "Durée moyenne du parcours dans l'emploi (mois)",
    "8": "Jeunes sortis de parcours (tous)",
    "8.1": "dont sortis des parcours nationaux",
    "8.1.f": "dont sortis en emploi",
    "8.1.f.emploi_durable": "dont emploi durable",
    "8.1.f.cui": "dont CUI (CAE et CIE)",
    "8.1.f.eav": "dont emploi d'avenir",
    "8.1.f.alternance": "dont alternance (y compris apprentissage)",
    "8.1.f.apprentissage": "dont apprentissage",
    "8.1.f.creation": "dont création d'entreprise",
    "8.1.g": "dont sortis en formation",
    "8.1.g.qualifiante": "dont formation qualifiante",
    "8.1.r": "dont réorientés",
    "8.1.h": "dont sortis en service civique",
    "8.1.i": "dont sortis sans solution connue",
    "8.2": "dont sortis des parcours régionaux et locaux",
    "9": "Nombre total d'ETP",
    "9.1": "ETP dédiés à l'accompagnement",
    "10": "Financement total",
    "10.1.a": "dont activités principales",
    "10.1.b": "dont État",
    "10.1.c": "dont FSE",
    "10.1.d": "Financement moyen de l'État par jeune en contact",
    "10.1.e": "Financement moyen de l'État par jeune accompagné",
    "R1": "Jeunes en contact / jeunes actifs non occupés",
    "R2": "Premiers accueils N / premiers accueils N-1",
    "R3": "Premiers accueils avec diagnostic approfondi",
    "R4": "JDI / jeunes actifs non occupés",
    "R5": "Entrées en accompagnement / jeunes en contact",
    "R6": "Entrées précédées d'un diagnostic approfondi",
    "R7": "Jeunes en parcours national / JDI",
    "R8": "Sans proposition depuis plus de 3 mois",
    "R9": "Situation démarrée dans les 12 premiers mois",
    "R10": "Sorties en emploi (parcours nationaux)",
    "R11": "Sorties sans solution connue",
    "R12": "ETP d'accompagnement / ETP total",
    "R13": "Jeunes accompagnés par ETP d'accompagnement",
}


@dataclass(frozen=True)
class Indicator:
    id: str
    label: str
    breakdowns: tuple[str, ...]
    is_ratio: bool
    is_count: bool
    #: how its value reads (`pilotage.core.formatting`): a count of young people, a number (months, ETP, people
    #: per ETP), euros, or a share shown in percent whose evolution is in points
    unit: str = COUNT


def _catalogue() -> dict[str, Indicator]:
    items = {}
    for key in CONTEXT:
        items[key] = Indicator(key, LABELS[key], ("total",), False, True)
    for key in (*YOUTH_OUTPUT, *MEANS):
        items[key] = Indicator(key, LABELS[key], BREAKDOWNS, False, key not in MEANS, NUMBER if key in MEANS else COUNT)
    for key in (*RESOURCES, *PER_YOUTH_FUNDING):
        unit = NUMBER if key.startswith("9") else EUROS  # ETP; funding
        items[key] = Indicator(key, LABELS[key], ("total",), False, False, unit)
    for key, (_, _, per_breakdown) in RATIOS.items():
        unit = NUMBER if key == "R13" else SHARE  # R13: young people per ETP; the others are quotients of counts
        items[key] = Indicator(key, LABELS[key], BREAKDOWNS if per_breakdown else ("total",), True, False, unit)
    return items


INDICATORS = _catalogue()
LEVELS = ("ml", "departement", "region", "national")
