"""Production mode (issue 11, point 7; ADR 0016): what production refuses, its error pages, `check --deploy`,
and `pilotage serve` started for real (gunicorn + the task worker)."""

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urljoin

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, RequestFactory
from django.urls import path
from django.views.defaults import permission_denied

from pilotage.core.roles import Role
from pilotage.core.views import server_error
from pilotage.urls import handler400, handler500  # noqa: F401  (this module is also a URLconf)
from pilotage.urls import urlpatterns as pilotage_urlpatterns

PROJECT_DIR = Path(__file__).resolve().parents[2]


def _boom(request):
    raise RuntimeError("panne simulée")


# A URLconf for the 500 test: the platform's, plus a page that fails.
urlpatterns = [path("panne/", _boom), *pilotage_urlpatterns]


def production_env(**overrides) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        # DJANGO_ALLOW_ASYNC_UNSAFE: set by the browser journeys in the same test process, refused by --deploy
        if key
        not in {"DATABASE_URL", "SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "PILOTAGE_ENV", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        PILOTAGE_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL="sqlite:////nonexistent/pilotage.sqlite3",
        ALLOWED_HOSTS="pilotage.example.gouv.fr",
    )
    env.update(overrides)
    return {key: value for key, value in env.items() if value is not None}


def pilotage(*args, env: dict, timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pilotage.manage", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=PROJECT_DIR,
    )


def test_production_refuses_to_start_without_database_url():
    result = pilotage("check", env=production_env(DATABASE_URL=None))
    assert result.returncode != 0
    assert "DATABASE_URL est obligatoire" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("secret_key", [None, "trop-courte"])
def test_production_refuses_to_start_without_a_secret_key(secret_key):
    result = pilotage("check", env=production_env(SECRET_KEY=secret_key))
    assert result.returncode != 0
    assert "SECRET_KEY est obligatoire" in result.stderr
    assert "Traceback" not in result.stderr


def test_deployment_checks_are_clean_in_production():
    """`check --deploy` with warnings as failures: HTTPS redirect, HSTS, secure cookies, DEBUG off, the key."""
    result = pilotage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_the_production_settings(settings):
    result = pilotage(
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.DEBUG, s.SECURE_PROXY_SSL_HEADER, s.SECURE_SSL_REDIRECT,"
        " s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.STORAGES['staticfiles']['BACKEND'])",
        env=production_env(),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == [
        "False",
        "('HTTP_X_FORWARDED_PROTO',",
        "'https')",
        "True",
        "True",
        "True",
        "whitenoise.storage.CompressedManifestStaticFilesStorage",
    ]


def test_load_demo_refuses_to_run_in_production(settings, db):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="refuse de s'exécuter en production"):
        call_command("load_demo")
    from pilotage.accounts.models import User

    assert not User.objects.exists()


def _assert_dsfr_page(html: str, title: str):
    assert f"<h1>{title}</h1>" in html
    assert "fr-header" in html and "dsfr" in html and "République<br>française" in html
    assert 'lang="fr"' in html


def test_the_404_page_is_french_and_shows_no_urls(client, make_user, settings):
    settings.DEBUG = False
    client.force_login(make_user(Role.NATIONAL_ADMIN))
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    html = response.content.decode()
    _assert_dsfr_page(html, "Page introuvable")
    assert "URLconf" not in html and "URL patterns" not in html


def test_the_403_page_is_french(make_user, settings):
    request = RequestFactory().get("/")
    request.user = make_user(Role.ML_STAFF)
    response = permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    _assert_dsfr_page(response.content.decode(), "Accès refusé")


def test_the_500_page_needs_no_request_context(settings):
    """Rendered from a bare request (no user, no session: the middleware may be what failed)."""
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    _assert_dsfr_page(html, "Une erreur est survenue")
    assert "Rien n'a été enregistré" in html


