"""Load: 20 concurrent users on the production server (`pilotage serve`: gunicorn, production settings) over
PostgreSQL with the demo data, on the loopback only, for a fixed number of requests and at most a fixed time.

Three pages: the national CPO dashboard (DGEFP), a Mission Locale's page (DGEFP), the API's list of Missions
Locales (a token). Prints p50 / p95 / max and the errors per page. Target: p95 < 500 ms, no error.

The database is BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/pilotage_bench), dropped and
created again (BENCH_LOAD_REUSE=1 keeps the one a previous run prepared); without a reachable PostgreSQL the load
test is skipped with a message.
"""

import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

USERS = 20
REQUESTS = 600  # in all, shared by the users, round-robin over the pages
TIME_CAP_SECONDS = 120
TARGET_P95_MS = 500
PAGES = {
    "Tableau de bord national": "/tableau-de-bord/national/FR/",
    "Page d'une Mission Locale": "/missions-locales/13201S00/",
    "API : liste des Missions Locales": "/api/v1/missions-locales/",
}
PROJECT_DIR = Path(__file__).resolve().parent.parent

PREPARE = """
import json
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from pilotage.accounts.models import User
from pilotage.api.services import api_token_create

user = User.objects.get(email="dgefp@demo.pilotage.fr")
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
_, token = api_token_create(user=user, name="banc de charge")
print(json.dumps({"session": session.session_key, "token": token}))
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _pilotage(*args, env, **kwargs):
    return subprocess.run(
        [sys.executable, "-m", "pilotage.manage", *args], env=env, cwd=PROJECT_DIR, check=True, **kwargs
    )


def _recreate_database(url: str) -> bool:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    params = {"host": parts.hostname or "127.0.0.1", "port": parts.port or 5432, "user": parts.username or "postgres"}
    if parts.password:
        params["password"] = parts.password
    try:
        with psycopg.connect(dbname="postgres", autocommit=True, connect_timeout=5, **params) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        print(f"Test de charge ignoré : PostgreSQL injoignable ({str(exc).strip()[:200]}).")
        return False
    return True


def _get(url: str, headers: dict) -> tuple[int, float]:
    started = time.perf_counter()
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    except OSError:
        status = 0
    return status, (time.perf_counter() - started) * 1000


def run(workdir: Path) -> None:
    url = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/pilotage_bench")
    print(f"Test de charge : {USERS} utilisateurs simultanés, {REQUESTS} requêtes au plus en {TIME_CAP_SECONDS} s, ")
    print(f"gunicorn (pilotage serve, production) sur {url}")
    reuse = os.environ.get("BENCH_LOAD_REUSE") == "1"
    if not reuse and not _recreate_database(url):
        return
    base_env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "PILOTAGE_ENV", "DEBUG", "DJANGO_SETTINGS_MODULE"}
    }
    base_env.update(
        DATABASE_URL=url,
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        CACHE_DIR=str(workdir / "cache"),
        API_TOKEN_RATE="1000000/minute",
    )
    started = time.perf_counter()
    _pilotage("migrate", "--no-input", "-v0", env=base_env)
    if not reuse:
        _pilotage("load_demo", env=base_env, stdout=subprocess.DEVNULL)
    output = _pilotage("shell", "-v0", "-c", PREPARE, env=base_env, capture_output=True, text=True).stdout
    credentials = json.loads(output.strip().splitlines()[-1])
    print(f"  base préparée (migrations, démonstration) en {time.perf_counter() - started:.0f} s")

    port = _free_port()
    log = (workdir / "serve.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "pilotage.manage", "serve", "--port", str(port)],
        env={**base_env, "PILOTAGE_ENV": "production"},
        cwd=PROJECT_DIR,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    common = {"X-Forwarded-Proto": "https", "Host": "127.0.0.1"}
    session_headers = {**common, "Cookie": f"sessionid={credentials['session']}"}
    token_headers = {**common, "Authorization": f"Token {credentials['token']}"}
    headers = {path: token_headers if path.startswith("/api/") else session_headers for path in PAGES.values()}
    try:
        deadline = time.monotonic() + 900  # the first collection of static files compresses them all
        while _get(f"{base}/compte/connexion/", common)[0] != 200:
            if server.poll() is not None or time.monotonic() > deadline:
                print("  le serveur n'a pas démarré : voir", workdir / "serve.log")
                return
            time.sleep(1)
        print(f"  serveur prêt : {base} ({(workdir / 'serve.log').read_text().count('Booting worker')} processus)")
        for path in PAGES.values():  # warm-up, and a check that each page answers
            status, _ = _get(base + path, headers[path])
            if status != 200:
                print(f"  {path} répond {status} avant la charge")
        _load(base, headers)
    finally:
        server.terminate()
        server.wait(timeout=60)
        log.close()


def _load(base: str, headers: dict) -> None:
    paths = list(PAGES.values())
    results: dict[str, list[tuple[int, float]]] = {path: [] for path in paths}
    lock = threading.Lock()
    issued = 0
    stop_at = time.monotonic() + TIME_CAP_SECONDS

    def user():
        nonlocal issued
        while time.monotonic() < stop_at:
            with lock:
                if issued >= REQUESTS:
                    return
                path = paths[issued % len(paths)]
                issued += 1
            outcome = _get(base + path, headers[path])
            with lock:
                results[path].append(outcome)

    started = time.perf_counter()
    threads = [threading.Thread(target=user) for _ in range(USERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    done = sum(len(r) for r in results.values())
    print(f"  {done} requêtes en {elapsed:.1f} s ({done / elapsed:.1f} requêtes/s)")
    for label, path in PAGES.items():
        times = sorted(ms for _, ms in results[path])
        errors = sum(1 for status, _ in results[path] if status != 200)
        if not times:
            continue
        p95 = times[max(0, int(round(0.95 * len(times))) - 1)]
        verdict = (
            "ok" if p95 < TARGET_P95_MS and not errors else f"objectif p95 < {TARGET_P95_MS} ms sans erreur manqué"
        )
        print(
            f"  {label:<34} {len(times):>4} req.  p50 {statistics.median(times):7.1f} ms  p95 {p95:7.1f} ms  "
            f"max {times[-1]:7.1f} ms  erreurs {errors}  ({verdict})"
        )
