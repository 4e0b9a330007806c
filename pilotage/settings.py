"""Settings, read from the environment through `Env` (see README « Configuration »).

Safe local defaults make `make run` work on a bare machine (SQLite, DEBUG); production sets
`PILOTAGE_ENV=production`, which requires `SECRET_KEY` and `DATABASE_URL` and turns on the secure cookies.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent


class Env:
    """One object to read the environment, with typed helpers."""

    def __init__(self, environ=os.environ):
        self.environ = environ

    def str(self, name: str, default: str | None = None) -> str:
        value = self.environ.get(name, default)
        if value is None:
            raise ImproperlyConfigured(f"La variable d'environnement {name} est obligatoire.")
        return value

    def bool(self, name: str, default: bool) -> bool:
        value = self.environ.get(name)
        if value is None:
            return default
        return value.strip().lower() in {"1", "true", "yes", "oui", "on"}

    def int(self, name: str, default: int) -> int:
        return int(self.environ.get(name, default))

    def list(self, name: str, default: str = "") -> list[str]:
        return [item.strip() for item in self.environ.get(name, default).split(",") if item.strip()]


env = Env()

PRODUCTION = env.str("PILOTAGE_ENV", "development") == "production"
DEBUG = env.bool("DEBUG", not PRODUCTION)
if PRODUCTION and len(env.str("SECRET_KEY", "")) < 50:
    raise ImproperlyConfigured(
        "PILOTAGE_ENV=production : la variable d'environnement SECRET_KEY est obligatoire et doit compter au "
        'moins 50 caractères aléatoires (par exemple : python3 -c "import secrets; print(secrets.token_urlsafe(50))").'
    )
SECRET_KEY = env.str("SECRET_KEY", "dev-only-insecure-secret-key")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "pilotage.core.apps.PilotageAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "pilotage.core.apps.PilotageStaticFilesConfig",  # django.contrib.staticfiles, without unused DSFR builds
    "django.forms",
    "widget_tweaks",
    "dsfr",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "rest_framework",
    "knox",
    "axes",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "pilotage.core",
    "pilotage.reference",
    "pilotage.accounts",
    "pilotage.funding",
    "pilotage.indicators",
    "pilotage.submissions",
    "pilotage.dialogue",
    "pilotage.documents",
    "pilotage.surveys",
    "pilotage.api",
    "pilotage.animation",
    "pilotage.home",
    "pilotage.demo",
    "pilotage.audit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "pilotage.accounts.sessions.SessionTimeoutMiddleware",
    "axes.middleware.AxesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "pilotage.audit.middleware.ExportLogMiddleware",
    "pilotage.core.middleware.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "pilotage.urls"
WSGI_APPLICATION = "pilotage.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                # not django-dsfr's `site_config`: it reads DsfrConfig (2 queries) on every page for the
                # header/footer templates of django-dsfr, which the platform does not use (its own base.html)
                "pilotage.core.context_processors.platform",
            ],
            "string_if_invalid": env.str("TEMPLATE_STRING_IF_INVALID", ""),
        },
    }
]
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

if PRODUCTION and not env.str("DATABASE_URL", ""):
    # Never fall back silently to a local SQLite file in production.
    raise ImproperlyConfigured(
        "PILOTAGE_ENV=production : la variable d'environnement DATABASE_URL est obligatoire "
        "(par exemple postgres://utilisateur@hôte:5432/pilotage) ; la base SQLite de démonstration "
        "n'est pas utilisée en production."
    )
DATABASES = {
    "default": dj_database_url.parse(
        env.str("DATABASE_URL", f"sqlite:///{PROJECT_DIR / 'db.sqlite3'}"),
        # In production each gunicorn worker keeps its connection (ADR 0024): opening one per request costs a
        # PostgreSQL backend process each time; a connection found broken is replaced at the next request.
        conn_max_age=env.int("DATABASE_CONN_MAX_AGE", 600 if PRODUCTION else 0),
        conn_health_checks=PRODUCTION,
    )
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Statement timeout: a runaway query is stopped instead of holding a worker.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c statement_timeout={env.int('DATABASE_STATEMENT_TIMEOUT_MS', 30000)}"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses any attempt (form, admin, ProConnect) from a locked-out account or address.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Does nothing unless ProConnect is configured and the request is its callback.
    "pilotage.accounts.proconnect.ProConnectBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Repeated characters, places + year, the platform's and the demo's names, the organisation; then zxcvbn.
    {
        "NAME": "pilotage.accounts.passwords.PasswordStrengthValidator",
        "OPTIONS": {"min_score": env.int("PASSWORD_MIN_STRENGTH", 3)},
    },
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home:home"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", str(PROJECT_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Outside production, WhiteNoise serves the files straight from the apps (no collectstatic needed).
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = not PRODUCTION
if PRODUCTION:
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    # Pages name the hashed files only ({% static %}): the originals are neither kept nor compressed, and source
    # maps (read by developers' tools, not by browsers) are not compressed either.
    WHITENOISE_KEEP_ONLY_HASHED_FILES = True
    WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", str(PROJECT_DIR / "media")))
MEDIA_URL = "media/"

# Session and cookie security. A session ends after SESSION_IDLE_MINUTES without a request, and in any case
# SESSION_MAX_HOURS after the login (pilotage.accounts.sessions.SessionTimeoutMiddleware).
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", 120)
SESSION_MAX_HOURS = env.int("SESSION_MAX_HOURS", 8)
SESSION_COOKIE_AGE = SESSION_MAX_HOURS * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = PRODUCTION
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = 31536000 if PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", PRODUCTION)
# Behind the TLS proxy: a request it forwards with "X-Forwarded-Proto: https" is a secure request (the proxy
# must set this header itself, overwriting any the client sent).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# The client's address: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT reverse proxies (TLS terminator, load
# balancer) that each append to X-Forwarded-For, the address the outermost one saw (pilotage.core.clients).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", 0)

# The cache holds the rate-limit counters (password reset, API throttling). In one process (development,
# tests) the local memory is enough; several workers (production) share a directory so that limits hold
# across them. CACHE_DIR chooses the directory.
if PRODUCTION or env.str("CACHE_DIR", ""):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": env.str("CACHE_DIR", str(PROJECT_DIR / "var" / "cache")),
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Login throttling (django-axes, database handler: shared by every worker). After LOGIN_FAILURES_PER_ACCOUNT
# failures for one e-mail address, or LOGIN_FAILURES_PER_IP from one address, each less than
# LOGIN_LOCKOUT_MINUTES apart, both are refused for LOGIN_LOCKOUT_MINUTES (a failure during the lockout
# restarts it). Form, admin and ProConnect logins all go through `authenticate`, hence through axes.
LOGIN_FAILURES_PER_ACCOUNT = env.int("LOGIN_FAILURES_PER_ACCOUNT", 5)
LOGIN_FAILURES_PER_IP = env.int("LOGIN_FAILURES_PER_IP", 20)
LOGIN_LOCKOUT_MINUTES = env.int("LOGIN_LOCKOUT_MINUTES", 15)
AXES_HANDLER = "pilotage.accounts.lockout.LockoutHandler"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = "pilotage.accounts.lockout.failure_limit"  # read at each attempt: LOGIN_FAILURES_PER_ACCOUNT
AXES_COOLOFF_TIME = "pilotage.accounts.lockout.cool_off"  # LOGIN_LOCKOUT_MINUTES
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "pilotage.accounts.lockout.attempted_username"
AXES_CLIENT_IP_CALLABLE = "pilotage.core.clients.client_ip"
AXES_LOCKOUT_CALLABLE = "pilotage.accounts.lockout.lockout_response"
AXES_VERBOSE = False  # our own log line says it once (pilotage.security)

# Password reset: at most this many e-mails per address and per client address in the window.
PASSWORD_RESET_PER_ADDRESS = env.int("PASSWORD_RESET_PER_ADDRESS", 3)
PASSWORD_RESET_PER_IP = env.int("PASSWORD_RESET_PER_IP", 10)
PASSWORD_RESET_WINDOW_MINUTES = env.int("PASSWORD_RESET_WINDOW_MINUTES", 60)

EMAIL_BACKEND = env.str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
#: where visitors ask for an account or report a difficulty (landing page, accessibility statement)
CONTACT_EMAIL = env.str("CONTACT_EMAIL", "pilotage-missions-locales@travail.gouv.fr")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", "pilotage-missions-locales@example.gouv.fr")

# Theme: the DSFR is reserved to State services; an operator outside the State sets "neutral".
PILOTAGE_THEME = env.str("PILOTAGE_THEME", "dsfr")
if PILOTAGE_THEME not in {"dsfr", "neutral"}:
    raise ImproperlyConfigured("PILOTAGE_THEME vaut « dsfr » ou « neutral ».")
PILOTAGE_OPERATOR_NAME = env.str("PILOTAGE_OPERATOR_NAME", "ministère du Travail (DGEFP)")

# The audit chain's key (ADR 0015): seals are HMAC-SHA-256 with it. Keep it when SECRET_KEY changes (set
# AUDIT_CHAIN_KEY to the former SECRET_KEY), or the older seals no longer verify.
AUDIT_CHAIN_KEY = env.str("AUDIT_CHAIN_KEY", "")

# Statistical secrecy: counts of young people below this are hidden outside the State and the Mission Locale.
INDICATORS_MASKING_THRESHOLD = env.int("INDICATORS_MASKING_THRESHOLD", 11)

# Background jobs (django-tasks): the database backend, run by `pilotage db_worker`.
# Submissions of indicator data (issue 15): the largest upload, what its zip may inflate to, the highest
# compression ratio of a member (beyond: a « zip bomb »), and the address the e-mails link to.
SUBMISSION_MAX_UPLOAD_BYTES = env.int("SUBMISSION_MAX_UPLOAD_BYTES", 1024 * 2**20)
SUBMISSION_MAX_UNCOMPRESSED = env.int("SUBMISSION_MAX_UNCOMPRESSED", 8 * 2**30)
SUBMISSION_MAX_RATIO = env.int("SUBMISSION_MAX_RATIO", 100)
#: the quality review flags a value whose modified z-score is above this (Iglewicz and Hoaglin's 3.5)
SUBMISSION_OUTLIER_THRESHOLD = env.str("SUBMISSION_OUTLIER_THRESHOLD", "3.5")
SITE_URL = env.str("SITE_URL", "http://localhost:8000")

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# API tokens (django-rest-knox, our model `api.ApiToken`): only a SHA-512 digest is stored; every token
# expires (API_TOKEN_DAYS by default, at most API_TOKEN_MAX_DAYS) and each is limited to API_TOKEN_RATE.
API_TOKEN_DAYS = env.int("API_TOKEN_DAYS", 90)
API_TOKEN_MAX_DAYS = env.int("API_TOKEN_MAX_DAYS", 365)
API_TOKEN_RATE = env.str("API_TOKEN_RATE", "120/minute")
# A request body held in memory (forms, JSON): 8 Mo, for the API's push of up to 20,000 funding lines (about 3 Mo of
# JSON; Django's default of 2.5 Mo refused it). Files are streamed to disk and bounded by their own limits.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", 8 * 2**20)
KNOX_TOKEN_MODEL = "api.ApiToken"
# knox's own migrations would create its (swapped, unused) token table, with a foreign key to the users that
# Django's flush does not know about: knox is treated as an app without migrations, so that table never exists.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=API_TOKEN_DAYS),
    "TOKEN_PREFIX": "pml_",
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "pilotage.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "pilotage.api.authentication.TokenScopePermission",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["pilotage.api.authentication.TokenRateThrottle"],
    "EXCEPTION_HANDLER": "pilotage.api.exceptions.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 100,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API Pilotage Missions Locales",
    "DESCRIPTION": "Référentiel des territoires et des organisations. Authentification par jeton "
    "(en-tête « Authorization: Token <jeton> »). Chaque réponse suit le périmètre de l'utilisateur.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "FunderTypeEnum": "pilotage.reference.models.FunderType",
        "ConventionKindEnum": "pilotage.funding.models.ConventionKind",
        "FundingCategoryEnum": "pilotage.funding.models.FundingCategory",
        "ConventionStatusEnum": "pilotage.funding.models.ConventionStatus",
        "AmendmentStatusEnum": "pilotage.funding.models.conventions.AmendmentStatus",
        "PaymentStatusEnum": "pilotage.funding.models.conventions.PaymentStatus",
        "DialogueStatusEnum": "pilotage.dialogue.models.DialogueStatus",
        "ActionPlanStatusEnum": "pilotage.dialogue.models.ActionStatus",
        "SurveyStatusEnum": "pilotage.surveys.models.SurveyStatus",
    },
}

# ProConnect, the State's OpenID Connect login for agents: shown on the login page when PROCONNECT_CLIENT_ID
# is set, with either PROCONNECT_DISCOVERY_URL or the endpoints (pilotage.accounts.proconnect).
PROCONNECT = {
    "CLIENT_ID": env.str("PROCONNECT_CLIENT_ID", ""),
    "CLIENT_SECRET": env.str("PROCONNECT_CLIENT_SECRET", ""),
    "DISCOVERY_URL": env.str("PROCONNECT_DISCOVERY_URL", ""),
    "ISSUER": env.str("PROCONNECT_ISSUER", ""),
    "AUTHORIZATION_ENDPOINT": env.str("PROCONNECT_AUTHORIZATION_ENDPOINT", ""),
    "TOKEN_ENDPOINT": env.str("PROCONNECT_TOKEN_ENDPOINT", ""),
    "USERINFO_ENDPOINT": env.str("PROCONNECT_USERINFO_ENDPOINT", ""),
    "JWKS_ENDPOINT": env.str("PROCONNECT_JWKS_ENDPOINT", ""),
    "END_SESSION_ENDPOINT": env.str("PROCONNECT_END_SESSION_ENDPOINT", ""),
    "SCOPES": env.str("PROCONNECT_SCOPES", "openid email given_name usual_name uid siret"),
    "SIGN_ALGO": env.str("PROCONNECT_SIGN_ALGO", "RS256"),
    "TIMEOUT": env.int("PROCONNECT_TIMEOUT_SECONDS", 10),
}
# The logout form is answered by a redirection to ProConnect's end_session endpoint: the CSP's form-action
# must allow its origin (core.middleware.SecurityHeadersMiddleware).
CSP_FORM_ACTION_EXTRA = sorted(
    {
        f"{url.scheme}://{url.netloc}"
        for url in map(urlsplit, [PROCONNECT["END_SESSION_ENDPOINT"], PROCONNECT["DISCOVERY_URL"]])
        if url.scheme in {"http", "https"} and url.netloc
    }
)
OIDC_STORE_ID_TOKEN = True  # kept in the session for ProConnect's end_session (id_token_hint)
OIDC_CREATE_USER = False  # accounts are provisioned by the platform (role + organisation)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", "WARNING")},
    # Security events (lockouts, refused ProConnect logins, throttled resets, revoked tokens) always shown.
    "loggers": {"pilotage.security": {"level": "INFO"}, "pilotage.audit": {"level": "INFO"}},
}
