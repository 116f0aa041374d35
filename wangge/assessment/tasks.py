"""Background jobs of the assessment (see wangge/jobs.py): the metrics rollup, which the tick
runs after the sweep so it reads what the sweep wrote."""

from wangge.assessment.metrics import refresh_rollup
from wangge.jobs import REFRESH_ROLLUP, job


@job(REFRESH_ROLLUP)
def refresh_metrics_rollup() -> bool:
    return refresh_rollup()
