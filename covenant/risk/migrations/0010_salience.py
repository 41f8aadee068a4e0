"""Topic severity as UN Guiding Principles salience: scale, scope and irremediability, each 1-3.

``severity`` becomes their sum (3-9); scores change with it, so risk is scored again
(``covenant recompute-risk``; the demo and the nightly run do it). ``SiteRisk.breadth`` (the
mean score over all topics) is a later key of the prioritised list.
"""

from django.db import migrations, models

# code -> (scale, scope, irremediability, source note); as covenant.risk.scoring.SALIENCE on 2026-12-07.
SALIENCE = {
    "forced_labour": (3, 2, 3, "Deprivation of liberty; debt bondage outlasts the job (ILO C29, P29)."),
    "child_labour": (3, 2, 3, "Harm to health and schooling that cannot be undone (ILO C138, C182)."),
    "freedom_of_association": (2, 3, 2, "An enabling right: its absence touches the whole workforce (ILO C87, C98)."),
    "discrimination": (2, 2, 2, "Unequal pay and treatment, gender-based violence (ILO C100, C111, C190)."),
    "wages": (2, 3, 1, "Affects every worker; back pay can remedy it (ILO C131)."),
    "working_hours": (2, 3, 1, "Affects whole shifts; exhaustion and accidents follow (ILO C1)."),
    "health_safety": (3, 2, 3, "Death and injury cannot be remedied (ILO C155, C187; Rana Plaza)."),
    "harsh_treatment": (3, 1, 2, "Abuse of individuals; lasting psychological harm."),
    "regular_employment": (1, 2, 1, "Loss of social security and job security; remediable by contract."),
    "migrant_workers": (2, 2, 2, "Recruitment fees lead to debt bondage (ILO C181, Dhaka Principles)."),
    "land_rights": (2, 2, 3, "Evictions without consent are hard to reverse (FAO VGGT)."),
    "environment": (2, 2, 2, "Pollution and water use harm communities around the site."),
    "business_ethics": (1, 2, 1, "Bribery and false records hide other harms; remediable."),
}


SQLITE_BUMP = """
INSERT INTO risk_riskversion (id, counter, token) VALUES (1, 1, lower(hex(randomblob(16))))
ON CONFLICT (id) DO UPDATE SET counter = counter + 1, token = excluded.token;
"""


def restore_sqlite_triggers(apps, schema_editor):
    """SQLite adds these columns by rebuilding ``risk_topic``, which drops the version
    triggers of migration 0009: create them again (PostgreSQL keeps them)."""
    if schema_editor.connection.vendor != "sqlite":
        return
    for op in ("INSERT", "UPDATE", "DELETE"):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS risk_topic_version_{op.lower()}")
        schema_editor.execute(
            f"CREATE TRIGGER risk_topic_version_{op.lower()} AFTER {op} ON risk_topic BEGIN {SQLITE_BUMP} END"
        )


def set_salience(apps, schema_editor):
    Topic = apps.get_model("risk", "Topic")
    for topic in Topic.objects.all():
        scale, scope, irremediability, note = SALIENCE.get(topic.code, (2, 2, 2, ""))
        topic.scale, topic.scope, topic.irremediability, topic.salience_note = scale, scope, irremediability, note
        topic.severity = scale + scope + irremediability
        topic.save()


class Migration(migrations.Migration):
    dependencies = [("risk", "0009_risk_version")]

    operations = [
        migrations.AddField(
            model_name="topic", name="scale", field=models.PositiveSmallIntegerField(default=2, verbose_name="scale")
        ),
        migrations.AddField(
            model_name="topic", name="scope", field=models.PositiveSmallIntegerField(default=2, verbose_name="scope")
        ),
        migrations.AddField(
            model_name="topic",
            name="irremediability",
            field=models.PositiveSmallIntegerField(default=2, verbose_name="irremediability"),
        ),
        migrations.AddField(
            model_name="topic",
            name="salience_note",
            field=models.CharField(blank=True, max_length=200, verbose_name="salience source"),
        ),
        migrations.AlterField(model_name="topic", name="severity", field=models.PositiveSmallIntegerField(default=6)),
        migrations.AddField(model_name="siterisk", name="breadth", field=models.FloatField(default=0.0)),
        migrations.RunPython(restore_sqlite_triggers, migrations.RunPython.noop),
        migrations.RunPython(set_salience, migrations.RunPython.noop),
    ]
