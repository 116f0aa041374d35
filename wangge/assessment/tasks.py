"""Celery tasks of the assessment (production; the embedded worker calls them directly)."""

from celery import shared_task

from wangge.assessment.metrics import refresh_rollup


@shared_task(name="wangge.assessment.refresh_rollup")
def refresh_metrics_rollup() -> bool:
    return refresh_rollup()
