"""Celery task for imports in production (the embedded default runs them in a thread)."""

from celery import shared_task


@shared_task(name="wangge.basedata.import_file")
def import_file(job_id: int) -> str:
    from wangge.basedata.importing import run_import

    return run_import(job_id).status
