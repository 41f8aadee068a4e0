"""Background tasks of the register (run by `covenant worker`)."""

from __future__ import annotations

from django_tasks import task

from covenant.registry import services


@task()
def process_upload_task(upload_id: str) -> str:
    upload = services.process_upload(upload_id)
    return str(upload.status)


@task()
def find_duplicates_task(job_id: str) -> str:
    scan = services.run_duplicate_scan_job(job_id)
    return f"{scan.found} pairs"
