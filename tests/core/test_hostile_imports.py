"""Imports that cannot be bombed (issue 11, finding 6). Each hostile file of the probe is built here and sent
through the funding-line import (the screen, as a council or the DGEFP would, or the service): refused with a
French reason naming the file (and line, column where there is one), bounded output, nothing saved, never a 500.
"""

import dataclasses
import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from pilotage.core import tabular
from pilotage.core.models import Job, JobStatus
from pilotage.core.roles import Role
from pilotage.core.tabular import Column, ImportReport, read_rows
from pilotage.funding.models import FundingLine
from pilotage.funding.services import funding_lines_import
from tests.factories import user_for_role

pytestmark = pytest.mark.django_db

HEADER = "code_ml;annee;financeur_type;financeur_code;categorie;theme;montant\n"
GOOD_ROW = "ML13S00;2025;departement;13;thematique;faj;12 500,00\n"


@pytest.fixture
def dgefp(client, network, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    user = user_for_role(Role.NATIONAL_ADMIN)
    client.force_login(user)
    return user


def upload(client, name, content):
    """Through the import screen; returns the job's page (followed)."""
    response = client.post(reverse("funding:import"), {"kind": "lignes", "file": SimpleUploadedFile(name, content)},
                           follow=True)  # fmt: skip
    assert response.status_code == 200
    return response


def service(dgefp, name, content, wet_run=True) -> ImportReport:
    return funding_lines_import(path_or_file=io.BytesIO(content), filename=name, acting_user=dgefp, wet_run=wet_run)


def xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def with_member(raw: bytes, name: str, chunks) -> bytes:
    """The XLSX `raw` with its member `name` replaced by the streamed `chunks` (deflated)."""
    source = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != name:
                target.writestr(info, source.read(info.filename))
                continue
            with target.open(name, "w", force_zip64=True) as handle:
                for chunk in chunks:
                    handle.write(chunk)
    return out.getvalue()


def sheet_rows(count: int):
    """A valid worksheet XML of `count` identical rows, streamed."""
    yield (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
           b'spreadsheetml/2006/main"><sheetData>')  # fmt: skip
    row = b'<row><c t="inlineStr"><is><t>ML13S00</t></is></c><c><v>2025</v></c></row>'
    block = row * 10_000
    for _ in range(count // 10_000):
        yield block
    yield b"</sheetData></worksheet>"


def test_zip_bomb_xlsx_is_refused_before_it_is_read(client, dgefp):
    """The probe's bomb: a small XLSX whose sheet inflates to hundreds of megabytes (here 70 MB from ~100 kB)."""
    raw = with_member(xlsx([HEADER.strip().split(";")]), "xl/worksheets/sheet1.xml", sheet_rows(1_000_000))
    assert len(raw) < 2**20
    page = upload(client, "bombe.xlsx", raw).content.decode()
    assert "bombe.xlsx : import refusé, 1 erreur" in page
    assert "le fichier XLSX est anormalement compressé (xl/worksheets/sheet1.xml : 70 Mo" in page
    assert not FundingLine.objects.exists()


def test_xlsx_inflating_beyond_the_total_limit_is_refused(dgefp, monkeypatch):
    monkeypatch.setattr(tabular, "MAX_XLSX_UNCOMPRESSED", 2**20)
    # beyond 1 Mo once inflated with few rows to write: 2 000 distinct themes of 600 characters
    raw = xlsx([HEADER.strip().split(";"), *[["ML13S00", 2025, "departement", "13", "thematique",
                                              f"t{i}".ljust(600, "x"), 1] for i in range(2_000)]])  # fmt: skip
    assert sum(m.file_size for m in zipfile.ZipFile(io.BytesIO(raw)).infolist()) > tabular.MAX_XLSX_UNCOMPRESSED
    report = service(dgefp, "gros.xlsx", raw)
    assert len(report.errors) == 1
    assert re.fullmatch(r"gros.xlsx : le fichier XLSX se décompresse en \d Mo, au-delà de la limite de 1 Mo : "
                        r"découpez-le ou déposez un CSV.", str(report.errors[0])), report.errors  # fmt: skip


def test_broken_xlsx_and_a_docx_renamed_xlsx_are_refused(dgefp):
    raw = xlsx([["a"]])
    for content in (raw[: len(raw) // 2], b"PK\x03\x04" + b"\x00" * 100):
        report = service(dgefp, "casse.xlsx", content)
        assert "le fichier XLSX est illisible" in report.errors[0].reason


def test_a_million_errors_give_a_bounded_report():
    """1 000 000 errors: the report keeps 10 000, shows 100, says how many more, and its CSV holds the kept ones."""
    report = ImportReport(filename="erreurs.csv")
    for line in range(2, 200_002):
        for column in ("code_ml", "annee", "financeur_type", "categorie", "montant"):
            report.add(line, column, "x", "valeur invalide.")
    assert report.error_count == 1_000_000 and not report.ok
    assert len(report.issues) == tabular.MAX_KEPT_ISSUES == 10_000
    assert len(report.shown_issues) == 100
    assert report.more_issues == "… et 999\u202f900 autres erreurs"
    assert report.summary == "erreurs.csv : import refusé, 1000000 erreurs ; rien n'a été enregistré."
    lines = report.issues_csv().splitlines()
    assert len(lines) == 1 + 10_000 + 1
    assert lines[-1].startswith("erreurs.csv;;;;… et 990\u202f000 autres problèmes, non détaillés")
    assert len(report.issues_csv()) < 2 * 2**20


@pytest.mark.slow
def test_a_file_with_a_million_errors_through_the_screen(client, dgefp):
    """200 000 rows (the limit) with five wrong cells each: the page and the CSV stay small."""
    content = HEADER + "INCONNU;1800;x;;y;;abc\n" * 200_000
    page = upload(client, "erreurs.csv", content.encode()).content.decode()
    assert "erreurs.csv : import refusé, 1000000 erreurs" in page
    assert "… et 999\u202f900 autres erreurs : la liste complète est dans le fichier CSV (lien ci-dessus)" in page
    assert len(page) < 200_000
    job = Job.objects.get()
    assert client.get(reverse("core:job_issues", args=[job.pk])).content.count(b"\n") == 10_002
    assert not FundingLine.objects.exists()


def test_many_errors_through_the_screen_show_the_first_and_link_the_csv(client, dgefp):
    content = HEADER + "INCONNU;2025;departement;13;fonctionnement;;1\n" * 150
    page = upload(client, "erreurs.csv", content.encode()).content.decode()
    assert "erreurs.csv : import refusé, 150 erreurs" in page
    assert "Problèmes trouvés (100 premiers)" in page
    assert "… et 50 autres erreurs : la liste complète est dans le fichier CSV (lien ci-dessus)" in page
    job = Job.objects.get()
    csv = client.get(reverse("core:job_issues", args=[job.pk]))
    assert csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "fichier;ligne;colonne;valeur;raison;gravite" and len(lines) == 151
    assert lines[1].startswith("erreurs.csv;2;code_ml;INCONNU;Mission Locale inconnue")


def test_nul_byte_in_utf8_is_refused_naming_line_and_column(dgefp):
    content = (HEADER + GOOD_ROW + "ML13S00;2025;departement;13;thematique;f\x00aj;1\n").encode()
    report = service(dgefp, "nul.csv", content)
    assert [(i.line, i.column, i.value) for i in report.errors] == [(3, "theme", "f␀aj")]
    assert "caractère nul" in report.errors[0].reason
    assert not FundingLine.objects.exists()


def test_nul_byte_in_cp1252_and_in_xlsx_is_refused(dgefp):
    content = (HEADER + "ML13S00;2025;departement;13;thematique;é\x00;1\n").encode("cp1252")
    assert [(i.line, i.column) for i in service(dgefp, "nul.csv", content).errors] == [(2, "theme")]
    raw = xlsx([HEADER.strip().split(";"), ["ML13S00", 2025, "departement", "13", "thematique", "aXXb", 1]])
    sheet = zipfile.ZipFile(io.BytesIO(raw)).read("xl/worksheets/sheet1.xml")
    raw = with_member(raw, "xl/worksheets/sheet1.xml", [sheet.replace(b"aXXb", b"a&#0;b")])
    report = service(dgefp, "nul.xlsx", raw)
    assert [str(i) for i in report.errors] == [
        "nul.xlsx : le fichier XLSX est illisible : enregistrez-le à nouveau depuis le tableur."
    ]
    assert not FundingLine.objects.exists()


def test_a_binary_file_is_refused_at_once(dgefp):
    report = service(dgefp, "image.csv", b"\x00\x01\x02\x03" * 1000)
    assert len(report.errors) == 1 and "caractères nuls" in report.errors[0].reason


JAPANESE = "若者の就労支援・東京都"


def test_shift_jis_is_refused_not_guessed(dgefp):
    content = (HEADER + f"ML13S00;2025;departement;13;thematique;{JAPANESE};1\n").encode("shift_jis")
    report = service(dgefp, "sjis.csv", content)
    assert [(i.line, i.column) for i in report.errors] == [(2, None)]
    assert report.errors[0].reason.startswith("encodage non reconnu")
    assert "ni UTF-8 ni Windows-1252" in report.errors[0].reason and "CSV UTF-8" in report.errors[0].reason
    assert not FundingLine.objects.exists()


@pytest.mark.parametrize(
    ("encoding", "text"),
    [("shift_jis", "日本語"), ("shift_jis", "ミッション"), ("shift_jis", "ひらがな"), ("cp1251", "Привет мир"),
     ("gbk", "青年就业"), ("euc_kr", "청년 고용"), ("cp1253", "Γειά σου"), ("iso8859_8", "שלום")],
)  # fmt: skip
def test_other_encodings_are_refused(encoding, text):
    raw = f"nom\n{text}\n".encode(encoding)
    report = ImportReport("x.csv")
    read_rows(raw, "x.csv", [Column("nom")], report)
    assert not report.ok and "encodage non reconnu" in report.errors[0].reason, (encoding, text)


@pytest.mark.parametrize(
    "text",
    ["Mission Locale d’Aix-en-Provence", "Œuvre des jeunes", "L'HAŸ-LES-ROSES", "1 234,56 €", "Île-de-France",
     "« Garantie jeunes » – bilan", "n° 12", "à l'école", "Hôtel de Région, 2ᵉ".replace("ᵉ", "e"), "Ça va ? Où ?"],
)  # fmt: skip
def test_windows_1252_french_is_read(text):
    raw = f"nom\n{text}\n".encode("cp1252")
    report = ImportReport("x.csv")
    rows = read_rows(raw, "x.csv", [Column("nom")], report)
    assert report.ok, [str(i) for i in report.issues]
    assert rows[0]["nom"] == text


def test_utf8_with_and_without_bom_is_read():
    for raw in ("nom\nJapon 日本\n".encode(), "\ufeffnom\nJapon 日本\n".encode()):
        report = ImportReport("x.csv")
        assert read_rows(raw, "x.csv", [Column("nom")], report)[0]["nom"] == "Japon 日本"


def test_a_huge_row_count_is_refused(dgefp):
    content = (HEADER + GOOD_ROW * (tabular.MAX_ROWS + 1)).encode()
    report = service(dgefp, "enorme.csv", content)
    assert [str(i) for i in report.errors] == [
        "enorme.csv, ligne 200\u202f002 : le fichier dépasse 200\u202f000 lignes de données : découpez-le en plusieurs"
        " fichiers.".replace("200\u202f002", "200002")
    ]
    assert not FundingLine.objects.exists()


def test_too_many_columns_are_refused():
    raw = ("nom\n" + ";".join(["x"] * 101) + "\n").encode()
    report = ImportReport("x.csv")
    read_rows(raw, "x.csv", [Column("nom")], report)
    assert [(i.line, i.reason) for i in report.errors] == [
        (2, "la ligne a 101 colonnes ; au plus 100 sont lues : supprimez les colonnes en trop.")
    ]


def test_an_xlsx_declaring_the_whole_sheet_is_read_without_padding():
    raw = xlsx([["nom"], ["Treize"]])
    raw = with_member(raw, "xl/worksheets/sheet1.xml", [
        zipfile.ZipFile(io.BytesIO(raw)).read("xl/worksheets/sheet1.xml").replace(
            b'<dimension ref="A1:A2"/>', b'<dimension ref="A1:XFD1048576"/>')])  # fmt: skip
    report = ImportReport("x.xlsx")
    assert [row.values for row in read_rows(raw, "x.xlsx", [Column("nom")], report)] == [{"nom": "Treize"}]


def test_a_file_over_the_size_limit_is_refused(dgefp, monkeypatch):
    monkeypatch.setattr(tabular, "MAX_FILE_BYTES", 1000)
    report = service(dgefp, "gros.csv", (HEADER + GOOD_ROW * 100).encode())
    assert [str(i) for i in report.errors] == [
        "gros.csv : le fichier dépasse 0 Mo : découpez-le en plusieurs fichiers."
    ]


def test_the_screen_runs_a_job_that_survives_a_reload_then_saves_all_or_nothing(client, dgefp):
    page = upload(client, "faj.csv", (HEADER + GOOD_ROW).encode())
    job = Job.objects.get()
    assert page.redirect_chain == [(reverse("core:job", args=[job.pk]), 302)]
    assert job.status == JobStatus.DONE and job.created_by == dgefp
    again = client.get(reverse("core:job", args=[job.pk])).content.decode()
    assert "faj.csv : simulation — 1 création(s)" in again and reverse("funding:import_confirm") in again
    assert not FundingLine.objects.exists()
    saved = client.post(reverse("funding:import_confirm"), follow=True).content.decode()
    assert "faj.csv : import enregistré — 1 création(s)" in saved
    assert FundingLine.objects.count() == 1
    # idempotent: the same file again changes nothing
    upload(client, "faj.csv", (HEADER + GOOD_ROW).encode())
    again = client.post(reverse("funding:import_confirm"), follow=True).content.decode()
    assert "0 création(s), 0 mise(s) à jour, 1 inchangée(s)" in again
    assert FundingLine.objects.count() == 1


def test_a_job_page_is_only_for_its_author(client, dgefp, network):
    upload(client, "faj.csv", (HEADER + GOOD_ROW).encode())
    job = Job.objects.get()
    client.force_login(user_for_role(Role.NATIONAL_ADMIN, email="autre@example.org"))
    assert client.get(reverse("core:job", args=[job.pk])).status_code == 404
    assert client.get(reverse("core:job_issues", args=[job.pk])).status_code == 404


def test_a_running_job_page_reloads_itself(client, dgefp):
    job = Job.objects.create(kind="import", label="Import de test", created_by=dgefp, status=JobStatus.RUNNING,
                             stage="Lecture du fichier", progress_done=5000,
                             params={"screen": "funding:import"})  # fmt: skip
    page = client.get(reverse("core:job", args=[job.pk])).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in page
    assert "Lecture du fichier : 5000 ligne(s) lue(s)" in page


def test_a_job_that_crashes_is_failed_with_a_french_message_and_saves_nothing(client, dgefp, monkeypatch):
    from pilotage.core import import_screen

    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    kinds = import_screen.SCREENS["funding:import"].kinds
    monkeypatch.setitem(kinds, "lignes", dataclasses.replace(kinds["lignes"], run=boom))
    page = upload(client, "faj.csv", (HEADER + GOOD_ROW).encode()).content.decode()
    assert "La tâche n&#x27;a pas abouti à cause d&#x27;une erreur inattendue ; rien n&#x27;a été enregistré." in page
    assert Job.objects.get().status == JobStatus.FAILED
    assert not FundingLine.objects.exists()
