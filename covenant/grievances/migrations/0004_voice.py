import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

CHANNELS = [
    ("web", "Web form"),
    ("sms", "SMS"),
    ("whatsapp", "WhatsApp"),
    ("operator", "Hotline operator"),
    ("voice", "Voice call"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("grievances", "0003_remedy"),
        ("orgs", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations: list[migrations.operations.base.Operation] = [
        # The voice channel (voice.py): a new choice, no change to the columns.
        migrations.AlterField(
            model_name="case",
            name="channel",
            field=models.CharField(choices=CHANNELS, max_length=10),
        ),
        migrations.AlterField(
            model_name="conversation",
            name="channel",
            field=models.CharField(choices=CHANNELS, max_length=10),
        ),
        # Handlers' translations of the report or of an entry, sealed with the case key.
        migrations.CreateModel(
            name="Translation",
            fields=[
                ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ("language", models.CharField(max_length=8)),
                ("created_on", models.DateField()),
                ("body_enc", models.BinaryField()),
                (
                    "author",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "author_org",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="orgs.organisation",
                    ),
                ),
                (
                    "case",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="translations",
                        to="grievances.case",
                    ),
                ),
                (
                    "entry",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="translations",
                        to="grievances.caseentry",
                    ),
                ),
            ],
        ),
    ]
