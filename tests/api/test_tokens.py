"""API tokens fit for machines: hashed, expiring, scoped, named, revocable, listed, rate-limited."""

import hashlib
from datetime import UTC, datetime, time, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.test import APIClient

from pilotage.api.authentication import ApiTokenAuthentication
from pilotage.api.models import ApiToken, TokenScope
from pilotage.api.services import api_token_create
from pilotage.core.roles import Role
from tests.api.helpers import new_token
from tests.login import password_login
from tests.network import user_of

ML13 = "/api/v1/missions-locales/ML13S00/"


def client_with(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def every_stored_text():
    """(table, value) for every text cell of every table of the database, history tables included."""
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        value = bytes(value).decode("latin-1")
                    if isinstance(value, str):
                        yield table, value


def test_a_token_is_only_ever_stored_hashed(client, network):
    user = user_of(Role.ARML, network)
    client.force_login(user)
    page = client.post(reverse("api:token"), {"name": "Entrepôt", "scope": TokenScope.READ, "days": 30})
    token = ApiToken.objects.get(user=user)
    secret = page.context["new_secret"]
    assert secret.startswith("pml_") and len(secret) == 4 + 64 and secret in page.content.decode()
    assert token.digest == hashlib.sha512(secret.encode()).hexdigest()
    # Nothing stored holds the secret, nor any 16 characters of it: only the 15-character lookup key
    # (`pml_` and 11 of the 64 random characters) is kept in clear, besides the digest.
    pieces = {secret[i : i + 16] for i in range(len(secret) - 15)}
    leaks = [(table, value) for table, value in every_stored_text() if any(piece in value for piece in pieces)]
    assert leaks == []
    assert token.token_key == secret[:15]
    assert client_with(secret).get("/api/v1/moi/").status_code == 200


def test_the_secret_is_shown_once_and_the_list_shows_no_secret(client, network):
    user = user_of(Role.DEPARTMENTAL_STATE, network)
    client.force_login(user)
    created = client.post(reverse("api:token"), {"name": "Tableur", "scope": TokenScope.READ_WRITE, "days": 10})
    secret = created.context["new_secret"]
    assert "no-store" in created["Cache-Control"]
    for url in (reverse("api:token"), reverse("accounts:profile")):
        page = client.get(url).content.decode()
        assert "Tableur" in page and "Lecture et écriture" in page and secret[:15] not in page
    token = ApiToken.objects.get(user=user)
    assert token.expiry.date() == (timezone.now() + timedelta(days=10)).date()


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"name": "", "scope": "read", "days": 30}, "Ce champ est obligatoire"),
        ({"name": "X", "scope": "admin", "days": 30}, "Sélectionnez un choix valide"),
        ({"name": "X", "scope": "read", "days": 366}, "inférieure ou égale à 365"),
        ({"name": "X", "scope": "read", "days": 0}, "supérieure ou égale à 1"),
    ],
)
def test_a_bad_creation_is_refused_with_a_french_message(client, network, data, error):
    client.force_login(user_of(Role.ARML, network))
    page = client.post(reverse("api:token"), data)
    assert page.status_code == 200 and error in page.content.decode() and page.context["new_secret"] is None
    assert not ApiToken.objects.exists()


def test_no_token_is_created_while_the_account_is_locked_out(client, network):
    user = user_of(Role.ARML, network)
    client.force_login(user)  # a session opened before someone else started guessing the password
    for _ in range(5):
        password_login(Client(), user.email, "pas-le-bon-mot-de-passe")
    page = client.post(reverse("api:token"), {"name": "X", "scope": "read", "days": 30})
    assert "aucun jeton d&#x27;API ne peut être créé" in page.content.decode()
    assert not ApiToken.objects.exists()


def test_an_expired_token_is_refused(network):
    token, secret = api_token_create(user=user_of(Role.ARML, network), name="Court", days=1)
    client = client_with(secret)
    assert client.get("/api/v1/regions/").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expiry=timezone.now() - timedelta(seconds=1))
    response = client.get("/api/v1/regions/")
    assert response.status_code == 401 and "expiré" in response.json()["detail"]


