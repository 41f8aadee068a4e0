"""Move the audit trail from plain SHA-256 to HMAC-SHA256 under AUDIT_LOG_KEY.

The old chain is verified first and the migration stops, changing nothing, if it is
already broken. Otherwise every hash is recomputed with the key and the event
``core.audit_log.rekeyed`` records the old head (see ``covenant.core.audit.rekey_chain``).
Not reversible: going back would rewrite the log a second time.
"""

from django.db import migrations


def rekey(apps, schema_editor):
    from covenant.core.audit import rekey_chain

    rekey_chain(
        apps.get_model("core", "AuditEvent"),
        apps.get_model("core", "AuditHead"),
        using=schema_editor.connection.alias,
    )


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_genesis")]

    operations = [migrations.RunPython(rekey, elidable=False)]
