"""A signal's explanation as a code with parameters, beside the English text.

Restricted evidence (audits, grievance cases) moves a member's own view, one line per
adjustment; the line is rendered in the reader's language by ``risk/explain.py`` from
``code`` and ``params`` (like profile lines). Rows written before keep ``code`` empty and
are shown by their English ``explanation``.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("risk", "0010_salience"),
    ]

    operations: list[migrations.operations.base.Operation] = [
        migrations.AddField(
            model_name="sitesignal",
            name="code",
            field=models.CharField(blank=True, default="", max_length=40),
        ),
        migrations.AddField(
            model_name="sitesignal",
            name="params",
            field=models.JSONField(blank=True, default=dict),
        ),
    ]
