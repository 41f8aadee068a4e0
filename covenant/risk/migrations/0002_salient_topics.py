"""The salient human-rights topics every scheme recurs to (see docs/risk.md)."""

from django.db import migrations

TOPICS = [
    # code, English, Dutch, severity (1-3), description
    ("forced_labour", "Forced labour", "Dwangarbeid", 3, "Work under menace of penalty, debt bondage, retained documents, restricted movement."),
    ("child_labour", "Child labour", "Kinderarbeid", 3, "Work by children below the minimum age, or hazardous work by young workers."),
    ("freedom_of_association", "Freedom of association", "Vrijheid van vakvereniging", 2, "The right to form and join unions and to bargain collectively."),
    ("discrimination", "Discrimination and gender", "Discriminatie en gender", 2, "Unequal treatment, gender-based violence and harassment."),
    ("wages", "Wages", "Lonen", 2, "Legal minimum wage, living wage gap, timely and full payment."),
    ("working_hours", "Working hours", "Werktijden", 2, "Excessive and involuntary overtime, rest days."),
    ("health_safety", "Health and safety", "Gezondheid en veiligheid", 3, "Building, fire and chemical safety; occupational health."),
    ("harsh_treatment", "Harsh treatment", "Mishandeling", 3, "Physical, verbal or psychological abuse; inhumane discipline."),
    ("regular_employment", "Regular employment", "Regulier dienstverband", 1, "Contracts, social security, abuse of temporary work and sub-contracting."),
    ("migrant_workers", "Migrant workers and recruitment fees", "Migrerende werknemers en wervingskosten", 3, "Fees charged to workers, deceptive recruitment, retained passports."),
    ("land_rights", "Land rights", "Landrechten", 2, "Land acquisition without free, prior and informed consent; evictions."),
    ("environment", "Environment", "Milieu", 2, "Pollution, water use and other environmental harm affecting people."),
    ("business_ethics", "Business ethics", "Zakelijke integriteit", 1, "Bribery, corruption and falsified records."),
]


def add_topics(apps, schema_editor):
    Topic = apps.get_model("risk", "Topic")
    for position, (code, name, name_nl, severity, description) in enumerate(TOPICS):
        Topic.objects.update_or_create(
            code=code,
            defaults={"name": name, "name_nl": name_nl, "severity": severity, "description": description, "position": position},
        )


class Migration(migrations.Migration):
    dependencies = [("risk", "0001_initial")]

    operations = [migrations.RunPython(add_topics, migrations.RunPython.noop)]
