# The model moves here from groups, whose 0002 renamed its table to this app's name.

import uuid

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0001_initial"),
        ("groups", "0002_diagnosis_moves_to_clinic"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Diagnosis",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("public_id", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        (
                            "system",
                            models.CharField(
                                choices=[("icd10", "ICD-10"), ("icd11", "ICD-11")],
                                default="icd10",
                                max_length=10,
                                verbose_name="classification",
                            ),
                        ),
                        ("code", models.CharField(max_length=60, verbose_name="code")),
                        ("recorded_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "patient",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="diagnoses",
                                to="clinic.patient",
                            ),
                        ),
                        (
                            "recorded_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={"ordering": ["recorded_at"]},
                )
            ]
        ),
    ]