def test_an_error_in_a_page_shows_the_french_500_page(make_user, settings):
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    client.force_login(make_user(Role.NATIONAL_ADMIN))
    response = client.get("/panne/")
    assert response.status_code == 500
    html = response.content.decode()
    _assert_dsfr_page(html, "Une erreur est survenue")
    assert "panne simulée" not in html and "Traceback" not in html


def test_an_unknown_host_gets_the_french_400_page(client, settings):
    settings.DEBUG = False
    response = client.get("/", HTTP_HOST="attaquant.example.com")
    assert response.status_code == 400
    _assert_dsfr_page(response.content.decode(), "Requête incorrecte")


#: how often the start test looks again (a refused connection, a line of the log: each look costs microseconds,
#: while a second between looks was up to a second of the suite's time, twice)
POLL_SECONDS = 0.1


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, **headers) -> tuple[int, str, dict]:
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https", **headers})

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.read().decode(errors="replace"), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace"), dict(error.headers)


@pytest.mark.slow
def test_serve_migrates_collects_and_runs_gunicorn_and_the_worker(tmp_path):
    """`pilotage serve` in production on an empty database: migrations, static files (hashed names served by
    WhiteNoise), gunicorn behind a TLS proxy (X-Forwarded-Proto), the task worker; SIGTERM stops everything."""
    port = _free_port()
    env = production_env(DATABASE_URL=f"sqlite:///{tmp_path / 'production.sqlite3'}", ALLOWED_HOSTS="127.0.0.1")
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "pilotage.manage", "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=PROJECT_DIR,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 600  # the first collection compresses every static file
        while True:
            assert process.poll() is None, (tmp_path / "serve.log").read_text()
            try:
                status, html, _ = _get(f"{base}/compte/connexion/")
                break
            except OSError:
                assert time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
                time.sleep(POLL_SECONDS)
        assert status == 200
        stylesheet = re.search(r'href="(/static/pilotage/pilotage\.[0-9a-f]{12}\.css)"', html)
        assert stylesheet, "static files are served under their hashed names"
        assert _get(base + stylesheet.group(1))[0] == 200
        # every file a page names is served (collectstatic leaves out the unused DSFR builds: core/apps.py),
        # and the files the DSFR stylesheets name (icons, fonts) too
        named = set(re.findall(r'(?:href|src)="(/static/[^"]+)"', html))
        for page in ("/api/docs/", "/api/redoc/"):
            named |= set(re.findall(r'(?:href|src)="(/static/[^"]+)"', _get(base + page)[1]))
        assert len(named) >= 8, named
        for url in sorted(named):
            assert _get(base + url)[0] == 200, url
        utility = next(url for url in named if "/utility/utility.min." in url)
        icons = re.findall(r'url\("?([^")]+\.svg)"?\)', _get(base + utility)[1])
        assert icons and _get(urljoin(base + utility, icons[0]))[0] == 200
        # Plain HTTP from the proxy is sent to HTTPS; HSTS on the secure answers.
        status, _, headers = _get(f"{base}/compte/connexion/", **{"X-Forwarded-Proto": "http"})
        assert status == 301 and headers["Location"].startswith("https://")
        assert "max-age=31536000" in _get(f"{base}/compte/connexion/")[2]["Strict-Transport-Security"]
        status, html, _ = _get(f"{base}/une-page-absente/")
        assert status == 404 and "<h1>Page introuvable</h1>" in html
        deadline = time.monotonic() + 60
        while "Starting worker" not in (output := (tmp_path / "serve.log").read_text()):
            assert time.monotonic() < deadline, output
            time.sleep(POLL_SECONDS)
        assert "Démarré : serveur web" in output and "Démarré : tâches de fond" in output
        worker_pid = int(re.search(r"Démarré : tâches de fond \(processus (\d+)\)", output).group(1))
        os.kill(worker_pid, 0)  # the worker runs
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
        log.close()
    with pytest.raises(ProcessLookupError):
        os.kill(worker_pid, 0)
