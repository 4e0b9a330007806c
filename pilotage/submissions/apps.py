from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    name = "pilotage.submissions"
    label = "submissions"
    verbose_name = "Dépôts de données"

    def ready(self):
        from pilotage.indicators.provenance import Source, register_source  # noqa: PLC0415 (apps load first)
        from pilotage.submissions import perms, processing, selectors  # noqa: F401, PLC0415 (rules, the job)

        register_source(Source(lineage=selectors.lineage, explanations=selectors.explanations_for,
                               links=selectors.data_links))  # fmt: skip
