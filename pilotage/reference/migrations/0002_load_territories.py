from django.db import migrations


def load(apps, schema_editor):
    from pilotage.reference.territories import sync_territories

    sync_territories(apps.get_model("reference", "Region"), apps.get_model("reference", "Department"))


class Migration(migrations.Migration):
    dependencies = [("reference", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
