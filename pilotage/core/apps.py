from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.contrib.staticfiles.apps import StaticFilesConfig


class CoreConfig(AppConfig):
    default = True
    name = "pilotage.core"
    label = "core"
    verbose_name = "Socle"


class PilotageAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "pilotage.core.admin_site.PilotageAdminSite"


class PilotageStaticFilesConfig(StaticFilesConfig):
    """`collectstatic` leaves out the parts of the DSFR distribution that no page loads: the per-component and
    legacy builds, the analytics, the per-category utility sheets (the pages load `dsfr/dsfr.min.css`,
    `dsfr/dsfr.(no)module.min.js` and `utility/utility.min.css`, which bring the icons, fonts and favicons).
    Production's start (hashing and compressing every file) then handles half as many files.

    Nor the admin's unminified vendor sources: with DEBUG off (always, in production: `check --deploy`) the admin
    names the `.min` builds only (`"" if settings.DEBUG else ".min"` in django.contrib.admin); the unminified
    ones were hashed, compressed twice (their Brotli alone: 0.7 s of CPU) and never served. Outside production
    WhiteNoise serves the apps' files directly (WHITENOISE_USE_FINDERS), unminified ones included."""

    default = False
    # (a directory is matched by its name alone, a file by its whole path: hence the "/*")
    ignore_patterns = [
        *StaticFilesConfig.ignore_patterns,
        "README.md",
        "dsfr/dist/analytics/*",
        "dsfr/dist/component/*",
        "dsfr/dist/core/*",
        "dsfr/dist/layout/*",
        "dsfr/dist/legacy/*",
        "dsfr/dist/scheme/*",
        "dsfr/dist/dsfr.*",  # the same bundles as dsfr/dist/dsfr/
        "dsfr/dist/*.legacy.*",
        "dsfr/dist/*.main.min.css",
        "dsfr/dist/*.print.min.css",
        "dsfr/dist/utility/colors/*",
        "dsfr/dist/utility/icons/*",
        "dsfr/dist/utility/pictograms/*",
        "admin/js/vendor/jquery/jquery.js",
        "admin/js/vendor/select2/select2.full.js",
        "admin/js/vendor/xregexp/xregexp.js",
        "admin/css/vendor/select2/select2.css",
    ]
