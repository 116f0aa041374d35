"""Background jobs (wangge/jobs.py): one registry Celery knows in full, one tick in one
order for the embedded thread and for beat, and jobs that run only after a commit."""

import ast
import importlib
import json
import os
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import OperationalError, transaction
from django.utils import timezone

import wangge
from tests.supervision.conftest import make_event  # noqa: F401 (fixture)
from wangge import jobs
from wangge.assessment.metrics import build_rollup
from wangge.assessment.models import MetricsRollupState
from wangge.basedata.importing import IMPORT_FILE
from wangge.events.choices import LimitUnit, Step
from wangge.events.clocks import TimeLimit, start_clock
from wangge.events.models import CardLevel, Clock, TrailEntry

SOURCE = Path(wangge.__file__).parent

# What a production worker registers: Celery's own autodiscovery in a fresh process.
WORKER_TASKS = (
    "import json; from wangge.celery import app; app.loader.import_default_modules(); "
    "print(json.dumps(sorted(app.tasks)))"
)


def _overdue_clock(make, cast) -> Clock:
    start = timezone.now() - timedelta(days=1)
    return start_clock(
        make(), Step.ACCEPT, cast.township_1_centre, TimeLimit(1, LimitUnit.MINUTES), start
    )


def _card(clock: Clock) -> str:
    clock.refresh_from_db()
    return clock.card_level


def _enqueued_names() -> set[str]:
    """The first argument of every `enqueue(...)` call in the code, evaluated in its module."""
    names = set()
    for path in SOURCE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and n.args]
        calls = [
            c for c in calls if getattr(c.func, "attr", getattr(c.func, "id", "")) == "enqueue"
        ]
        if not calls:
            continue
        module = importlib.import_module(
            ".".join(("wangge", *path.relative_to(SOURCE).with_suffix("").parts))
        )
        for call in calls:
            expression = ast.Expression(call.args[0])
            names.add(eval(compile(expression, str(path), "eval"), vars(module)))  # noqa: S307
    return names


def test_every_job_the_code_can_start_is_registered_with_a_fresh_celery_worker():
    enqueued = _enqueued_names()
    assert IMPORT_FILE in enqueued  # the scan sees the import service's call
    wanted = enqueued | set(jobs.registry()) | {e["task"] for e in jobs.beat_schedule().values()}
    worker = subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-c", WORKER_TASKS],
        capture_output=True,
        text=True,
        check=True,
        env=os.environ,
        timeout=120,
    )
    registered = set(json.loads(worker.stdout.splitlines()[-1]))
    assert wanted <= registered, wanted - registered
    assert set(jobs.registry()) == {jobs.SWEEP, jobs.REFRESH_ROLLUP, IMPORT_FILE}


def test_beat_runs_the_tick_in_its_order():
    from wangge.celery import app

    assert jobs.TICK == (jobs.SWEEP, jobs.REFRESH_ROLLUP)
    assert [entry["task"] for entry in app.conf.beat_schedule.values()] == list(jobs.TICK)


@pytest.mark.django_db
def test_the_tick_sweeps_then_the_rollup_reads_what_the_sweep_wrote(make_event, cast):  # noqa: F811
    build_rollup()
    clock = _overdue_clock(make_event, cast)
    results = jobs.run_tick()
    assert list(results) == list(jobs.TICK)
    assert results[jobs.SWEEP]["cards"] == {CardLevel.NORMAL: 1}
    assert results[jobs.REFRESH_ROLLUP] is True
    assert _card(clock) == CardLevel.NORMAL
    card = TrailEntry.objects.get(action="supervise")
    assert card.pk in MetricsRollupState.objects.get().window_ids


@pytest.mark.django_db
def test_a_failing_job_does_not_stop_the_tick(make_event, cast, monkeypatch, caplog):  # noqa: F811
    def broken(now):
        raise RuntimeError("bad row")

    monkeypatch.setattr("wangge.supervision.tasks.run_sweep", broken)
    build_rollup()
    assert list(jobs.run_tick()) == [jobs.REFRESH_ROLLUP]
    assert "wangge.supervision.sweep failed" in caplog.text


@pytest.mark.django_db
def test_an_inline_job_runs_after_commit(
    make_event,  # noqa: F811
    cast,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.WANGGE_JOB_RUNNER = "inline"
    clock = _overdue_clock(make_event, cast)
    with django_capture_on_commit_callbacks() as callbacks:
        jobs.enqueue(jobs.SWEEP)
    assert _card(clock) == CardLevel.NONE  # not before the commit
    (commit,) = callbacks
    commit()
    assert _card(clock) == CardLevel.NORMAL


@pytest.mark.django_db
@pytest.mark.parametrize("runner", jobs.RUNNERS)
def test_a_rolled_back_action_starts_no_job(settings, django_capture_on_commit_callbacks, runner):
    settings.WANGGE_JOB_RUNNER = runner
    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            jobs.enqueue(jobs.SWEEP)
            raise RuntimeError("the action fails")
    assert callbacks == []


@pytest.mark.django_db(transaction=True)
def test_a_thread_job_runs_after_commit(make_event, cast, settings):  # noqa: F811
    settings.WANGGE_JOB_RUNNER = "thread"
    clock = _overdue_clock(make_event, cast)
    with transaction.atomic():
        jobs.enqueue(jobs.SWEEP)
        assert not [t for t in threading.enumerate() if t.name.startswith("wangge-job-")]
    deadline = time.monotonic() + 30
    while not _carded(clock):
        assert time.monotonic() < deadline, "the job's thread did not card the clock"
        time.sleep(0.05)


def _carded(clock: Clock) -> bool:
    try:
        return _card(clock) == CardLevel.NORMAL
    except OperationalError:
        return False  # SQLite is busy with the thread's write


@pytest.mark.django_db
def test_celery_is_sent_the_job_by_name_after_commit(
    settings, monkeypatch, django_capture_on_commit_callbacks
):
    from wangge.celery import app

    sent = []
    monkeypatch.setattr(app, "send_task", lambda name, args: sent.append((name, args)))
    settings.WANGGE_JOB_RUNNER = "celery"
    with django_capture_on_commit_callbacks(execute=True):
        jobs.enqueue(IMPORT_FILE, 42)
        assert sent == []
    assert sent == [(IMPORT_FILE, [42])]


def test_an_unknown_job_is_refused_in_the_caller():
    with pytest.raises(LookupError):
        jobs.enqueue("wangge.nothing")


def test_the_runner_setting_still_answers_to_its_old_name(monkeypatch):
    from wangge.settings import _job_runner

    monkeypatch.delenv("WANGGE_JOB_RUNNER", raising=False)
    monkeypatch.setenv("WANGGE_IMPORT_RUNNER", "celery")
    assert _job_runner() == "celery"
    monkeypatch.setenv("WANGGE_JOB_RUNNER", "inline")
    assert _job_runner() == "inline"
