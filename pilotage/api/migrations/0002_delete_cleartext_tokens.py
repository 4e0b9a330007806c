"""Delete the API tokens of DRF's `authtoken` app, which were stored in clear and never expired.

They cannot be turned into hashed tokens without keeping them as they were (a digest of a leaked token is the
same leaked token), so they are deleted: each holder creates a new one on the page « Jetons d'accès à l'API »
(`/api/jeton/`) or with `pilotage create_api_token`. The app is no longer installed: its table is dropped and its
migration records removed (so that re-installing it one day starts from an empty table).
"""

from django.db import migrations

TABLE = "authtoken_token"


def delete_cleartext_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if TABLE in connection.introspection.table_names():
        quoted = schema_editor.quote_name(TABLE)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {quoted}")
            (count,) = cursor.fetchone()
            cursor.execute(f"DELETE FROM {quoted}")
        schema_editor.execute(f"DROP TABLE {quoted}")
        if count:
            print(f"\n  {count} ancien(s) jeton(s) d'API en clair supprimé(s) : à recréer (voir README).")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE app = %s", ["authtoken"])


class Migration(migrations.Migration):
    dependencies = [("api", "0001_initial")]

    operations = [migrations.RunPython(delete_cleartext_tokens, migrations.RunPython.noop)]
