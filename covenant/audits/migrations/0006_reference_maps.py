"""Each seeded scheme version's sections mapped to the sector's reference protocol.

The maps are data (covenant/audits/data/scheme_reference_map.json, see SOURCES.md there); this
migration copies them into SchemeVersion.reference_map. Versions the secretariat added keep the
map it gave them; a version not in the file keeps what it has.
"""

import json
from pathlib import Path

from django.db import migrations

MAP_FILE = Path(__file__).resolve().parent.parent / "data" / "scheme_reference_map.json"


def _maps():
    with MAP_FILE.open(encoding="utf-8") as handle:
        return json.load(handle)["versions"]


def load(apps, schema_editor):
    SchemeVersion = apps.get_model("audits", "SchemeVersion")
    for key, reference_map in _maps().items():
        scheme_code, version = key.split("/", 1)
        SchemeVersion.objects.filter(scheme__code=scheme_code, version=version).update(reference_map=reference_map)


def unload(apps, schema_editor):
    SchemeVersion = apps.get_model("audits", "SchemeVersion")
    for key in _maps():
        scheme_code, version = key.split("/", 1)
        SchemeVersion.objects.filter(scheme__code=scheme_code, version=version).update(reference_map={})


class Migration(migrations.Migration):
    dependencies = [("audits", "0005_firms_comments_reads_overlap_joint")]

    operations = [migrations.RunPython(load, unload)]
