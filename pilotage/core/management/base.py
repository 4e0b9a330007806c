"""What the import commands share: printing a report and failing with a non-zero status."""

import tempfile

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from pilotage.core.tabular import ImportReport


def acting_user(email: str | None):
    if not email:
        return None
    try:
        return get_user_model().objects.get(email=email)
    except get_user_model().DoesNotExist as exc:
        raise CommandError(f"Aucun utilisateur n'a l'adresse {email}.") from exc


def print_report(command, report: ImportReport) -> None:
    """Every issue on its own line, then the summary; a CommandError (exit status 1) when the file is refused."""
    for issue in report.shown_issues:
        style = command.style.WARNING if issue.severity == "warning" else command.style.ERROR
        command.stdout.write(style(str(issue)))
    if report.more_issues:
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", prefix="problemes-", suffix=".csv",
                                         delete=False) as handle:  # fmt: skip
            handle.write(report.issues_csv())
        command.stdout.write(command.style.ERROR(f"{report.more_issues} : la liste complète est dans {handle.name}"))
    if not report.ok and not report.exclude_rejected:
        raise CommandError(report.summary)
    command.stdout.write(command.style.SUCCESS(report.summary))
    if not report.wet_run:
        command.stdout.write("Simulation : rien n'a été enregistré, relancez avec --wet-run pour enregistrer.")
