"""The transition log on the workflow engine's abstract log (core/workflow.py, ADR 0012): each row gets the name
of its transition, read from its (from, to) pair, which is unique in the dialogue's workflow."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

NAMES = {
    ("preparation", "in_progress"): "start",
    ("in_progress", "concluded"): "conclude",
    ("concluded", "in_progress"): "reopen",
    ("concluded", "avenant_signed"): "sign_avenant",
}


def name_transitions(apps, schema_editor):
    DialogueTransition = apps.get_model("dialogue", "DialogueTransition")
    for (source, target), name in NAMES.items():
        DialogueTransition.objects.filter(from_status=source, to_status=target).update(name=name)


class Migration(migrations.Migration):
    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("dialogue", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="dialoguetransition",
            name="name",
            field=models.CharField(default="", max_length=30, verbose_name="transition"),
            preserve_default=False,
        ),
        migrations.RunPython(name_transitions, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='dialoguetransition',
            name='at',
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name='le'),
        ),
        migrations.AlterField(
            model_name='dialoguetransition',
            name='by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='par'),
        ),
        migrations.AlterField(
            model_name='dialoguetransition',
            name='from_status',
            field=models.CharField(choices=[('preparation', 'En préparation'), ('in_progress', 'En cours'), ('concluded', 'Conclu'), ('avenant_signed', 'Avenant signé')], max_length=30, verbose_name='de'),
        ),
        migrations.AlterField(
            model_name='dialoguetransition',
            name='to_status',
            field=models.CharField(choices=[('preparation', 'En préparation'), ('in_progress', 'En cours'), ('concluded', 'Conclu'), ('avenant_signed', 'Avenant signé')], max_length=30, verbose_name='vers'),
        ),
    ]
