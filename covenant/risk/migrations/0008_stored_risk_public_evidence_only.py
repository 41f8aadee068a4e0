"""The stored risk of a site no longer includes restricted evidence (audits).

Sites that had audit (or other restricted) signals are scored again from their profile
and their public signals only (events, sanctions), as ``risk.engine`` now does.
"""

from django.db import migrations
from django.db.models import Q
from django.utils import timezone

PUBLIC_SOURCES = ("event", "sanctions")


def restore(apps, schema_editor):
    from covenant.risk.scoring import adjust, summarise

    SiteSignal = apps.get_model("risk", "SiteSignal")
    SiteRisk = apps.get_model("risk", "SiteRisk")
    RiskProfile = apps.get_model("risk", "RiskProfile")
    Topic = apps.get_model("risk", "Topic")
    ids = set(SiteSignal.objects.exclude(source__in=PUBLIC_SOURCES).values_list("facility_id", flat=True))
    if not ids:
        return
    today = timezone.localdate()
    severity = dict(Topic.objects.values_list("code", "severity"))
    deltas: dict[int, dict[str, float]] = {}
    for fid, topic, delta in SiteSignal.objects.filter(
        Q(expires_on__isnull=True) | Q(expires_on__gte=today),
        observed_on__lte=today,
        source__in=PUBLIC_SOURCES,
        facility_id__in=ids,
    ).values_list("facility_id", "topic__code", "delta"):
        per = deltas.setdefault(fid, {})
        per[topic] = per.get(topic, 0.0) + delta
    risks = list(SiteRisk.objects.filter(facility_id__in=ids))
    profiles = RiskProfile.objects.in_bulk({r.profile_id for r in risks})
    for risk in risks:
        profile = profiles.get(risk.profile_id)
        if profile is None:
            continue
        site_deltas = deltas.get(risk.facility_id)
        scores = adjust(profile.scores, site_deltas) if site_deltas else profile.scores
        s = summarise(scores, severity)
        risk.score, risk.band, risk.severity, risk.top_topic = s.score, s.band, s.severity, s.top_topic
        risk.adjusted = scores if site_deltas else None
        risk.save(update_fields=["score", "band", "severity", "top_topic", "adjusted"])


class Migration(migrations.Migration):
    dependencies = [("risk", "0007_siterisk_plain")]

    operations = [migrations.RunPython(restore, migrations.RunPython.noop)]
