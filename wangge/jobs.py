"""One home for background work: the job registry, the runner, the periodic tick, the worker.

Domain apps declare their background functions with `@job("wangge.<app>.<name>")` in their
own `tasks.py`; the decorator registers the function here and declares it to Celery under
the same stable name, so the embedded runners and a production Celery worker run the same
code. This module imports no domain app (they import it), so it sits below all of them.

- `enqueue(name, *args)` runs a job once the caller's transaction commits (a rolled-back
  action leaves no job behind), where `settings.WANGGE_JOB_RUNNER` says: `inline` (in the
  caller, for tests), `thread` (a daemon thread, the one-machine default) or `celery`
  (a message sent by name; the worker imports the same `tasks.py` modules).
- `TICK` is the periodic work in its order: the supervision sweep, then the metrics rollup
  that reads what the sweep wrote. `run_tick` runs it for the embedded worker thread
  (`start_worker_thread`, `wangge run-worker`); `beat_schedule` gives Celery beat the same
  list (wangge/celery.py).

The registry is complete once Django's apps are loaded: `registry()` imports the `tasks`
module of every installed app first, as Celery's autodiscovery does.
"""

import logging
import threading
from collections.abc import Callable, Mapping
from functools import cache, partial
from types import MappingProxyType
from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils.module_loading import autodiscover_modules

logger = logging.getLogger(__name__)

SWEEP = "wangge.supervision.sweep"
REFRESH_ROLLUP = "wangge.assessment.refresh_rollup"
TICK: tuple[str, ...] = (SWEEP, REFRESH_ROLLUP)
BEAT_SECONDS = 60.0  # Celery beat's tick; the embedded one is WANGGE_WORKER_INTERVAL
RUNNERS = ("inline", "thread", "celery")

_jobs: dict[str, Callable[..., Any]] = {}


def job(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register `func` as the job `name` and as the Celery task of that name.

    The function itself is returned, so domain code can still call it directly.
    """

    def register(func: Callable[..., Any]) -> Callable[..., Any]:
        if _jobs.get(name, func) is not func:
            raise ValueError(f"two jobs are named {name!r}")
        _jobs[name] = func
        shared_task(name=name)(func)
        return func

    return register


@cache
def _discover() -> None:
    autodiscover_modules("tasks")


def registry() -> Mapping[str, Callable[..., Any]]:
    """Every job by name, after the `tasks` module of each installed app has been imported."""
    _discover()
    return MappingProxyType(_jobs)


def enqueue(name: str, *args: Any) -> None:
    """Run the job `name` with `args` after the current transaction commits (now if none).

    An unknown name fails here, in the caller, rather than later in a worker.
    """
    if name not in registry():
        raise LookupError(f"no job named {name!r}")
    runner = _RUNNERS[settings.WANGGE_JOB_RUNNER]
    transaction.on_commit(partial(runner, name, args))


def _run_inline(name: str, args: tuple) -> None:
    registry()[name](*args)


def _run_in_thread(name: str, args: tuple) -> None:
    threading.Thread(
        target=_thread_body, args=(name, args), name=f"wangge-job-{name}", daemon=True
    ).start()


def _thread_body(name: str, args: tuple) -> None:
    """Run the job on this thread's own database connection and close it at the end."""
    close_old_connections()
    try:
        registry()[name](*args)
    except Exception:
        logger.exception("background job %s failed", name)
    finally:
        connection.close()


def _send_to_celery(name: str, args: tuple) -> None:
    from wangge.celery import app  # the configured broker, not Celery's default app

    app.send_task(name, args=list(args))


_RUNNERS: dict[str, Callable[[str, tuple], None]] = {
    "inline": _run_inline,
    "thread": _run_in_thread,
    "celery": _send_to_celery,
}


def beat_schedule() -> dict[str, dict[str, Any]]:
    """Celery beat's entries: the tick's jobs, in the tick's order."""
    return {name: {"task": name, "schedule": BEAT_SECONDS} for name in TICK}


def run_tick() -> dict[str, Any]:
    """One pass of the periodic work in order; returns each job's result by name.

    A failing job is logged and left out of the results; it runs again on the next tick,
    so one bad row never stops supervision, and the rollup still runs.
    """
    results: dict[str, Any] = {}
    for name in TICK:
        try:
            results[name] = registry()[name]()
        except Exception:
            logger.exception("background job %s failed; retrying on the next tick", name)
    return results


def start_worker_thread(interval: float, stop: threading.Event) -> threading.Thread:
    """The embedded worker: a daemon thread running the tick every `interval` seconds
    until `stop` is set (one machine, SQLite, no Redis or Celery)."""

    def loop() -> None:
        try:
            while not stop.is_set():
                close_old_connections()  # a connection the database dropped is reopened
                run_tick()
                stop.wait(interval)
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=loop, name="wangge-worker", daemon=True)
    thread.start()
    return thread
