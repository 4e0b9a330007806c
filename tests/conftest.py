import gc

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db.backends.postgresql.operations import DatabaseOperations as PostgresOperations
from django.db.models.signals import post_migrate

from pilotage.core.roles import Role
from tests.factories import MissionLocaleFactory, user_for_role
from tests.network import network  # noqa: F401  (a fixture shared by the authorization matrices)
from tests.templates_strict import install as strict_templates

strict_templates(django_settings)  # before any template engine is built: undefined variables fail
#: the settings' migration modules, read before `--nomigrations` replaces them (knox: none, see settings.py)
MIGRATION_MODULES = dict(django_settings.MIGRATION_MODULES)


def _migrations_recorded_as_applied():
    """A database built from the models is the state every migration leads to (`makemigrations --check` in `make
    lint`): record them as applied, as `migrate --fake` would (the backup's manifest lists them)."""
    import importlib
    import pkgutil

    from django.apps import apps
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder

    recorder = MigrationRecorder(connection)
    recorder.ensure_schema()
    if recorder.applied_migrations():
        return
    for app_config in apps.get_app_configs():
        module = MIGRATION_MODULES.get(app_config.label, f"{app_config.name}.migrations")
        if module is None:
            continue
        try:
            package = importlib.import_module(module)
        except ModuleNotFoundError:
            continue
        for module in pkgutil.iter_modules(package.__path__):
            if module.name[:1].isdigit():
                recorder.record_applied(app_config.label, module.name)


