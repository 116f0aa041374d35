"""Two people acting at once, in real threads on PostgreSQL: exactly one wins."""

import threading

import pytest
from django.db import connection

from tests.conftest import make_user
from wangge.accounts.models import Role
from wangge.errors import DomainError
from wangge.events.choices import State
from wangge.events.models import Event, TrailEntry
from wangge.events.services import perform, report_event

pytestmark = pytest.mark.django_db(transaction=True)


def race(*calls):
    """Run the calls in parallel threads, released together; return results or errors."""
    if connection.vendor == "sqlite":
        pytest.skip("needs a database with row locks and concurrent connections")
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = call()
        except DomainError as exc:
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_of_two_concurrent_accepts_exactly_one_wins(cast, report):
    event = report()
    operator = cast["village_1_operator"]
    colleague = make_user("village_1_operator_2", Role.OPERATOR, cast.village_1_centre)

    outcomes = race(
        lambda: perform(event.pk, "accept", operator),
        lambda: perform(event.pk, "reject", colleague, reason="重复上报"),
    )

    errors = [o for o in outcomes if isinstance(o, DomainError)]
    assert len(errors) == 1
    assert (errors[0].status, errors[0].code) == (409, "state_conflict")
    winner = next(o for o in outcomes if not isinstance(o, DomainError))
    event.refresh_from_db()
    assert event.state == winner.event.state
    assert event.state in (State.ACCEPTED, State.REJECTED)
    assert event.version == 1
    assert TrailEntry.objects.filter(event=event).count() == 2


def test_two_concurrent_accepts_give_one_trail_entry(cast, report):
    event = report()
    operator = cast["village_1_operator"]
    outcomes = race(*(lambda: perform(event.pk, "accept", operator) for _ in range(2)))
    assert sorted(type(o).__name__ for o in outcomes) == ["ActionResult", "Conflict"]
    assert TrailEntry.objects.filter(event=event, action="accept").count() == 1


def test_concurrent_reports_with_one_idempotency_key_make_one_event(categories, report):
    report()  # warm the grid index in this thread
    calls = [
        lambda: report_event(
            channel="public_app",
            category=categories.street,
            title="重复提交",
            lon=120.05,
            lat=40.07,
            idempotency_key="same-key",
        )
        for _ in range(2)
    ]
    first, second = race(*calls)
    assert first.event.pk == second.event.pk
    assert sorted([first.duplicate, second.duplicate]) == [False, True]
    assert Event.objects.filter(idempotency_key="same-key").count() == 1
