"""The named audit schemes, as data (the secretariat adds others in the interface).

Section lists follow the schemes' published structures; each section names the
salient risk topic (risk migration 0002) its findings speak to, or "" when it is
about management systems rather than one right. A sector benchmark is created
that accepts the current versions of all of them.
"""

from django.db import migrations

SMETA_SECTIONS = [
    ("0A", "Universal rights covering UNGPs", ""),
    ("0B", "Management systems and code implementation", ""),
    ("1", "Freely chosen employment", "forced_labour"),
    ("2", "Freedom of association and right to collective bargaining", "freedom_of_association"),
    ("3", "Working conditions are safe and hygienic", "health_safety"),
    ("4", "Child labour shall not be used", "child_labour"),
    ("5", "Living wages are paid", "wages"),
    ("6", "Working hours are not excessive", "working_hours"),
    ("7", "No discrimination is practised", "discrimination"),
    ("8", "Regular employment is provided", "regular_employment"),
    ("8A", "Sub-contracting and homeworking", "regular_employment"),
    ("9", "No harsh or inhumane treatment is allowed", "harsh_treatment"),
    ("10A", "Entitlement to work and immigration", "migrant_workers"),
]
SMETA_4P_SECTIONS = [*SMETA_SECTIONS, ("10B", "Environment", "environment"), ("10C", "Business ethics", "business_ethics")]
SMETA_GRADES = [
    ("critical", "Critical non-compliance", "critical", True, False),
    ("major", "Major non-compliance", "major", True, False),
    ("minor", "Minor non-compliance", "minor", True, False),
    ("observation", "Observation", "none", False, False),
    ("good_example", "Good example", "none", False, False),
]
SMETA7_GRADES = [*SMETA_GRADES, ("collaborative", "Collaborative action required", "major", True, True)]

BSCI_SECTIONS = [
    ("PA1", "Social management system and cascade effect", ""),
    ("PA2", "Workers' involvement and protection", ""),
    ("PA3", "The rights of freedom of association and collective bargaining", "freedom_of_association"),
    ("PA4", "No discrimination, violence or harassment", "discrimination"),
    ("PA5", "Fair remuneration", "wages"),
    ("PA6", "Decent working hours", "working_hours"),
    ("PA7", "Occupational health and safety", "health_safety"),
    ("PA8", "No child labour", "child_labour"),
    ("PA9", "Special protection for young workers", "child_labour"),
    ("PA10", "No precarious employment", "regular_employment"),
    ("PA11", "No bonded, forced labour or human trafficking", "forced_labour"),
    ("PA12", "Protection of the environment", "environment"),
    ("PA13", "Ethical business behaviour", "business_ethics"),
]
BSCI_GRADES = [
    ("zero_tolerance", "Zero-tolerance finding", "critical", True, False),
    ("finding", "Finding", "major", True, False),
    ("improvement", "Area for improvement", "minor", True, False),
]
BSCI_RATINGS = [
    ("A", 86, 100, 24, None),
    ("B", 71, 85, 24, None),
    ("C", 51, 70, 12, 12),
    ("D", 30, 50, 12, 12),
    ("E", 0, 29, 12, 12),
]

SA8000_SECTIONS = [
    ("1", "Child labour", "child_labour"),
    ("2", "Forced or compulsory labour", "forced_labour"),
    ("3", "Health and safety", "health_safety"),
    ("4", "Freedom of association and right to collective bargaining", "freedom_of_association"),
    ("5", "Discrimination", "discrimination"),
    ("6", "Disciplinary practices", "harsh_treatment"),
    ("7", "Working hours", "working_hours"),
    ("8", "Remuneration", "wages"),
    ("9", "Management system", ""),
]
SA8000_GRADES = [
    ("critical", "Critical non-conformity", "critical", True, False),
    ("major", "Major non-conformity", "major", True, False),
    ("minor", "Minor non-conformity", "minor", True, False),
]

