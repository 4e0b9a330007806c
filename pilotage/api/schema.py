"""What the OpenAPI document says about the API as a whole: the description (conventions) and the tags."""

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

DESCRIPTION = f"""
Référentiel du réseau des Missions Locales : territoires (régions, départements), Missions Locales, associations
régionales (ARML), services de l'État et financeurs.

**Authentification.** Un système s'authentifie par jeton, avec l'en-tête `Authorization: Token <jeton>` (le
jeton commence par `pml_`). Chacun crée ses jetons sur la page « Jetons d'accès à l'API » de son compte
(`/api/jeton/`), en les nommant ; un administrateur peut aussi lancer
`pilotage create_api_token <courriel> --name <nom> --scope lecture|ecriture --days <jours>`. Le jeton n'est
affiché qu'une fois (la plateforme n'en garde qu'une empreinte) ; il expire (par défaut après
{settings.API_TOKEN_DAYS} jours, au plus {settings.API_TOKEN_MAX_DAYS}) et peut être révoqué à tout moment par
son titulaire ou par la DGEFP. Un jeton « lecture » ne permet que GET (toute modification : 403) ; un jeton
« lecture et écriture » donne les droits du compte. Chaque jeton est limité à
{settings.API_TOKEN_RATE.replace("/", " requêtes par ")} : au-delà, 429 avec l'en-tête `Retry-After` (secondes
à attendre). Dans le navigateur, la session du site suffit (API navigable).

**Périmètre.** Chaque réponse suit le périmètre du compte, fixé par son rôle et son organisation : un objet hors
du périmètre répond 404, comme un objet qui n'existe pas, et le `count` d'une liste ne compte que les objets
visibles. `GET /api/v1/moi/` donne le rôle, l'organisation et le périmètre du compte.

**Noms des champs.** Les champs portent les mots des utilisateurs, en français, en minuscules sans accents avec
des tirets bas : ce sont les noms des colonnes des fichiers d'import et d'export (`code_ml`, `nom`, `nom_usage`,
`siret`, `forme_juridique`, `departement`, `departements_couverts`, `adresse`, `code_postal`, `commune`,
`courriel`, `telephone`, `president`, `directeur`, `actif`…). Les territoires sont désignés par leur code INSEE
(`93`, `13`, `2A`, `974`), les Missions Locales par leur code structure i-milo (`code_ml`), les autres
organisations par leur identifiant `id`. Les valeurs codées (`type`, `niveau`, `forme_juridique`) sont listées
avec leur libellé dans chaque schéma.

**Pagination.** Les listes sont paginées par {settings.REST_FRAMEWORK["PAGE_SIZE"]} : `count`, `next`,
`previous`, `results` ; `taille` choisit le nombre de résultats par page (de 1 à 1000). Suivez `next` jusqu'à ce
qu'il vaille `null`. Les grandes listes (lignes de financement, indicateurs, suppressions) se lisent par curseur :
`next` et `previous` portent un `curseur` opaque, position dans l'ordre de la liste, que les ajouts et les
suppressions faits pendant la lecture ne décalent pas ; `page` y reste accepté pour aller à une page donnée. Les
autres listes se paginent par numéro de page (`page`).

**Indicateurs.** `GET /api/v1/indicateurs/` donne les valeurs du tableau de bord CPO au format long (niveau,
code, année, indicateur, ventilation, valeur), masquées comme sur le tableau de bord pour les rôles qui voient
les petits effectifs masqués (`secret_statistique`), avec la version lue et sa date « données au » (`jeu`).

**Envoi de lignes de financement.** `POST /api/v1/lignes-financement/import/` enregistre une liste JSON de
lignes au format d'import, par le service de l'écran d'import : tout ou rien, sans effet si rien ne change,
une erreur par ligne et par champ (`ligne`, `champ`, `valeur`, `raison`), historisé au nom du titulaire du
jeton.

**Envoi d'exports de l'entrepôt.** `POST /api/v1/depots-donnees/` (corps `multipart/form-data` : `fichier`,
`region`, `annee`, `type`, `donnees_au`) dépose un export de l'entrepôt (zip) ou des résultats au format long,
comme la page de dépôt et par le même service (mêmes contrôles, même territoire, même traitement en tâche de
fond) ; l'état, l'avancement et les problèmes du traitement se lisent sur `GET /api/v1/depots-donnees/{{id}}/`.

**Enquêtes.** `GET /api/v1/enquetes/{{id}}/resultats/` donne les tableaux publiés, avec leurs bases, comme la page
de résultats (petits effectifs masqués de la même façon) ; `…/reponses/` donne les réponses brutes aux seuls
gestionnaires de l'enquête.

**Détails.** Le détail d'une convention donne ses avenants (lignes budgétaires, versements) et ses documents ;
celui d'un dossier de dialogue ses réponses par thème, sa synthèse, ses objectifs et son plan d'action ; celui
d'un programme d'animation ses actions, cofinancements, jalons et indicateurs. Les listes restent à plat.

**Erreurs.** 400 : paramètre ou donnée invalide (un message par champ) ; 401 : jeton absent, invalide, expiré
ou révoqué ; 403 : objet visible mais modification non autorisée (le message nomme les champs refusés), ou
jeton en lecture seule ; 404 : objet inexistant ou hors du périmètre, page au-delà de la dernière, ou adresse
inconnue ; 405 : méthode non permise sur cette adresse (l'en-tête `Allow` donne les autres) ; 406 : en-tête
`Accept` sans JSON ; 415 : corps de requête dans un autre format que celui documenté (JSON, ou
`multipart/form-data` pour un dépôt) ; 429 : trop de requêtes pour ce jeton. Chaque route documente chacun des
codes qu'elle peut répondre. Toute erreur sous
`/api/` est un document JSON en français (`detail`, ou un message par champ ou paramètre). Les paramètres entiers
(`annee`, `page`) n'acceptent que les chiffres 0 à 9, dans leurs bornes ; une valeur codée vide (`?categorie=`)
est refusée, pas lue comme absente ; un caractère de contrôle est refusé dans un paramètre comme dans un champ
texte. Un courriel ou un code postal inconnu vaut `null`.
""".strip()

