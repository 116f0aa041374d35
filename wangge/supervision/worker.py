"""The embedded background worker: a daemon thread that runs the sweep (and then brings the
metrics rollup up to date) every few seconds.

It is the one-machine default (SQLite, no Redis, no Celery); production runs the same
`run_sweep` from Celery beat (wangge/celery.py). A failing pass is logged and retried on the
next tick, so one bad row never stops supervision.
"""

import logging
import threading

from django.db import close_old_connections, connection
from django.utils import timezone

from wangge.assessment.metrics import refresh_rollup
from wangge.supervision.sweep import run_sweep

logger = logging.getLogger(__name__)


def sweep_once() -> None:
    """One tick: the supervision sweep, then the metrics rollup reads what it changed."""
    close_old_connections()
    try:
        run_sweep(timezone.now())
        refresh_rollup()
    except Exception:
        logger.exception("background tick failed; retrying on the next tick")
    finally:
        close_old_connections()


def start_worker_thread(interval: float, stop: threading.Event) -> threading.Thread:
    def loop() -> None:
        try:
            while not stop.is_set():
                sweep_once()
                stop.wait(interval)
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=loop, name="wangge-worker", daemon=True)
    thread.start()
    return thread
