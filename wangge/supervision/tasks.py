"""Celery tasks of supervision (production; the embedded worker calls the sweep directly)."""

from celery import shared_task
from django.utils import timezone

from wangge.supervision.sweep import run_sweep


@shared_task(name="wangge.supervision.sweep")
def sweep() -> dict:
    report = run_sweep(timezone.now())
    return {"examined": report.examined, "warnings": report.warnings, "cards": report.cards}
