from django.db import migrations


def load(apps, schema_editor):
    from pilotage.animation.catalogue import sync_catalogue

    sync_catalogue(
        apps.get_model("animation", "Mission"),
        apps.get_model("animation", "Objective"),
        apps.get_model("animation", "ActionType"),
    )


class Migration(migrations.Migration):
    dependencies = [("animation", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
