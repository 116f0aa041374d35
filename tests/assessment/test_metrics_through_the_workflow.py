"""The metrics of histories made by the workflow itself (report_event and perform).

The other metrics tests write rows directly; here every row, and every fact column the
metrics read from the event, comes from the services, and the columns are checked
against what wangge/events/facts.py derives from the trail and clocks, so the two cannot
drift apart.
"""

from datetime import date, timedelta

from django.forms.models import model_to_dict
from django.utils import timezone

from tests.events.conftest import T0, categories, report  # noqa: F401 (fixtures)
from tests.jurisdiction import COUNTY
from wangge.assessment.metrics import compute_metrics
from wangge.events.choices import Channel, Rating
from wangge.events.facts import refresh_facts
from wangge.events.models import Clock, Event, TrailEntry
from wangge.events.services import perform

MARCH = {"period_start": date(2026, 3, 1), "period_end": date(2026, 3, 31)}
FACTS = ("routed", "reworked", "extended", "closed_late")


def at(hours: float):
    """T0 is Monday 2 March 2026, 09:00 Beijing time."""
    return T0 + timedelta(hours=hours)


def facts() -> dict[int, dict]:
    return {e.pk: model_to_dict(e, fields=FACTS) for e in Event.objects.order_by("pk")}


class Loop:
    def __init__(self, cast):
        self.operator = cast["village_1_operator"]
        self.handler = cast["department_handler"]
        self.department = cast.department.pk

    def to_handling(self, event, accept_at: float = 0.1) -> None:
        perform(event.pk, "accept", self.operator, now=at(accept_at))
        dispatch = {"lead_department": self.department}
        perform(event.pk, "dispatch", self.operator, now=at(accept_at + 0.1), **dispatch)
        perform(event.pk, "sign", self.handler, now=at(accept_at + 0.2))

    def finish(self, event, submit_at: float, close_at: float) -> None:
        perform(event.pk, "submit_result", self.handler, now=at(submit_at), result="已处置")
        perform(event.pk, "check_pass", self.operator, now=at(close_at))


def test_figures_of_a_month_of_workflow_histories(cast, categories, report):  # noqa: F811
    loop = Loop(cast)
    # A: the whole loop inside every limit -> closed on time, dispatched.
    a = report(now=at(0))
    loop.to_handling(a)
    loop.finish(a, 1, 2)
    # B: accepted after 60 minutes against a 30-minute limit -> closed, but late.
    b = report(now=at(0))
    loop.to_handling(b, accept_at=1)
    loop.finish(b, 2, 3)
    # C: failed its first check, handled again within the new limit -> reworked, on time.
    c = report(now=at(0))
    loop.to_handling(c)
    perform(c.pk, "submit_result", loop.handler, now=at(1), result="已处置")
    perform(c.pk, "check_fail", loop.operator, now=at(2), reason="仍有摊位")
    loop.finish(c, 3, 4)
    # D: handling due Thu 5 March, extended by 2 working days to Mon 9 March, closed
    # Fri 6 March -> extended, on time only thanks to the extension.
    d = report(now=at(0))
    loop.to_handling(d)
    perform(d.pk, "request_extension", loop.handler, now=at(1), days=2, reason="需协调")
    perform(d.pk, "approve_extension", loop.operator, now=at(1.5))
    loop.finish(d, 96, 97)
    # E: a hotline policy question answered at the county centre -> first-call resolved.
    e = report(now=at(0), channel=Channel.HOTLINE, category=categories.policy)
    perform(e.pk, "answer", cast["county_operator"], now=at(0.2), answer="可到便民服务中心办理")
    # F: rejected -> received and rejected, never due.
    f = report(now=at(0))
    perform(f.pk, "reject", loop.operator, now=at(0.1), reason="重复上报")
    # G: signed and left in handling past its deadline (Thu 5 March) -> due, not closed.
    g = report(now=at(0))
    loop.to_handling(g)
    # Rated: A satisfied, B unsatisfied.
    perform(a.pk, "evaluate", None, tracking_code=a.tracking_code, rating=Rating.SATISFIED)
    perform(b.pk, "evaluate", None, tracking_code=b.tracking_code, rating=Rating.UNSATISFIED)

    before = facts()
    refresh_facts(Event, TrailEntry, Clock)
    assert facts() == before  # the workflow's columns are what the trail and clocks say

    m = compute_metrics(region_code=COUNTY, **MARCH)

    assert (m.received, m.accepted, m.rejected) == (7, 6, 1)
    # due = closed A-E (5) + G left open = 6; on time = A, C, D, E = 4.
    assert (m.due, m.closed, m.closed_on_time, m.overdue) == (6, 5, 4, 2)
    assert (m.reworked, m.extended, m.dispatched) == (1, 1, 5)
    assert (m.hotline_cases, m.hotline_first_call_resolved) == (1, 1)
    assert (m.evaluated, m.satisfied, m.handled) == (2, 1, 5)


def test_a_reopened_case_is_judged_on_every_round_of_clocks(cast, categories, report):  # noqa: F811
    # Closed on time, rated unsatisfied and reopened: not closed, no late flag. Closed
    # again after its second handling limit ran out: closed late, counted once.
    loop = Loop(cast)
    event = report(now=at(0))
    loop.to_handling(event)
    loop.finish(event, 1, 2)
    evaluate = {"tracking_code": event.tracking_code, "rating": Rating.UNSATISFIED}
    perform(event.pk, "evaluate", None, now=at(3), reopen=True, **evaluate)
    reopened = Event.objects.get(pk=event.pk)
    assert (reopened.closed_at, reopened.closed_late) == (None, False)
    loop.finish(event, 24 * 10, 24 * 10 + 1)  # the new handling clock is 3 working days

    before = facts()
    refresh_facts(Event, TrailEntry, Clock)
    assert facts() == before

    m = compute_metrics(region_code=COUNTY, **MARCH)

    assert (m.due, m.closed, m.closed_on_time) == (1, 1, 0)


def test_a_deadline_still_ahead_is_not_yet_overdue(cast, categories, report):  # noqa: F811
    """A period under way counts only the deadlines that have lapsed by now: a case in
    handling whose deadline is later this period is neither due nor overdue yet."""
    loop = Loop(cast)
    now = timezone.now()
    event = report(now=now)
    perform(event.pk, "accept", loop.operator, now=now)
    dispatch = {"lead_department": loop.department}
    perform(event.pk, "dispatch", loop.operator, now=now, **dispatch)
    perform(event.pk, "sign", loop.handler, now=now)
    handling = Clock.objects.get(event=event, stopped_at__isnull=True)
    assert handling.due_at > now
    period = {
        "period_start": timezone.localdate(now) - timedelta(days=1),
        "period_end": timezone.localdate(handling.due_at) + timedelta(days=1),
    }
    for subject in ({"region_code": COUNTY}, {"unit": cast.department}):
        m = compute_metrics(**subject, **period)
        assert (m.received, m.due, m.overdue) == (1, 0, 0), subject