TAGS = [
    {"name": "Territoires", "description": "Régions et départements du Code officiel géographique."},
    {"name": "Missions Locales", "description": "Les Missions Locales : consultation et mise à jour de la fiche."},
    {"name": "Organisations", "description": "ARML, services de l'État (DGEFP, DREETS, DDETS) et financeurs."},
    {
        "name": "Financements",
        "description": "Lignes de financement (lecture et envoi en masse) et conventions.",
    },
    {
        "name": "Dialogue de gestion",
        "description": "Dossiers annuels du dialogue de gestion entre l'État et chaque Mission Locale.",
    },
    {
        "name": "Animation",
        "description": "Animation régionale : programmes régionaux d'animation des ARML, avec leurs totaux.",
    },
    {
        "name": "Enquetes",
        "description": "Enquêtes : résultats publiés avec leurs bases (petits effectifs masqués comme sur la page) et, "
        "pour leurs gestionnaires, les réponses.",
    },
    {
        "name": "Indicateurs",
        "description": "Tableau de bord CPO au format long (niveau, code, année, indicateur, ventilation, valeur), "
        "petits effectifs masqués comme sur le tableau de bord.",
    },
    {
        "name": "Synchronisation",
        "description": "Synchronisation incrémentale : les objets supprimés (les objets modifiés se lisent avec "
        "`modifie_depuis` sur chaque liste).",
    },
    {"name": "Compte", "description": "Le compte authentifié et son périmètre."},
    {
        "name": "Depots",
        "description": "Dépôts de données du tableau de bord CPO (exports de l'entrepôt, résultats au format long) : "
        "le dépôt, son rapport de qualité et son journal d'approbation.",
    },
]

