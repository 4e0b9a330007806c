"""The transition log on the workflow engine's abstract log (core/workflow.py, ADR 0012): `user` renamed `by`
(rows kept), the states' columns widened, `at` set by the engine."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("animation", "0002_load_catalogue"),
    ]

    operations = [
        migrations.RenameField(model_name="programmetransition", old_name="user", new_name="by"),
        migrations.RenameField(model_name="historicalprogrammetransition", old_name="user", new_name="by"),
        migrations.AlterField(
            model_name='historicalprogrammetransition',
            name='at',
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name='le'),
        ),
        migrations.AlterField(
            model_name='historicalprogrammetransition',
            name='by',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='par'),
        ),
        migrations.AlterField(
            model_name='historicalprogrammetransition',
            name='from_status',
            field=models.CharField(choices=[('draft', 'En préparation'), ('submitted', 'Soumis à la DREETS'), ('changes_requested', 'Modifications demandées'), ('approved', 'Approuvé'), ('reported', "Rapport d'activité remis"), ('closed', 'Clos')], max_length=30, verbose_name='de'),
        ),
        migrations.AlterField(
            model_name='historicalprogrammetransition',
            name='to_status',
            field=models.CharField(choices=[('draft', 'En préparation'), ('submitted', 'Soumis à la DREETS'), ('changes_requested', 'Modifications demandées'), ('approved', 'Approuvé'), ('reported', "Rapport d'activité remis"), ('closed', 'Clos')], max_length=30, verbose_name='vers'),
        ),
        migrations.AlterField(
            model_name='programmetransition',
            name='at',
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name='le'),
        ),
        migrations.AlterField(
            model_name='programmetransition',
            name='by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='par'),
        ),
        migrations.AlterField(
            model_name='programmetransition',
            name='from_status',
            field=models.CharField(choices=[('draft', 'En préparation'), ('submitted', 'Soumis à la DREETS'), ('changes_requested', 'Modifications demandées'), ('approved', 'Approuvé'), ('reported', "Rapport d'activité remis"), ('closed', 'Clos')], max_length=30, verbose_name='de'),
        ),
        migrations.AlterField(
            model_name='programmetransition',
            name='to_status',
            field=models.CharField(choices=[('draft', 'En préparation'), ('submitted', 'Soumis à la DREETS'), ('changes_requested', 'Modifications demandées'), ('approved', 'Approuvé'), ('reported', "Rapport d'activité remis"), ('closed', 'Clos')], max_length=30, verbose_name='vers'),
        ),
    ]
