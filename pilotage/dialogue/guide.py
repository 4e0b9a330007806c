"""The management dialogue guide of seed 004 (annex 2, fiche 1): four steps, their themes as guided questions,
the indicators to examine beside each step (fiches 2 and 3), and the five themes of the synthesis table."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Theme:
    key: str
    title: str
    questions: tuple[str, ...]


@dataclass(frozen=True)
class Step:
    key: str
    number: int
    title: str
    summary: str
    themes: tuple[Theme, ...]
    indicators: tuple[str, ...]
    shows_funding: bool = False


STEPS = (
    Step(
        "context",
        1,
        "Analyse et partage du contexte",
        "Collecter et analyser les données économiques et sociales du territoire avec les partenaires ; mettre en "
        "lumière les facteurs favorables et les principaux freins. Le poids régional de la Mission Locale se lit "
        "avec les jeunes actifs non occupés, les DEFM et les jeunes en demande d'insertion.",
        (
            Theme(
                "context.transmission",
                "La transmission des informations",
                (
                    "Quels éléments de connaissance du fonctionnement, de l'activité et des axes de développement de la "
                    "Mission Locale sont transmis en amont (offre de service : jeunes, employeurs, ingénierie de projets) ?",
                    "Quelles priorités régionales et quel calendrier les services de l'État partagent-ils ?",
                ),
            ),
            Theme(
                "context.diagnostic",
                "Le diagnostic de territoire",
                (
                    "Caractéristiques démographiques et de la population du territoire.",
                    "Situation de l'emploi, tissu productif, offre de formation.",
                    "Actions favorisant l'accès des jeunes au droit commun et à l'autonomie.",
                    "Poids régional de la Mission Locale (JANO et NEET, DEFM, JDI).",
                ),
            ),
        ),
        ("0.1", "0.2", "1", "2bis.1", "R1", "R4"),
    ),
    Step(
        "pathway",
        2,
        "Le parcours d'accompagnement contractualisé",
        "Repérage, accueil, diagnostic, orientation et consolidation du projet ; puis le parcours d'accompagnement "
        "vers et dans l'emploi, jusqu'à l'autonomie du jeune.",
        (
            Theme(
                "pathway.presence",
                "Implantation, visibilité et organisation",
                (
                    "Modalités d'adaptation des lieux d'accueil aux contraintes du territoire et des publics cibles "
                    "(mobilité, services publics, proximité…).",
                    "Moyens utilisés pour que l'offre de service soit identifiée sur le territoire (signalétique, "
                    "communication, presse).",
                    "Adaptation de l'organisation à l'accueil des publics prioritaires (bus itinérant, permanences, QPV, "
                    "décrocheurs, horaires d'ouverture…).",
                ),
            ),
            Theme(
                "pathway.outreach",
                "Repérage, accueil et information",
                (
                    "Aller vers les jeunes qui ne sont pas en contact avec la Mission Locale ; démarches auprès des "
                    "partenaires, notamment dans les QPV.",
                    "Politique d'accueil : accueil immédiat ou sur rendez-vous dans un délai raisonnable, espace "
                    "d'accueil et d'information, informations individuelles et collectives.",
                    "Organisation interne pour gérer le flux des premiers accueils.",
                ),
            ),
            Theme(
                "pathway.diagnosis",
                "Diagnostic, orientation et consolidation du projet",
                (
                    "Processus de diagnostic des jeunes qui se présentent à la Mission Locale.",
                    "Actions et méthode permettant, dans un délai de quatre mois, de proposer une offre de qualité "
                    "(emploi, formation, apprentissage, stage).",
                    "Orientation vers une modalité d'accompagnement adaptée ; actions auprès des prescripteurs et "
                    "partenaires.",
                ),
            ),
            Theme(
                "pathway.accompaniment",
                "Modalités d'accompagnement et offre de service",
                (
                    "Séquences du parcours d'accès à l'autonomie et à l'emploi (actions individuelles et collectives, "
                    "fréquence des entretiens, mises en situation, aides FIPJ…).",
                    "Parcours proposés aux publics les plus éloignés de l'emploi (décrocheurs, jeunes sous main de "
                    "justice, en situation de handicap, des QPV).",
                    "L'offre de service du territoire est-elle en adéquation avec les besoins des jeunes (subsistance, "
                    "transport, logement, garde d'enfant, soins) ?",
                ),
            ),
            Theme(
                "pathway.partnership",
                "Partenariat et complétude de l'offre",
                (
                    "Modalités du partenariat local (France Travail, PJJ, Cap emploi, plates-formes de décrochage, "
                    "organismes de formation, CFA, FJT…).",
                    "Manques identifiés dans l'offre de service et coopérations à développer.",
                ),
            ),
        ),
        (
            "2",
            "2.1",
            "2.2",
            "3",
            "3.1",
            "4",
            "4.1",
            "4.4",
            "6",
            "8.1",
            "8.1.f",
            "8.1.i",
            "R2",
            "R3",
            "R5",
            "R6",
            "R7",
            "R8",
            "R9",
            "R10",
            "R11",
        ),
    ),
    Step(
        "employers",
        3,
        "L'offre de service aux employeurs",
        "Apprécier l'existence d'un réseau actif d'employeurs partenaires et son animation : collecte d'offres, "
        "aide au recrutement, rapprochement jeunes et entreprises, mises en situation professionnelle.",
        (
            Theme(
                "employers.offer",
                "L'offre de service aux employeurs",
                (
                    "Organisation retenue avec France Travail : chargés de relation entreprise, prospection, "
                    "recrutement, périodes de mise en situation en milieu professionnel.",
                    "Actions de soutien aux employeurs : définition des besoins, profils de poste, maintien dans l'emploi.",
                    "Diffusion de l'offre d'apprentissage et veille sur les métiers en développement.",
                ),
            ),
            Theme(
                "employers.network",
                "L'animation d'un réseau d'employeurs",
                (
                    "Organisation de la prospection (contrats aidés, alternance…).",
                    "Actions thématiques menées auprès des employeurs (alternance, intérim…).",
                ),
            ),
            Theme(
                "employers.partnership",
                "Les partenariats économiques",
                (
                    "Coopération avec les collectivités, entreprises, chambres consulaires, SIAE, PLIE, branches.",
                    "Projets ou actions spécifiques ; coopérations avec les entreprises locales (visites, forums, "
                    "parrainage…).",
                ),
            ),
        ),
        ("4.1.f", "4.1.h", "6.1.emploi", "8.1.f.alternance", "8.1.f.emploi_durable"),
    ),
    Step(
        "conclusive",
        4,
        "Étape conclusive : adéquation des ressources, plan d'action et objectifs",
        "Examiner la performance globale de la Mission Locale à partir des constats partagés et du tableau de bord, "
        "pour déterminer le plan d'action annuel et ajuster les financements.",
        (
            Theme(
                "conclusive.funding",
                "Mobilisation des financements",
                (
                    "Répartition des financements par financeur (collectivités, conseils régional et départemental, "
                    "FSE, autres ministères).",
                    "Part de financement des activités spécifiques ; adéquation des ressources aux besoins des publics.",
                    "Fragilité financière éventuelle (indicateurs de bonne gestion).",
                ),
            ),
            Theme(
                "conclusive.scope",
                "Dans le cadre des financements",
                (
                    "À quels besoins et sur quels champs d'activité les moyens de la CPO permettent-ils de répondre ?",
                    "Conditions nécessaires au développement des champs d'activité où des axes de progrès ont été "
                    "identifiés.",
                    "Nombre et part des ETP dédiés à l'accompagnement.",
                ),
            ),
            Theme(
                "conclusive.funders",
                "Vision partagée des financeurs",
                (
                    "Les différents financeurs ont-ils une vision partagée de l'activité et des objectifs de la Mission "
                    "Locale pour l'année à venir ?",
                ),
            ),
        ),
        ("9", "9.1", "10", "10.1.b", "10.1.c", "10.1.d", "10.1.e", "R12", "R13"),
        shows_funding=True,
    ),
)
STEP_BY_KEY = {step.key: step for step in STEPS}
THEME_KEYS = {theme.key for step in STEPS for theme in step.themes}

#: the synthesis table of fiche 1: theme × strengths / areas for progress / priority actions
SYNTHESIS_THEMES = (
    ("context", "Analyse et partage du contexte"),
    ("pathway", "Parcours d'accompagnement vers et dans l'emploi, dont les actions menées pour favoriser l'accès "
                "des jeunes à l'autonomie et au droit commun"),
    ("employers", "Offre de service aux employeurs"),
    ("engineering", "Ingénierie de projets"),
    ("resources", "Mesure de la dynamique globale — adéquation des ressources"),
)  # fmt: skip