#: every tag name is ASCII-safe: a generated client names its modules after them
assert all(tag["name"].isascii() for tag in TAGS)

#: Passed to the schema view (and to `spectacular --custom-settings pilotage.api.schema.SCHEMA_SETTINGS`).
SCHEMA_SETTINGS = {
    "DESCRIPTION": DESCRIPTION,
    "TAGS": TAGS,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "pilotage.api.schema.document_every_status",
    ],
}

ERROR = inline_serializer(name="Error", fields={"detail": serializers.CharField()})
UNAUTHENTICATED = OpenApiResponse(ERROR, description="Jeton absent ou invalide.")
NOT_FOUND = OpenApiResponse(ERROR, description="Objet inexistant ou hors du périmètre du compte.")
FORBIDDEN = OpenApiResponse(ERROR, description="Modification non autorisée ; le message nomme les champs refusés.")
INVALID = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="Données ou paramètres invalides (entier mal formé, valeur codée vide ou inconnue, caractère de "
    "contrôle) : un message en français par champ ou paramètre.",
)
PAGE_NOT_FOUND = OpenApiResponse(ERROR, description="Page inexistante (au-delà de la dernière page).")
UNSUPPORTED_MEDIA_TYPE = OpenApiResponse(
    ERROR, description="Corps de requête dans un autre format que JSON (`Content-Type: application/json` attendu)."
)
THROTTLED = OpenApiResponse(
    ERROR, description="Trop de requêtes pour ce jeton ; l'en-tête `Retry-After` dit combien de secondes attendre."
)


ERROR_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"type": "string", "description": "Le message, en français."}},
    "required": ["detail"],
}
ANY_ERROR_SCHEMA = {"type": "object", "additionalProperties": {}, "description": "`detail`, ou un message par champ."}
UNSAFE = {"post", "put", "patch", "delete"}


def expected_statuses(path: str, method: str, operation: dict) -> dict[str, str]:
    """The error statuses an operation may answer (issue 16: every code a route can return is documented), with
    the description given when the view's own documentation does not say it: 401, 404 (`?format=` too), 405, 406 and
    429 everywhere; 400 with parameters or a body; 403 for a write, and 415 for a write with a body."""
    statuses = {
        "401": "Jeton absent, invalide, expiré ou révoqué.",
        "404": "Objet inexistant ou hors du périmètre du compte, page inexistante, ou format inconnu (`?format=`).",
        "405": "Méthode non permise sur cette adresse (l'en-tête `Allow` donne les méthodes permises).",
        "406": "Aucun format de réponse ne convient à l'en-tête `Accept` : la réponse est en JSON.",
        "429": "Trop de requêtes pour ce jeton ; l'en-tête `Retry-After` dit combien de secondes attendre.",
    }
    names = {parameter["name"] for parameter in operation.get("parameters", [])}
    if names or "requestBody" in operation:
        statuses["400"] = "Paramètre ou donnée invalide : un message en français par paramètre ou champ."
    if method in UNSAFE:
        statuses["403"] = "Jeton en lecture seule, ou action non permise à ce compte."
        if "requestBody" in operation:
            statuses["415"] = "Corps de requête dans un autre format que celui documenté."
    return statuses


