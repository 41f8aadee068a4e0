"""Load the reference indicators shipped in covenant/risk/data (see its SOURCES.md)."""

from django.db import migrations


def load(apps, schema_editor):
    from covenant.risk.reference import load_builtin

    load_builtin(
        apps.get_model("risk", "Indicator"),
        apps.get_model("risk", "IndicatorValue"),
        apps.get_model("risk", "TopicWeight"),
        apps.get_model("risk", "Topic"),
    )


class Migration(migrations.Migration):
    dependencies = [("risk", "0003_risk_model")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
