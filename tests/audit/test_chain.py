"""The tamper-evident audit trail (issue 11, point 8; ADR 0015): every history record is sealed in a chain,
`verify_audit` finds the first record changed in the database behind the platform's back; deleted objects'
history stays readable by the DGEFP; exports are logged."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from simple_history.utils import bulk_create_with_history

from pilotage.audit import chain
from pilotage.audit.models import AuditSeal, ExportLog
from pilotage.core.roles import Role
from pilotage.reference.models import MissionLocale
from tests.factories import MissionLocaleFactory

pytestmark = pytest.mark.django_db

HISTORY_TABLE = MissionLocale.history.model._meta.db_table


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a block as a committed transaction would: its on-commit callbacks (the sealing) run at its end."""

    def run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run


def verify() -> str:
    """`verify_audit`, once what the test wrote through the platform is committed (and so sealed)."""
    from io import StringIO

    chain._seal_pending("default")
    out = StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def verify_fails() -> str:
    with pytest.raises(CommandError) as error:
        verify()
    assert error.value.returncode == 1
    return str(error.value)


def _rename(ml, name):
    ml.name = name
    ml.save()


@pytest.fixture
def ml(committed):
    ml = committed(MissionLocaleFactory, code="AUD13S00", name="Mission Locale d'origine", department_id="13")
    committed(_rename, ml, "Mission Locale renommée")
    return ml


def _history_ids(ml):
    return list(ml.history.order_by("history_id").values_list("history_id", flat=True))


def test_each_history_record_is_sealed_and_the_chain_verifies(ml):
    ids = _history_ids(ml)
    assert len(ids) == 2
    seals = list(AuditSeal.objects.filter(table=HISTORY_TABLE).order_by("seq"))
    assert [s.record_id for s in seals] == [str(pk) for pk in ids]
    assert all(len(s.digest) == 64 for s in seals)
    assert seals[1].seq > seals[0].seq
    assert "Chaîne d'audit intacte" in verify()


def test_a_history_row_edited_in_sql_breaks_the_chain_at_that_record(ml):
    first, second = _history_ids(ml)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {HISTORY_TABLE} SET name = %s WHERE history_id = %s", ["Falsifié", first])
    message = verify_fails()
    assert f"table {HISTORY_TABLE}, enregistrement {first}" in message
    assert "modifié" in message


def test_the_acting_user_changed_in_sql_is_found(ml, make_user):
    other = make_user(Role.NATIONAL_ADMIN)
    _, second = _history_ids(ml)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {HISTORY_TABLE} SET history_user_id = %s WHERE history_id = %s", [other.pk, second])
    assert f"enregistrement {second}" in verify_fails()


def test_a_deleted_history_row_is_found(ml):
    first, _ = _history_ids(ml)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {HISTORY_TABLE} WHERE history_id = %s", [first])
    message = verify_fails()
    assert f"enregistrement {first}" in message and "supprimé" in message


def test_a_forged_seal_does_not_verify_without_the_key(ml):
    """Recomputing a seal needs the key: a plain SHA-256 of the changed row is refused."""
    import hashlib

    first, _ = _history_ids(ml)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {HISTORY_TABLE} SET name = %s WHERE history_id = %s", ["Falsifié", first])
    seal = AuditSeal.objects.get(table=HISTORY_TABLE, record_id=str(first))
    seal.digest = hashlib.sha256(b"anything").hexdigest()
    seal.save()
    assert f"enregistrement {first}" in verify_fails()


def test_removing_the_last_seals_is_found(ml):
    AuditSeal.objects.order_by("-seq").first().delete()
    assert "fin de la chaîne" in verify_fails()


def test_a_history_row_added_in_sql_is_reported_unsealed(ml):
    record = ml.history.first()
    record.pk = None
    record.name = "Ajouté en SQL"
    record.save()  # no signal: a direct write, as SQL would be
    message = verify_fails()
    assert "sans sceau" in message and f"table {HISTORY_TABLE}, enregistrement {record.pk}" in message
    call_command("verify_audit", "--seal", stdout=__import__("io").StringIO())  # once checked: sealed
    assert "intacte" in verify()