#: OpenAPI links (what an answer leads to): (path, method, status) → {name: (operationId, parameters, description)}.
#: A client (or Schemathesis's stateful tests) follows them: a pushed line read in its list then alone, a pushed
#: export read with its processing, the first row of a list read in detail.
LINKS = {
    ("/api/v1/lignes-financement/import/", "post", "200"): {
        "LignesEnvoyees": ("v1_lignes_financement_list",
                           {"code_ml": "$request.body#/0/code_ml", "annee": "$request.body#/0/annee"},
                           "Les lignes de la Mission Locale et de l'année de la première ligne envoyée."),
    },
    ("/api/v1/depots-donnees/", "post", "201"): {
        "Depot": ("v1_depots_donnees_retrieve", {"id": "$response.body#/id"},
                  "Le dépôt, son état et l'avancement de son traitement."),
        "Approbations": ("v1_depots_donnees_approbations_list", {"id": "$response.body#/id"},
                         "Le journal d'approbation du dépôt."),
    },
    ("/api/v1/missions-locales/{code}/", "get", "200"): {
        "Modifier": ("v1_missions_locales_partial_update", {"code": "$response.body#/code_ml"},
                     "Modifier cette Mission Locale."),
    },
}  # fmt: skip
#: list → the detail of its first row: list path → (detail operationId, path parameter, field of a row)
FIRST_ROW = {
    "/api/v1/lignes-financement/": ("v1_lignes_financement_retrieve", "id", "id"),
    "/api/v1/conventions/": ("v1_conventions_retrieve", "id", "id"),
    "/api/v1/missions-locales/": ("v1_missions_locales_retrieve", "code", "code_ml"),
    "/api/v1/regions/": ("v1_regions_retrieve", "code", "code"),
    "/api/v1/departements/": ("v1_departements_retrieve", "code", "code"),
    "/api/v1/arml/": ("v1_arml_retrieve", "id", "id"),
    "/api/v1/services-etat/": ("v1_services_etat_retrieve", "id", "id"),
    "/api/v1/financeurs/": ("v1_financeurs_retrieve", "id", "id"),
    "/api/v1/dialogues-gestion/": ("v1_dialogues_gestion_retrieve", "id", "id"),
    "/api/v1/programmes-animation/": ("v1_programmes_animation_retrieve", "id", "id"),
    "/api/v1/enquetes/": ("v1_enquetes_retrieve", "id", "id"),
    "/api/v1/depots-donnees/": ("v1_depots_donnees_retrieve", "id", "id"),
}


def all_links() -> dict:
    links = {key: dict(value) for key, value in LINKS.items()}
    for path, (operation_id, parameter, field) in FIRST_ROW.items():
        links.setdefault((path, "get", "200"), {})["PremiereLigne"] = (
            operation_id, {parameter: f"$response.body#/results/0/{field}"}, "Le détail de la première ligne.",
        )  # fmt: skip
    return links


def add_links(result) -> None:
    for (path, method, status), links in all_links().items():
        response = result["paths"][path][method]["responses"][status]
        response["links"] = {
            name: {"operationId": operation_id, "parameters": parameters, "description": description}
            for name, (operation_id, parameters, description) in links.items()
        }


def document_every_status(result, generator, request, public):
    """drf-spectacular post-processing hook: each operation lists every error status it may answer (a JSON error
    in French), adding those its view's documentation leaves out, 405 on every route. The schemas are shared
    components (`Error`, `ErrorFields`), so that a generated client has one error type, not one per operation."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("Error", ERROR_SCHEMA)
    components.setdefault("ErrorFields", ANY_ERROR_SCHEMA)
    for path, item in result.get("paths", {}).items():
        for method, operation in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for status, description in expected_statuses(path, method, operation).items():
                if status not in responses:
                    schema = {"$ref": f"#/components/schemas/{'ErrorFields' if status == '400' else 'Error'}"}
                    responses[status] = {
                        "description": description,
                        "content": {"application/json": {"schema": schema}},
                    }
    add_links(result)
    return result


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """How the schema (and Swagger's « Authorize » button) describes our knox tokens."""

    target_class = "pilotage.api.authentication.ApiTokenAuthentication"
    name = "tokenAuth"
    priority = 1

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Jeton d'API, précédé du mot `Token` : `Authorization: Token pml_…`. Créé sur la page "
            "« Jetons d'accès à l'API » du compte ; il expire, peut être révoqué, donne la lecture seule ou la "
            "lecture et l'écriture, et est limité en nombre de requêtes (429 et `Retry-After` au-delà).",
        }
