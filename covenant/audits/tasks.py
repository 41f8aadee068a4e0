"""Background tasks of the audits capability (run by `covenant worker`)."""

from __future__ import annotations

from django_tasks import task

from covenant.audits import services


@task()
def count_sector_task() -> str:
    count = services.count_sector()
    return f"counted in {count.seconds:.1f} s"


@task()
def refresh_audit_signals_task() -> str:
    sites = services.refresh_all_site_signals()
    return f"audit risk signals refreshed for {sites} sites"
