"""Writes for background-job progress.

Long jobs do their heavy work outside any transaction, reporting progress in
short writes here, and then commit their results in one transaction at the end:
that way the page can show progress while the job runs, and a failure leaves
nothing half-written.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.utils import timezone

from covenant.core.actors import Actor
from covenant.core.models import Job, JobStatus


def create_job(actor: Actor, kind: str, label: str = "", total: int = 0) -> Job:
    return Job.objects.create(
        org=actor.org,
        created_by=actor.user,
        kind=kind,
        label=label[:200],
        total=total,
    )


def attach_task(job: Job, task_result_id: str) -> None:
    Job.objects.filter(pk=job.pk).update(task_result_id=task_result_id)


def report_progress(job_id: uuid.UUID | str, done: int, total: int | None = None, message: str = "") -> None:
    fields: dict[str, Any] = {
        "status": JobStatus.RUNNING,
        "done": done,
        "updated_at": timezone.now(),
    }
    if total is not None:
        fields["total"] = total
    if message:
        fields["message"] = message[:300]
    Job.objects.filter(pk=job_id).update(**fields)


def finish_job(job_id: uuid.UUID | str, result: dict[str, Any] | None = None, message: str = "") -> None:
    now = timezone.now()
    job = Job.objects.get(pk=job_id)
    Job.objects.filter(pk=job_id).update(
        status=JobStatus.DONE,
        done=job.total or job.done,
        result=result or {},
        message=message[:300],
        updated_at=now,
        finished_at=now,
    )


def fail_job(job_id: uuid.UUID | str, message: str) -> None:
    now = timezone.now()
    Job.objects.filter(pk=job_id).update(
        status=JobStatus.FAILED, message=message[:300], updated_at=now, finished_at=now
    )