def test_a_token_is_checked_in_one_query_and_the_owners_expired_tokens_are_swept_as_knox_does(
    network, django_assert_num_queries
):
    arml, ddets = user_of(Role.ARML, network), user_of(Role.DEPARTMENTAL_STATE, network)
    kept, secret = api_token_create(user=arml, name="Gardé", days=1)
    old, old_secret = api_token_create(user=arml, name="Ancien", days=1)
    other, _ = api_token_create(user=ddets, name="D'un autre", days=1)
    ApiToken.objects.filter(pk__in=[old.pk, other.pk]).update(expiry=timezone.now() - timedelta(seconds=1))
    ApiToken.objects.filter(pk=kept.pk).update(last_used=timezone.now())  # its last use is not written again

    user, token = ApiTokenAuthentication().authenticate_credentials(secret.encode())
    assert (user, token) == (arml, kept)
    assert set(ApiToken.objects.values_list("name", flat=True)) == {"Gardé", "D'un autre"}  # the owner's swept
    with django_assert_num_queries(1):  # nothing left to sweep: the owner's tokens read, nothing else
        assert ApiTokenAuthentication().authenticate_credentials(secret.encode()) == (arml, kept)

    assert client_with(old_secret).get("/api/v1/regions/").status_code == 401  # deleted: unknown
    forged = secret[:-4] + ("AAAA" if not secret.endswith("AAAA") else "BBBB")  # the same key, another digest
    assert client_with(forged).get("/api/v1/regions/").status_code == 401
    assert client_with(secret).get("/api/v1/regions/").status_code == 200

    ApiToken.objects.filter(pk=kept.pk).update(expiry=timezone.now() - timedelta(seconds=1))
    assert client_with(secret).get("/api/v1/regions/").status_code == 401  # (the refused request is rolled back)
    with pytest.raises(AuthenticationFailed):
        ApiTokenAuthentication().authenticate_credentials(secret.encode())
    assert not ApiToken.objects.filter(pk=kept.pk).exists()  # an expired token is deleted when it is presented

    _, inactive_secret = api_token_create(user=ddets, name="Inactif", days=1)
    type(ddets).objects.filter(pk=ddets.pk).update(is_active=False)
    assert client_with(inactive_secret).get("/api/v1/regions/").status_code == 401
    with pytest.raises(AuthenticationFailed, match="inactif"):
        ApiTokenAuthentication().authenticate_credentials(inactive_secret.encode())
    assert not ApiToken.objects.filter(pk=other.pk).exists()  # swept when its owner's other token was presented


def test_the_default_lifetime_comes_from_the_settings(settings, network):
    settings.API_TOKEN_DAYS = 7
    token, _ = api_token_create(user=user_of(Role.ARML, network), name="Défaut")
    assert timedelta(days=7) - timedelta(minutes=1) < token.expiry - timezone.now() <= timedelta(days=7)


def test_every_token_expires_within_the_maximum(settings, network):
    settings.API_TOKEN_MAX_DAYS = 30
    with pytest.raises(Exception, match="de 1 à 30 jours"):
        api_token_create(user=user_of(Role.ARML, network), name="Trop long", days=31)
    assert not ApiToken.objects.exists()


def test_a_read_token_cannot_write(network):
    user = user_of(Role.NATIONAL_ADMIN, network)
    read, write = client_with(new_token(user, scope=TokenScope.READ)), client_with(new_token(user))
    before = network["ml13"].president
    assert read.get(ML13).status_code == 200
    for method in ("patch", "put", "post", "delete"):
        response = getattr(read, method)(ML13, {"president": "Lecture seule"}, format="json")
        assert response.status_code == 403, method
        assert "ne donne que la lecture" in response.json()["detail"]
    assert read.post("/api/v1/missions-locales/", {"nom": "X"}, format="json").status_code == 403
    network["ml13"].refresh_from_db()
    assert network["ml13"].president == before
    assert write.patch(ML13, {"president": "Écrit"}, format="json").status_code == 200
    network["ml13"].refresh_from_db()
    assert network["ml13"].president == "Écrit"