RBA_SECTIONS = [
    ("A1", "Freely chosen employment", "forced_labour"),
    ("A2", "Young workers", "child_labour"),
    ("A3", "Working hours", "working_hours"),
    ("A4", "Wages and benefits", "wages"),
    ("A5", "Humane treatment", "harsh_treatment"),
    ("A6", "Non-discrimination", "discrimination"),
    ("A7", "Freedom of association", "freedom_of_association"),
    ("B", "Health and safety", "health_safety"),
    ("C", "Environment", "environment"),
    ("D", "Ethics", "business_ethics"),
    ("E", "Management system", ""),
]
RBA_GRADES = [
    ("priority", "Priority finding", "critical", True, False),
    ("major", "Major non-conformance", "major", True, False),
    ("minor", "Minor non-conformance", "minor", True, False),
    ("opportunity", "Opportunity for improvement", "none", False, False),
]

LABOUR_HS = ["labour", "health_safety"]
ALL_PILLARS = ["labour", "health_safety", "environment", "business_ethics"]


def _sections(rows):
    return [{"code": c, "name": n, "topic": t} for c, n, t in rows]


def _grades(rows):
    return [{"code": c, "name": n, "severity": s, "non_compliance": nc, "collaborative": co} for c, n, s, nc, co in rows]


def _ratings(rows):
    return [
        {"code": c, "min": lo, "max": hi, "valid_months": v, "follow_up_months": f} for c, lo, hi, v, f in rows
    ]


SCHEMES = [
    (
        "smeta",
        "SMETA",
        "Sedex",
        [
            ("6.1-2p", "SMETA 6.1 2-pillar", SMETA_SECTIONS, SMETA_GRADES, [], 24, LABOUR_HS),
            ("6.1-4p", "SMETA 6.1 4-pillar", SMETA_4P_SECTIONS, SMETA_GRADES, [], 24, ALL_PILLARS),
            ("7.0-2p", "SMETA 7.0 2-pillar", SMETA_SECTIONS, SMETA7_GRADES, [], 24, LABOUR_HS),
            ("7.0-4p", "SMETA 7.0 4-pillar", SMETA_4P_SECTIONS, SMETA7_GRADES, [], 24, ALL_PILLARS),
        ],
    ),
    (
        "amfori-bsci",
        "amfori BSCI",
        "amfori",
        [("2023", "amfori BSCI 2023", BSCI_SECTIONS, BSCI_GRADES, BSCI_RATINGS, 24, ALL_PILLARS)],
    ),
    ("sa8000", "SA8000", "Social Accountability International", [
        ("2014", "SA8000:2014", SA8000_SECTIONS, SA8000_GRADES, [], 36, LABOUR_HS),
    ]),
    ("rba-vap", "RBA VAP", "Responsible Business Alliance", [
        ("8.0", "RBA VAP 8.0", RBA_SECTIONS, RBA_GRADES, [], 24, ALL_PILLARS),
    ]),
]


def seed(apps, schema_editor):
    AuditScheme = apps.get_model("audits", "AuditScheme")
    SchemeVersion = apps.get_model("audits", "SchemeVersion")
    RecognitionPolicy = apps.get_model("audits", "RecognitionPolicy")
    versions = []
    for code, name, owner, rows in SCHEMES:
        scheme, _ = AuditScheme.objects.get_or_create(code=code, defaults={"name": name, "owner_name": owner})
        for version, label, sections, grades, ratings, months, pillars in rows:
            v, _ = SchemeVersion.objects.update_or_create(
                scheme=scheme,
                version=version,
                defaults={
                    "label": label,
                    "sections": _sections(sections),
                    "grades": _grades(grades),
                    "ratings": _ratings(ratings),
                    "validity_months": months,
                    "pillars": pillars,
                },
            )
            # SMETA 6.1 is superseded; the sector benchmark starts from current versions.
            if not version.startswith("6.1"):
                versions.append(v)
    policy = RecognitionPolicy.objects.filter(org__isnull=True).first()
    if policy is None:
        policy = RecognitionPolicy.objects.create(org=None, max_age_months=36, require_qualified_auditor=True)
        policy.accepted_versions.set(versions)


def unseed(apps, schema_editor):
    apps.get_model("audits", "RecognitionPolicy").objects.filter(org__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("audits", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
