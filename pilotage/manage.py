"""The `pilotage` console script: Django's manage.py for this project."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pilotage.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as exc:
        # A missing or wrong setting (SECRET_KEY, DATABASE_URL in production…): its message, not a traceback.
        sys.exit(f"Configuration incomplète : {exc}")


if __name__ == "__main__":
    main()
