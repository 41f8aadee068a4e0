import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [("registry", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="Topic",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.SlugField(max_length=40, unique=True)),
                ("name", models.CharField(max_length=100, verbose_name="name")),
                ("name_nl", models.CharField(blank=True, max_length=100, verbose_name="name (Dutch)")),
                ("description", models.TextField(blank=True)),
                ("severity", models.PositiveSmallIntegerField(default=2)),
                ("position", models.PositiveSmallIntegerField(default=0)),
            ],
            options={"ordering": ["position", "code"]},
        ),
        migrations.CreateModel(
            name="SiteSignal",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("source", models.CharField(max_length=30)),
                ("source_ref", models.CharField(max_length=64)),
                ("delta", models.FloatField(help_text="Points added to (or, if negative, taken from) the 0-10 score")),
                ("explanation", models.CharField(max_length=300)),
                ("observed_on", models.DateField(default=django.utils.timezone.localdate)),
                ("expires_on", models.DateField(blank=True, null=True)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "facility",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="risk_signals", to="registry.facility"
                    ),
                ),
                (
                    "topic",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="signals", to="risk.topic"
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(fields=["facility", "topic"], name="signal_facility_topic"),
                    models.Index(fields=["source", "source_ref"], name="signal_source"),
                ]
            },
        ),
    ]