def test_bulk_history_is_sealed(committed, ml):
    def bulk():
        rows = [MissionLocale(code=f"BLK13S{i:02d}", name=f"ML {i}", department_id="13") for i in range(3)]
        bulk_create_with_history(rows, MissionLocale, batch_size=2)

    committed(bulk)
    codes = {f"BLK13S{i:02d}" for i in range(3)}
    ids = MissionLocale.history.filter(code__in=codes).values_list("history_id", flat=True)
    assert set(AuditSeal.objects.filter(table=HISTORY_TABLE).values_list("record_id", flat=True)) >= {
        str(pk) for pk in ids
    }
    assert "intacte" in verify()


def test_a_rolled_back_write_leaves_no_seal_and_the_next_one_is_sealed(committed, ml):
    before = AuditSeal.objects.count()

    def rolled_back_then_kept():
        with pytest.raises(RuntimeError), transaction.atomic():
            _rename(ml, "Jamais enregistré")
            raise RuntimeError
        _rename(ml, "Enregistré")

    committed(rolled_back_then_kept)
    assert AuditSeal.objects.count() == before + 1
    assert "intacte" in verify()


def test_the_dgefp_reads_the_history_of_a_deleted_object(client, make_user, committed, ml):
    pk = ml.pk
    committed(ml.delete)
    client.force_login(make_user(Role.NATIONAL_ADMIN))
    listing = client.get("/audit/supprimes/")
    assert listing.status_code == 200
    url = f"/audit/supprimes/reference.missionlocale/{pk}/"
    assert url in listing.content.decode()
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Supprimé le" in html
    assert "Mission Locale d&#x27;origine" in html and "Mission Locale renommée" in html  # before / after
    assert "intacte" in verify()


@pytest.mark.parametrize("role", [r for r in Role if r != Role.NATIONAL_ADMIN])
def test_only_the_dgefp_reads_the_audit_pages(client, make_user, role, ml):
    client.force_login(make_user(role))
    for url in ("/audit/supprimes/", f"/audit/supprimes/reference.missionlocale/{ml.pk}/", "/audit/exports/"):
        assert client.get(url).status_code == 404, url


def test_exports_are_logged_and_sealed(client, make_user, committed, ml):
    user = make_user(Role.DEPARTMENTAL_STATE)
    client.force_login(user)
    response = committed(client.get, "/missions-locales/export.csv")
    assert response.status_code == 200
    entry = ExportLog.objects.get()
    assert (entry.user, entry.user_email, entry.path, entry.filename) == (
        user,
        user.email,
        "/missions-locales/export.csv",
        "missions_locales.csv",
    )
    assert entry.at is not None
    assert AuditSeal.objects.filter(table=ExportLog._meta.db_table, record_id=str(entry.pk)).exists()
    client.get("/missions-locales/")  # a page is not an export
    assert ExportLog.objects.count() == 1
    dgefp = client
    dgefp.force_login(make_user(Role.NATIONAL_ADMIN))
    assert "missions_locales.csv" in dgefp.get("/audit/exports/").content.decode()
    assert "intacte" in verify()


def test_deleting_an_account_that_wrote_history_keeps_the_chain_valid(committed, ml, make_user):
    """simple-history sets the record's author to null when the account is deleted: the seal kept it."""
    author = committed(make_user, Role.NATIONAL_ADMIN)

    def edit():
        ml._history_user = author
        _rename(ml, "Renommée par un compte supprimé ensuite")

    committed(edit)
    record = ml.history.order_by("-history_id").first()
    assert record.history_user_id == author.pk
    committed(author.delete)
    record.refresh_from_db()
    assert record.history_user_id is None
    assert "intacte" in verify()