def test_a_token_is_throttled_on_its_own(settings, network):
    settings.API_TOKEN_RATE = "3/minute"
    user = user_of(Role.DEPARTMENTAL_STATE, network)
    first, second = client_with(new_token(user)), client_with(new_token(user, name="Autre"))
    assert [first.get("/api/v1/regions/").status_code for _ in range(3)] == [200, 200, 200]
    refused = first.get("/api/v1/regions/")
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    detail = refused.json()["detail"]
    assert detail.startswith("Trop de requêtes pour ce jeton (au plus 3 par minute) : réessayez dans ")
    assert second.get("/api/v1/regions/").status_code == 200, "the limit is per token"


def test_the_last_use_is_recorded(network):
    token, secret = api_token_create(user=user_of(Role.ARML, network), name="Suivi")
    assert token.last_used is None
    client_with(secret).get("/api/v1/moi/")
    token.refresh_from_db()
    assert timezone.now() - token.last_used < timedelta(seconds=10)


def test_the_account_page_lists_the_tokens_and_revokes_one(client, network):
    user = user_of(Role.REGIONAL_COUNCIL, network)
    kept, kept_secret = api_token_create(user=user, name="Gardé", scope=TokenScope.READ)
    revoked, revoked_secret = api_token_create(user=user, name="Révoqué", scope=TokenScope.READ_WRITE)
    # the expiry is shown as a day of Paris: at 23:30 UTC it is already the next day there (this test failed when run
    # between 23:00 and 24:00 UTC, while it compared the page with the UTC day)
    day = (timezone.now() + timedelta(days=30)).date()
    kept.expiry = datetime.combine(day, time(23, 30), tzinfo=UTC)
    kept.save(update_fields=["expiry"])
    client_with(kept_secret).get("/api/v1/moi/")
    client.force_login(user)
    page = client.get(reverse("accounts:profile")).content.decode()
    for text in ("Gardé", "Révoqué", "Lecture et écriture", "jamais", f"{day + timedelta(days=1):%d/%m/%Y}"):
        assert text in page, text
    response = client.post(
        reverse("api:token_revoke", args=[revoked.pk]), {"next": reverse("accounts:profile")}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("accounts:profile")
    assert "Le jeton « Révoqué » est révoqué" in response.content.decode()
    assert list(ApiToken.objects.filter(user=user)) == [kept]
    assert client_with(revoked_secret).get("/api/v1/moi/").status_code == 401
    assert client_with(kept_secret).get("/api/v1/moi/").status_code == 200
    deletion = ApiToken.history.filter(id=revoked.pk, history_type="-").get()
    assert deletion.history_user == user


def test_the_dgefp_lists_and_revokes_someone_elses_token(client, network):
    owner = user_of(Role.ARML, network)
    token, secret = api_token_create(user=owner, name="Entrepôt ARML")
    dgefp = user_of(Role.NATIONAL_ADMIN, network)
    client.force_login(dgefp)
    listing = client.get(reverse("api:token_list_all")).content.decode()
    assert "Entrepôt ARML" in listing and owner.email in listing
    response = client.post(reverse("api:token_revoke", args=[token.pk]), follow=True)
    assert f"Le jeton « Entrepôt ARML » de {owner.email} est révoqué." in response.content.decode()
    assert not ApiToken.objects.exists()
    assert client_with(secret).get("/api/v1/moi/").status_code == 401
    assert ApiToken.history.get(id=token.pk, history_type="-").history_user == dgefp


@pytest.mark.parametrize("role", [role for role in Role if role != Role.NATIONAL_ADMIN])
def test_nobody_else_revokes_or_lists_someone_elses_token(client, network, role):
    owner = user_of(Role.DEPARTMENTAL_STATE, network)
    token, secret = api_token_create(user=owner, name="Du voisin")
    client.force_login(user_of(role, network))
    assert client.post(reverse("api:token_revoke", args=[token.pk])).status_code == 404
    assert client.get(reverse("api:token_list_all")).status_code == 404
    assert "Du voisin" not in client.get(reverse("accounts:profile")).content.decode()
    assert ApiToken.objects.filter(pk=token.pk).exists()
    assert client_with(secret).get("/api/v1/moi/").status_code == 200


def test_revoking_needs_a_login_and_a_post(client, network):
    token, _ = api_token_create(user=user_of(Role.ARML, network), name="X")
    response = client.post(reverse("api:token_revoke", args=[token.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    client.force_login(token.user)
    assert client.get(reverse("api:token_revoke", args=[token.pk])).status_code == 405
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_the_token_page_requires_login(client, db):
    response = client.get(reverse("api:token"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert client.post(reverse("api:token"), {"name": "X", "scope": "read", "days": 3}).status_code == 302
    assert not ApiToken.objects.exists()


def test_create_api_token_command(network, capsys):
    user = user_of(Role.DEPARTMENTAL_STATE, network)
    earlier = new_token(user)
    call_command("create_api_token", user.email, "--scope", "ecriture", "--days", "30", "--name", "Entrepôt")
    secret = capsys.readouterr().out.strip()
    token = ApiToken.objects.get(name="Entrepôt")
    assert (token.user, token.scope, token.token_key) == (user, TokenScope.READ_WRITE, secret[:15])
    assert timedelta(days=29) < token.expiry - timezone.now() <= timedelta(days=30)
    assert client_with(secret).get("/api/v1/moi/").status_code == 200
    assert client_with(earlier).get("/api/v1/moi/").status_code == 200, "the other tokens keep working"
    call_command("create_api_token", user.email)
    default = ApiToken.objects.exclude(pk=token.pk).exclude(name="Tests").get()
    assert default.scope == TokenScope.READ and default.name.startswith("Ligne de commande, ")
    with pytest.raises(CommandError, match="Aucun utilisateur"):
        call_command("create_api_token", "personne@example.org")
    with pytest.raises(CommandError, match="de 1 à 365 jours"):
        call_command("create_api_token", user.email, "--days", "1000")
    user.is_active = False
    user.save()
    with pytest.raises(CommandError, match="désactivé"):
        call_command("create_api_token", user.email)


def test_the_migration_deletes_the_clear_text_tokens(db):
    """The data migration drops DRF's authtoken table (clear-text keys cannot be hashed back)."""
    from importlib import import_module

    from django.db.migrations.recorder import MigrationRecorder

    migration = import_module("pilotage.api.migrations.0002_delete_cleartext_tokens")

    class Editor:  # what the migration uses of a schema editor
        def __init__(self):
            self.connection = connection

        def quote_name(self, name):
            return connection.ops.quote_name(name)

        def execute(self, sql):
            with connection.cursor() as cursor:
                cursor.execute(sql)

    MigrationRecorder(connection).ensure_schema()  # (a test database built from the models has none)
    with connection.cursor() as cursor:
        cursor.execute('CREATE TABLE "authtoken_token" ("key" varchar(40) PRIMARY KEY, "user_id" bigint)')
        cursor.execute("INSERT INTO authtoken_token VALUES ('0123456789abcdef0123456789abcdef01234567', 1)")
        cursor.execute("INSERT INTO django_migrations (app, name, applied) VALUES ('authtoken', '0001_initial', %s)",
                       [timezone.now()])  # fmt: skip
    migration.delete_cleartext_tokens(None, Editor())
    assert "authtoken_token" not in connection.introspection.table_names()
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM django_migrations WHERE app = 'authtoken'")
        assert cursor.fetchone() == (0,)
