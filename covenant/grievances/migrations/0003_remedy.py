"""Issue 15 (items 2 and 3): the site's supplier in remedy, corrective actions on the site, and
members' comments, commitments and contributions. Written by hand; texts are stored encrypted."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("grievances", "0002_routing_urgency"),
    ]

    operations: list[migrations.operations.base.Operation] = [
        migrations.AddField(
            model_name="case",
            name="supplier_consent",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="case",
            name="box_public_key",
            field=models.BinaryField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="caserecipient",
            name="supplier",
            field=models.BooleanField(default=False),
        ),
        migrations.CreateModel(
            name="CaseAction",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.PositiveIntegerField()),
                ("text_enc", models.BinaryField()),
                ("due_on", models.DateField(blank=True, null=True)),
                (
                    "status",
                    models.CharField(
                        choices=[("open", "Open"), ("progress", "Progress made"), ("closed", "Closed")],
                        default="open",
                        max_length=10,
                    ),
                ),
                ("opened_on", models.DateField()),
                (
                    "verification_method",
                    models.CharField(
                        blank=True,
                        choices=[("desk_review", "Desk review"), ("follow_up_audit", "Follow-up audit")],
                        max_length=16,
                    ),
                ),
                ("verified_on", models.DateField(blank=True, null=True)),
                ("verification_note_enc", models.BinaryField(blank=True, null=True)),
                (
                    "case",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="actions", to="grievances.case"
                    ),
                ),
                (
                    "verified_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "verified_by_org",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="orgs.organisation",
                    ),
                ),
            ],
            options={
                "ordering": ["number"],
                "constraints": [models.UniqueConstraint(fields=("case", "number"), name="one_action_number_per_case")],
            },
        ),
        migrations.CreateModel(
            name="ActionEvidence",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("added_on", models.DateField()),
                ("note_enc", models.BinaryField()),
                (
                    "action",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="evidence",
                        to="grievances.caseaction",
                    ),
                ),
                (
                    "org",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="orgs.organisation",
                    ),
                ),
            ],
            options={"ordering": ["pk"]},
        ),
        migrations.CreateModel(
            name="MemberEntry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.PositiveIntegerField()),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("comment", "Comment"),
                            ("commitment", "Commitment"),
                            ("contribution", "Contribution to remedy"),
                        ],
                        max_length=12,
                    ),
                ),
                ("created_on", models.DateField()),
                ("body_enc", models.BinaryField()),
                ("due_on", models.DateField(blank=True, null=True)),
                (
                    "status",
                    models.CharField(
                        blank=True,
                        choices=[("open", "Open"), ("done", "Done"), ("dropped", "Dropped")],
                        max_length=10,
                    ),
                ),
                (
                    "contribution_type",
                    models.CharField(
                        blank=True,
                        choices=[("money", "Money"), ("in_kind", "In kind"), ("other", "Other")],
                        max_length=10,
                    ),
                ),
                ("amount", models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True)),
                ("currency", models.CharField(blank=True, max_length=3)),
                ("shown_to_reporter", models.BooleanField(default=False)),
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
                    "case",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="member_entries",
                        to="grievances.case",
                    ),
                ),
                (
                    "org",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="orgs.organisation"
                    ),
                ),
            ],
            options={
                "ordering": ["number"],
                "constraints": [
                    models.UniqueConstraint(fields=("case", "number"), name="one_member_entry_number_per_case")
                ],
            },
        ),
    ]
