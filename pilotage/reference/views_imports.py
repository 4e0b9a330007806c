"""The reference-data import screen (DGEFP): upload → simulation with every issue → confirmation → saved.

The screen itself is shared by every domain (pilotage/core/import_screen.py); the rules are in
pilotage/reference/imports.py. Users without `reference.manage_reference_data` get a 404.
"""

from pilotage.core.import_screen import ImportKindScreen, ImportScreen
from pilotage.reference.imports import KINDS, reference_import

INTRO = (
    "Les Missions Locales sont reconnues par leur code structure i-milo, les ARML par leur région, les conseils "
    "régionaux et départementaux par leur code INSEE, les communes et EPCI par leur SIREN, les autres financeurs "
    "par leur nom. Une colonne présente dans le fichier fait foi, même vide ; une colonne absente laisse la donnée "
    "telle quelle. Pour modifier la liste des Missions Locales dans un tableur puis la réimporter, partez de son "
    "« CSV technique » (codes et noms de colonnes de l'import)."
)


def _runner(kind: str):
    def run(path, filename, user, wet_run):
        return reference_import(kind=kind, path_or_file=path, filename=filename, acting_user=user, wet_run=wet_run)

    return run


SCREEN = ImportScreen(
    title="Imports du référentiel",
    kinds={k.name: ImportKindScreen(k.name, k.label, k.columns, _runner(k.name)) for k in KINDS.values()},
    allowed=lambda user: user.has_perm("reference.manage_reference_data"),
    url_name="reference:import",
    confirm_url_name="reference:import_confirm",
    session_key="reference_import",
    intro=INTRO,
)
import_upload = SCREEN.upload
import_confirm = SCREEN.confirm
