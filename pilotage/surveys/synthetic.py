"""182 synthetic answers to the Mission Locale ↔ departmental council questionnaire, built deterministically from
the percentages published by the 2024 state-of-play (seed 002). Used by the test that checks the results pages
and exports reproduce the seed, and by the demo.

Counts: where a published percentage of its base is not an integer count, the nearest count whose percentage
rounds to the published one is taken (noted on each line). Figures the seed does not publish (the other
options) are chosen to make up the base.
"""

import random
from decimal import Decimal

RESPONDENTS = 182

#: code → [(answer, count)], for the questions asked to every respondent (counts sum to 182)
ALL = {
    # 86 % « oui »: 0.86 × 182 = 156.5 → 157 (86.3 % → 86 %)
    "convention": [("oui", 157), ("non", 25)],
    # 60 % plutôt bonnes: 109.2 → 109 (59.9 %); 22 % très bonnes: 40.0 → 40 (22.0 %)
    "fluidite_techniciens": [
        ("plutot_bonne", 109),
        ("tres_bonne", 40),
        ("plutot_difficile", 25),
        ("tres_difficile", 8),
    ],
    # 15 % « jamais »: 27.3 → 27 (14.8 %)
    "freq_ase_mna": [("jamais", 27), ("annuelle", 60), ("semestrielle", 40), ("trimestrielle", 35), ("mensuelle", 20)],
    # 7 % chaque mois: 12.7 → 13 (7.1 %)
    "freq_faj": [
        ("mensuelle", 13),
        ("jamais", 30),
        ("annuelle", 70),
        ("semestrielle", 35),
        ("trimestrielle", 30),
        ("hebdomadaire", 4),
    ],
    # 40 % « jamais »: 72.8 → 73 (40.1 %)
    "freq_sante": [("jamais", 73), ("annuelle", 55), ("semestrielle", 25), ("trimestrielle", 20), ("mensuelle", 9)],
    # 49 % « jamais »: 89.2 → 89 (48.9 %)
    "freq_handicap": [("jamais", 89), ("annuelle", 50), ("semestrielle", 20), ("trimestrielle", 15), ("mensuelle", 8)],
    # 41 % « jamais »: 74.6 → 75 (41.2 %)
    "freq_obligation_formation": [
        ("jamais", 75),
        ("annuelle", 45),
        ("semestrielle", 22),
        ("trimestrielle", 20),
        ("mensuelle", 15),
        ("hebdomadaire", 5),
    ],
    "freq_insertion": [
        ("jamais", 20),
        ("annuelle", 40),
        ("semestrielle", 30),
        ("trimestrielle", 45),
        ("mensuelle", 40),
        ("hebdomadaire", 7),
    ],
    # 2 % chaque semaine: 3.6 → 4 (2.2 %); 60 % une fois par an: 109.2 → 109 (59.9 %)
    "freq_indicateurs": [
        ("hebdomadaire", 4),
        ("annuelle", 109),
        ("jamais", 20),
        ("semestrielle", 25),
        ("trimestrielle", 16),
        ("mensuelle", 8),
    ],
    # 45 % chaque mois: 81.9 → 82 (45.1 %); 10 % chaque semaine: 18.2 → 18 (9.9 %)
    "freq_donnees_individuelles": [
        ("mensuelle", 82),
        ("hebdomadaire", 18),
        ("jamais", 30),
        ("annuelle", 20),
        ("semestrielle", 12),
        ("trimestrielle", 20),
    ],
    # 67 % « non »: 121.9 → 122 (67.0 %), which leaves exactly the 60 « oui » the seed names
    "outils_partages": [("non", 122), ("oui", 60)],
    # « 95 répondants ayant indiqué oui » (52.2 %: « la moitié »)
    "evenements_conjoints": [("oui", 95), ("non", 87)],
}

#: code → (condition code, condition answer, [(answer, count)]): conditional questions, over their own base
CONDITIONAL = {
    # among the 157 « oui »: 70 % annual: 109.9 → 110 (70.1 %); 20 % multi-year: 31.4 → 31 (19.7 %)
    "convention_duree": ("convention", "oui", [("annuelle", 110), ("pluriannuelle", 31), ("autre", 16)]),
    # « constance pour la majorité, diminution pour un quart »: 25 % of 157 = 39.25 → 39 (24.8 %); 86 constant
    # (54.8 %, a majority) and 32 up are our choice
    "evolution_subvention": ("convention", "oui", [("constant", 86), ("baisse", 39), ("hausse", 32)]),
    # among the 60 with shared tools: 60 % work correctly = 36 exactly
    "outils_fonctionnent": ("outils_partages", "oui", [("oui", 36), ("non", 24)]),
    # among the 60: 60 % « bien » or « plutôt bien » trained = 36 exactly (split 12 + 24 is our choice)
    "outils_formation": ("outils_partages", "oui", [("bien", 12), ("plutot_bien", 24), ("plutot_mal", 16), ("mal", 8)]),
    # among the 95 « oui »: 12 % monthly: 11.4 → 11 (11.6 %); 40 % annual = 38 exactly
    "evenements_frequence": (
        "evenements_conjoints",
        "oui",
        [("mensuelle", 11), ("annuelle", 38), ("semestrielle", 26), ("trimestrielle", 18), ("hebdomadaire", 2)],
    ),
}

