"""Background jobs of supervision (see wangge/jobs.py): the sweep, first step of the tick."""

from django.utils import timezone

from wangge.jobs import SWEEP, job
from wangge.supervision.sweep import run_sweep


@job(SWEEP)
def sweep() -> dict:
    report = run_sweep(timezone.now())
    return {"examined": report.examined, "warnings": report.warnings, "cards": report.cards}
