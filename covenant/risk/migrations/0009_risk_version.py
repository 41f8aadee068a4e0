"""A version of the data the risk caches are built from, bumped by the database itself.

Triggers on profiles, topics and topic weights bump ``risk_riskversion`` in the writing
transaction, whatever writes them (the engine's COPY and TRUNCATE on PostgreSQL, services,
the admin, a shell): the per-process profile cache of the risk overview is keyed on it
(``risk.selectors._profile_scores``). PostgreSQL bumps once per statement, SQLite (which
has row triggers only) once per row. The bump is an upsert, so it also recreates the row
if a test's flush emptied the table.
"""

from django.db import migrations, models

TABLES = ("risk_riskprofile", "risk_topic", "risk_topicweight")

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION risk_bump_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO risk_riskversion (id, counter, token)
    VALUES (1, 1, md5(random()::text || clock_timestamp()::text))
    ON CONFLICT (id) DO UPDATE
        SET counter = risk_riskversion.counter + 1, token = EXCLUDED.token;
    RETURN NULL;
END
$$
"""

SQLITE_BUMP = """
INSERT INTO risk_riskversion (id, counter, token) VALUES (1, 1, lower(hex(randomblob(16))))
ON CONFLICT (id) DO UPDATE SET counter = counter + 1, token = excluded.token;
"""


def create_triggers(apps, schema_editor):
    RiskVersion = apps.get_model("risk", "RiskVersion")
    RiskVersion.objects.get_or_create(pk=1, defaults={"counter": 0, "token": "initial"})
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION)
        for table in TABLES:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION risk_bump_version()"
            )
    elif vendor == "sqlite":
        for table in TABLES:
            for op in ("INSERT", "UPDATE", "DELETE"):
                schema_editor.execute(
                    f"CREATE TRIGGER {table}_version_{op.lower()} AFTER {op} ON {table} BEGIN {SQLITE_BUMP} END"
                )
    else:  # pragma: no cover - the project supports these two
        raise RuntimeError(f"no risk version triggers for {vendor}")


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_version ON {table}")
        else:
            for op in ("insert", "update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_version_{op}")
    if vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS risk_bump_version()")


class Migration(migrations.Migration):
    dependencies = [
        ("risk", "0008_stored_risk_public_evidence_only"),
    ]

    operations = [
        migrations.CreateModel(
            name="RiskVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("counter", models.BigIntegerField(default=0)),
                ("token", models.CharField(default="", max_length=32)),
            ],
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
