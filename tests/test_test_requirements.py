"""`make test` on a bare machine (issue 11, point 10): scripts/test_requirements.sh finds what is missing."""

import os
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "test_requirements.sh"


def run(**env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(SCRIPT), "--check"], env={**os.environ, **env}, capture_output=True, text=True, timeout=60
    )


def test_nothing_missing_on_a_machine_that_runs_the_suite():
    result = run()
    assert result.returncode == 0, result.stderr


def test_what_is_missing_is_named_in_french():
    result = run(CHROMIUM="/nonexistent/chromium", FONTS_DIR="/nonexistent/fonts")
    assert result.returncode == 1
    assert "Il manque des paquets système pour les tests : chromium-headless-shell fonts-dejavu-core" in result.stderr
    assert "apt-get install chromium-headless-shell fonts-dejavu-core" in result.stderr
