"""Issue 14, items 5 and 7: overrides carry a review date (and the reminders sent for it);
uploaded indicators start as drafts, with weights waiting for publication.

Overrides set before this migration get a review date a year from the day it runs (the
field's default), so none expires unannounced on upgrade. Existing indicators stay published.
"""

import django.db.models
from django.db import migrations

import covenant.risk.models


class Migration(migrations.Migration):
    dependencies = [
        ("risk", "0011_evidence"),
    ]

    operations: list[migrations.operations.base.Operation] = [
        migrations.AddField(
            model_name="riskoverride",
            name="review_on",
            field=django.db.models.DateField(
                default=covenant.risk.models.default_review_date, verbose_name="review date"
            ),
        ),
        migrations.AddField(
            model_name="riskoverride",
            name="reminded_due_for",
            field=django.db.models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="riskoverride",
            name="reminded_expired_for",
            field=django.db.models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="indicator",
            name="status",
            field=django.db.models.CharField(
                choices=[("draft", "Draft"), ("published", "Published")],
                default="published",
                max_length=10,
                verbose_name="status",
            ),
        ),
        migrations.AddField(
            model_name="indicator",
            name="draft_weights",
            field=django.db.models.JSONField(blank=True, null=True),
        ),
    ]