def _data_migrations_loaded():
    """What the data migrations load, when it is missing: the territories and the animation catalogue."""
    from django.core.management.color import no_style
    from django.db import connection

    from pilotage.animation.catalogue import sync_catalogue
    from pilotage.animation.models import ActionType, Mission, Objective
    from pilotage.reference.models import Department, Region
    from pilotage.reference.territories import sync_territories

    if Department.objects.count() != 101:
        sync_territories(Region, Department)
    if not ActionType.objects.exists():
        # after a flush, the keys would go on from the last ones: back to those of a fresh load (a test may name a
        # catalogue entry by its key)
        empty = [m for m in (Mission, Objective, ActionType) if not m.objects.exists()]
        sequences = [{"table": m._meta.db_table, "column": m._meta.pk.column} for m in empty]
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_by_name_sql(no_style(), sequences):
                cursor.execute(statement)
        sync_catalogue(Mission, Objective, ActionType)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Both runs (SQLite, PostgreSQL) build the test database from the models (`--nomigrations`: seconds, instead
    of every migration in each worker), then load here what the data migrations load (territories, the animation
    catalogue); tests/test_migrations.py applies the migrations once on PostgreSQL and compares the schemas. With
    `--migrations`, this finds everything there."""
    with django_db_blocker.unblock():
        _migrations_recorded_as_applied()
        _data_migrations_loaded()


def _reloaded_after_flush(sender, using="default", **kwargs):
    """A transactional test (live server, background worker, backup) flushes the database when it ends, what the
    data migrations loaded included; the flush then sends `post_migrate` (as `migrate` does): the territories and
    the catalogue are loaded back at once, committed, for whatever test comes next in the process (the collection
    below runs the slow tests first, transactional ones among them)."""
    if using == "default":
        _data_migrations_loaded()


post_migrate.connect(_reloaded_after_flush, sender=apps.get_app_config("animation"), dispatch_uid="tests_reload")


@pytest.fixture(autouse=True)
def _territories(request):
    """A transactional test finds what the data migrations loaded (see `_reloaded_after_flush`)."""
    marker = request.node.get_closest_marker("django_db")
    if not (marker and marker.kwargs.get("transaction")) and "live_server" not in request.fixturenames:
        return
    request.getfixturevalue("transactional_db")
    _data_migrations_loaded()


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    """Background jobs run inside the request that starts them (django-tasks' immediate backend); the database
    backend and its worker are tested in tests/core/test_jobs.py."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}


@pytest.fixture(autouse=True)
def _fresh_rate_limits(settings):
    """Rate-limit counters live in the (per-process) cache: each test starts with none, and the API's
    per-token limit is out of the way except where a test sets it (tests/api/test_tokens.py)."""
    cache.clear()
    settings.API_TOKEN_RATE = "100000/minute"
    yield
    cache.clear()


@pytest.fixture
def make_user(db):
    """`make_user(Role.X, department_code="13")`: a user of that role in that territory."""

    def make(role: Role, **kwargs):
        return user_for_role(role, **kwargs)

    return make


@pytest.fixture
def ml_13(db):
    """A Mission Locale of the Bouches-du-Rhône (13, Provence-Alpes-Côte d'Azur)."""
    return MissionLocaleFactory(code="TEST13S00", name="Mission Locale de test 13", department_id="13")


@pytest.fixture
def ml_69(db):
    """A Mission Locale of the Rhône (69, Auvergne-Rhône-Alpes): another region."""
    return MissionLocaleFactory(code="TEST69S00", name="Mission Locale de test 69", department_id="69")


@pytest.fixture
def ml_83(db):
    """A Mission Locale of the Var (83): same region as 13, another department."""
    return MissionLocaleFactory(code="TEST83S00", name="Mission Locale de test 83", department_id="83")


# --- the database of a run ----------------------------------------------------------------------------------

if django_settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A test database needs no durability: commits (transactional tests and their flush, the demo's loading) do
    # not wait for the disk.
    _options = django_settings.DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c synchronous_commit=off".strip()

    def _sql_flush_by_delete(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        """A transactional test empties the database when it ends: one TRUNCATE of every table costs PostgreSQL
        seconds (new files for each table and index), a DELETE of the few rows a test wrote costs milliseconds.
        Django's foreign keys are deferred to the commit, when every table is empty."""
        if reset_sequences:
            return _truncate(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        return [f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))};" for table in tables]

    _truncate = PostgresOperations.sql_flush
    PostgresOperations.sql_flush = _sql_flush_by_delete

#: a test that asks for none of these (directly or through its fixtures) never touches the database
DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
    "live_server",
}


def pytest_addoption(parser):
    parser.addoption(
        "--database-tests-only",
        action="store_true",
        help="only the tests that use the database: `make test-postgres` runs them again on PostgreSQL; the others "
        "(the engine and its oracles, pure functions, the production start on its own SQLite file) give the same "
        "result whatever the database and run once, in `make test`",
    )


def _fixtures(item) -> set[str]:
    return set(getattr(item, "fixturenames", ()))  # with the fixtures of its fixtures


def _uses_database(item) -> bool:
    return bool(item.get_closest_marker("django_db")) or bool(DATABASE_FIXTURES & _fixtures(item))


def _run_order(item) -> tuple[int, bool]:
    """The tests that use no database first, then the database tests, then the transactional ones (which empty the
    database when they end: pytest-django puts them after the others, as Django does); in each group, the longest
    (browser journeys, slow tests) first, so that the parallel workers end together. A stable sort: every worker
    collects the same order."""
    marker = item.get_closest_marker("django_db")
    transactional = bool(marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")))
    transactional = transactional or bool({"transactional_db", "live_server"} & _fixtures(item))
    group = 2 if transactional else 1 if _uses_database(item) else 0
    return group, not (item.get_closest_marker("browser") or item.get_closest_marker("slow"))


def pytest_collection_modifyitems(config, items):
    items.sort(key=_run_order)
    if not config.getoption("--database-tests-only"):
        return
    kept, deselected = [], []
    for item in items:
        (kept if _uses_database(item) else deselected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


def pytest_collection_finish(session):
    """What collection built (Django, the modules, the test items) lives until the end: the garbage collector stops
    scanning it, and runs less often (about 10 % of the suite's CPU)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


def pytest_sessionfinish(session):
    gc.unfreeze()  # collectable again at exit (a library's leak check would report the frozen objects)
