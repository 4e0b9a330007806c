"""The integration guide (docs/api.md) tells the truth: each of its curl examples is replayed, in order, through
the test client with a DGEFP token, and answers the status written above it (`# → 200`)."""

import json
import re
import shlex
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from rest_framework.test import APIClient

from pilotage.accounts.models import Role
from pilotage.funding.models import FundingLine
from pilotage.submissions.models import Submission, SubmissionStatus
from tests.api.helpers import new_token
from tests.indicators.test_pages import results  # noqa: F401  (fixture: indicators to read)
from tests.network import user_of
from tests.submissions.conftest import export_files, zip_bytes

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "api.md"
BLOCK = re.compile(r"```sh\n(.*?)```", re.DOTALL)


def examples() -> list[tuple[int, list[str]]]:
    """(expected status, curl words) of each shell block of the guide."""
    found = []
    for block in BLOCK.findall(GUIDE.read_text()):
        expected = int(re.search(r"# → (\d{3})", block).group(1))
        [command] = [line for line in block.splitlines() if line.startswith("curl ")]
        found.append((expected, shlex.split(command)))
    return found


def replay(words: list[str], token: str, files: dict[str, bytes] | None = None, variables: dict | None = None):
    """A curl command (`-X`, `-H`, `-d`, `-F` and the URL) through Django's test client, `$BASE` being the server,
    `-F name=@file` one of `files`, `$NAME` one of `variables` (e.g. `$DEPOT`, the id of the submission created)."""
    method, headers, data, form, url = "GET", {}, None, {}, None
    words = [w.replace("$JETON", token).replace("$BASE", "") for w in words[1:]]
    for name, value in (variables or {}).items():
        words = [w.replace(f"${name}", str(value)) for w in words]
    while words:
        word = words.pop(0)
        if word == "-X":
            method = words.pop(0)
        elif word == "-H":
            name, _, value = words.pop(0).partition(": ")
            headers[name] = value
        elif word == "-d":
            data = words.pop(0)
            method = "POST" if method == "GET" else method
        elif word == "-F":
            name, _, value = words.pop(0).partition("=")
            form[name] = SimpleUploadedFile(value[1:], (files or {})[value[1:]]) if value.startswith("@") else value
            method = "POST" if method == "GET" else method
        else:
            assert url is None and word.startswith("/api/"), word
            url = word
    client = APIClient()
    extra = {}
    if "Authorization" in headers:
        extra["HTTP_AUTHORIZATION"] = headers["Authorization"]
    if form:
        return client.generic(method, url, encode_multipart(BOUNDARY, form), content_type=MULTIPART_CONTENT, **extra)
    content_type = headers.get("Content-Type", "application/octet-stream")
    return client.generic(method, url, data or "", content_type=content_type, **extra)


def test_the_guide_has_examples_of_each_part():
    urls = " ".join(" ".join(words) for _, words in examples())
    for path in ("/api/v1/moi/", "/api/v1/lignes-financement/?", "modifie_depuis=", "/api/v1/suppressions/",
                 "/api/v1/lignes-financement/import/", "/api/v1/indicateurs/", "curseur=", "/api/v1/depots-donnees/",
                 "fichier=@export.zip"):  # fmt: skip
        assert path in urls, path


def test_every_curl_example_of_the_guide_answers_as_written(network, results, tmp_path, settings):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path / "media"
    token = new_token(user_of(Role.NATIONAL_ADMIN, network))
    files = {"export.zip": zip_bytes(export_files(tmp_path, structures=(("ML13S00", "13"), ("ML83S00", "83")))),
             "pas-une-archive.zip": b"ceci n'est pas une archive zip"}  # fmt: skip
    variables = {}
    for expected, words in examples():
        response = replay(words, token, files, variables)
        assert response.status_code == expected, (words, response.status_code, response.content[:500])
        assert response["Content-Type"].startswith("application/json"), words
        if response.status_code == 201:
            variables["DEPOT"] = response.json()["id"]
        if "lignes-financement/?annee=2024" in " ".join(words):  # a large list: its `next` carries a cursor
            assert "curseur=" in (response.json()["next"] or "curseur="), response.json()["next"]
    assert FundingLine.objects.filter(mission_locale__code="ML13S00", year=2025, amount=250000).count() == 1
    submission = Submission.objects.get(pk=variables["DEPOT"])
    assert submission.status == SubmissionStatus.VALIDATED and submission.region_id == "93"
    assert Submission.objects.count() == 1  # the refused file left nothing
    refused = json.loads(re.search(r"```json\n(.*?)```", GUIDE.read_text(), re.DOTALL).group(1))
    [refusal] = [words for _, words in examples() if '"montant": "-3"' in " ".join(words)]
    assert replay(refusal, token).json() == refused  # the refusal printed in the guide is the real one