#: other conventions (multiple choice, over the 182): FAJ 11 %: 20.0 → 20 (11.0 %); ASE/MNA 5 %: 9.1 → 9 (4.9 %)
OTHER_CONVENTIONS = [("faj", 20), ("ase_mna", 9), ("brsa", 14)]
#: among the 20 FAJ conventions, multi-year: 3 % of all respondents: 5.5 → 5 (2.7 %)
FAJ_MULTI_YEAR = 5

PROPOSALS = [
    "Un carnet de bord partagé pour le suivi et l'accompagnement des bénéficiaires du RSA, sans double saisie.",
    "Un outil de bilan et de suivi construit avec le Département et partagé entre les acteurs.",
    "Une interface entre i-milo et le logiciel du Département.",
]
COMMENTS = [
    "Il y a une véritable nécessité de disposer d'un interlocuteur unique et plus proche de la Mission Locale.",
    "Le mille-feuille conventionnel est créateur d'instabilité ; la durée des conventions est courte.",
    "Il nous faut des interlocuteurs définis en fonction de nos sujets communs : ASE, obligation de formation, FAJ.",
    "Nous ne nous sentons pas assez représentés par nos élus locaux.",
]
QUARTERS = ["tres_bonne", "plutot_bonne", "plutot_difficile", "tres_difficile"]


def _spread(rng: random.Random, indices: list[int], counts: list[tuple[str, int]]) -> dict[int, str]:
    if sum(c for _, c in counts) != len(indices):
        raise ValueError(f"{counts} ne fait pas {len(indices)}")
    order = list(indices)
    rng.shuffle(order)
    result, start = {}, 0
    for value, count in counts:
        for index in order[start : start + count]:
            result[index] = value
        start += count
    return result


def seed_2024_answers() -> list[dict]:
    """The 182 answer dicts, the same at every call."""
    answers: list[dict] = [{} for _ in range(RESPONDENTS)]
    everyone = list(range(RESPONDENTS))
    for code, counts in ALL.items():
        for index, value in _spread(random.Random(code), everyone, counts).items():
            answers[index][code] = value
    for code, (condition, expected, counts) in CONDITIONAL.items():
        subset = [i for i in everyone if answers[i].get(condition) == expected]
        for index, value in _spread(random.Random(code), subset, counts).items():
            answers[index][code] = value
    others: dict[int, list[str]] = {i: [] for i in everyone}
    for value, count in OTHER_CONVENTIONS:
        chosen = list(everyone)
        random.Random(f"other-{value}").shuffle(chosen)
        for index in chosen[:count]:
            others[index].append(value)
    order = ["faj", "ase_mna", "brsa"]
    faj = [i for i in everyone if "faj" in others[i]]
    for position, index in enumerate(faj):
        answers[index]["faj_pluriannuelle"] = "oui" if position < FAJ_MULTI_YEAR else "non"
    for index in everyone:
        answers[index]["autres_conventions"] = sorted(others[index], key=order.index) or ["aucune"]
        rng = random.Random(f"r-{index}")
        if index % 18:  # an optional question: 172 of 182 answer it
            answers[index]["fluidite_elus"] = QUARTERS[rng.randrange(4)]
        answers[index]["nb_interlocuteurs"] = 1 + rng.randrange(6)
        if answers[index]["convention"] == "oui":
            answers[index]["subvention_fonctionnement"] = str(Decimal(rng.randrange(20, 160) * 1000).quantize(
                Decimal("0.01")))  # fmt: skip
    tools = [i for i in everyone if answers[i]["outils_partages"] == "oui"]
    for position, index in enumerate(tools[: len(PROPOSALS)]):
        answers[index]["outils_propositions"] = PROPOSALS[position]
    for position, comment in enumerate(COMMENTS):
        answers[position * 40]["commentaire"] = comment
    return answers
