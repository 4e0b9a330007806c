"""`pilotage serve`: the platform's server — migrations, static files, then the web server and the task worker.

`make serve` runs it in production (`PILOTAGE_ENV=production`, ADR 0016): the deployment checks are printed,
the database is migrated, the static files are collected (WhiteNoise serves them with their hashed names),
then gunicorn (workers from the CPU count, or `--workers` / `WEB_CONCURRENCY`) and `pilotage db_worker` (the
background jobs) start as child processes. `make run` runs `serve --dev`: Django's development server and the
worker, without migrating or collecting (the demo target has done it).

Each child gets its own process group; SIGTERM or SIGINT (Ctrl-C) is passed to both; when one stops, the other
is stopped too and the command exits with the status of the one that stopped first.
"""

import contextlib
import hashlib
import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

STOP_GRACE_SECONDS = 30


def cpu_count() -> int:
    """The CPUs this process may run on (a container's limit, not the host's)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def default_workers() -> int:
    """gunicorn's advice, (2 × CPUs) + 1, unless WEB_CONCURRENCY says otherwise."""
    return int(os.environ.get("WEB_CONCURRENCY") or 2 * cpu_count() + 1)


def gunicorn_command(*, host: str, port: int, workers: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "pilotage.wsgi:application",
        f"--bind={host}:{port}",
        f"--workers={workers}",
        "--worker-class=sync",
        # The application is loaded once, before the workers are forked: each worker (and each one started again
        # after --max-requests) starts without loading Django and the apps again (about 1 s of CPU each), and they
        # share those pages of memory.
        "--preload",
        # Longer than the database's statement timeout (30 s): that one stops a runaway query first.
        "--timeout=60",
        "--graceful-timeout=20",
        # Bounds the memory of a long-lived worker.
        "--max-requests=2000",
        "--max-requests-jitter=200",
        # Several servers may run on one machine: no shared control socket in the home directory.
        "--no-control-socket",
        "--access-logfile=-",
        "--error-logfile=-",
    ]


def worker_command() -> list[str]:
    return [sys.executable, "-m", "pilotage.manage", "db_worker", "--no-reload", "--interval=2"]


class Command(BaseCommand):
    help = (
        "Sert la plateforme : migrations, fichiers statiques, serveur web (gunicorn) et traitement des tâches de "
        "fond ; --dev : serveur de développement et tâches de fond (démonstration)."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="adresse d'écoute (par défaut 127.0.0.1)")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=None, help="processus gunicorn (par défaut 2 × CPU + 1)")
        parser.add_argument("--dev", action="store_true", help="serveur de développement de Django (démonstration)")
        parser.add_argument("--no-worker", action="store_true", help="sans le traitement des tâches de fond")

    def handle(self, *args, host, port, workers, dev, no_worker, **options):
        if dev:
            if settings.PRODUCTION:
                raise CommandError("--dev (serveur de développement) est refusé en production (PILOTAGE_ENV).")
            web = [sys.executable, "-m", "pilotage.manage", "runserver", f"{host}:{port}"]
        else:
            self._prepare()
            workers = workers or default_workers()
            web = gunicorn_command(host=host, port=port, workers=workers)
            self.stdout.write(f"gunicorn : {workers} processus sur http://{host}:{port}")
        commands = {"serveur web": web}
        if not no_worker:
            commands["tâches de fond"] = worker_command()
        return_code = supervise(commands, self.stdout)
        if return_code:
            raise CommandError(f"Arrêt (code {return_code}).", returncode=return_code)

    def _prepare(self):
        if settings.PRODUCTION:
            call_command("check", deploy=True, fail_level="ERROR")
        call_command("migrate", interactive=False, verbosity=1)
        collect_static(self.stdout)


def static_fingerprint() -> str:
    """What collectstatic would collect: every source file's path, size and modification time, and the storage."""
    entries = []
    for finder in finders.get_finders():
        for path, storage in finder.list(["CVS", ".*", "*~"]):
            stat = os.stat(storage.path(path))
            entries.append(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}")
    digest = hashlib.sha256(repr(settings.STORAGES.get("staticfiles")).encode())
    for entry in sorted(entries):
        digest.update(entry.encode() + b"\n")
    return digest.hexdigest()


def collect_static(stdout) -> None:
    """collectstatic, unless the files collected last time come from the same sources (WhiteNoise compresses
    every file again at each run: minutes for the DSFR's 1,800 files, for nothing on a restart)."""
    stamp = settings.STATIC_ROOT / ".pilotage-collected"
    fingerprint = static_fingerprint()
    if stamp.exists() and stamp.read_text() == fingerprint and (settings.STATIC_ROOT / "staticfiles.json").exists():
        stdout.write(f"Fichiers statiques à jour dans {settings.STATIC_ROOT}")
        return
    stdout.write(f"Rassemblement et compression des fichiers statiques dans {settings.STATIC_ROOT} (quelques minutes)…")
    call_command("collectstatic", interactive=False, verbosity=0)
    stamp.write_text(fingerprint)
    stdout.write("Fichiers statiques rassemblés.")


def supervise(commands: dict[str, list[str]], stdout) -> int:
    """Start every command, stop them all when one ends or on SIGTERM/SIGINT; the first one's exit code."""
    processes: dict[str, subprocess.Popen] = {}
    stopping = False

    def on_signal(signum, frame):
        nonlocal stopping
        stopping = True

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    first_code = 0
    try:
        for label, command in commands.items():
            processes[label] = subprocess.Popen(command, start_new_session=True)
            stdout.write(f"Démarré : {label} (processus {processes[label].pid})")
        while not stopping:
            ended = [(label, p.returncode) for label, p in processes.items() if p.poll() is not None]
            if ended:
                label, first_code = ended[0]
                stdout.write(f"Arrêté : {label} (code {first_code}) ; arrêt des autres processus.")
                break
            time.sleep(0.5)
    finally:
        _stop_all(processes.values())
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return first_code


def _stop_all(processes) -> None:
    alive = [p for p in processes if p.poll() is None]
    for process in alive:
        _signal_group(process, signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for process in alive:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _signal_group(process, signal.SIGKILL)
            process.wait()


def _signal_group(process: subprocess.Popen, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
