"""The transition log on the workflow engine's abstract log (core/workflow.py, ADR 0012): each row gets the name
of its transition, read from its (from, to) pair, which is unique in the survey's workflow; the reason is no
longer cut at 300 characters."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

NAMES = {("draft", "open"): "open", ("open", "closed"): "close"}


def name_transitions(apps, schema_editor):
    SurveyTransition = apps.get_model("surveys", "SurveyTransition")
    for (source, target), name in NAMES.items():
        SurveyTransition.objects.filter(from_status=source, to_status=target).update(name=name)


class Migration(migrations.Migration):
    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("surveys", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="surveytransition",
            name="name",
            field=models.CharField(default="", max_length=30, verbose_name="transition"),
            preserve_default=False,
        ),
        migrations.RunPython(name_transitions, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='surveytransition',
            name='by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='par'),
        ),
        migrations.AlterField(
            model_name='surveytransition',
            name='from_status',
            field=models.CharField(choices=[('draft', 'En préparation'), ('open', 'Ouverte'), ('closed', 'Close')], max_length=30, verbose_name='de'),
        ),
        migrations.AlterField(
            model_name='surveytransition',
            name='reason',
            field=models.TextField(blank=True, verbose_name='motif'),
        ),
        migrations.AlterField(
            model_name='surveytransition',
            name='to_status',
            field=models.CharField(choices=[('draft', 'En préparation'), ('open', 'Ouverte'), ('closed', 'Close')], max_length=30, verbose_name='vers'),
        ),
    ]
