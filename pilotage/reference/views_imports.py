"""The reference-data import screen (DGEFP)."""

from pilotage.core.import_screen import ImportKindScreen, ImportScreen
from pilotage.reference.imports import KINDS, reference_import


def _runner(kind):
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
)
import_upload = SCREEN.upload
import_confirm = SCREEN.confirm
