"""Background tasks of the risk capability (run by `covenant worker`)."""

from __future__ import annotations

from django_tasks import task

from covenant.risk import services


@task()
def recompute_task(job_id: str) -> str:
    services.run_recompute_job(job_id)
    return "done"


@task()
def screen_task(job_id: str, list_id: int) -> str:
    services.run_screening_job(job_id, list_id)
    return "done"
