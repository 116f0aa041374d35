"""The official metrics against small histories computed by hand in the comments."""

from datetime import date
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.assessment.conftest import at, refresh
from tests.jurisdiction import COUNTY, TOWNSHIP_1, TOWNSHIP_2
from wangge.assessment.metrics import compute_metrics, rate
from wangge.events.choices import Channel, PartRole, Rating, State, Step
from wangge.events.models import CardLevel, Category

OCT = {"period_start": date(2026, 10, 1), "period_end": date(2026, 10, 31)}


def county_october():
    return compute_metrics(region_code=COUNTY, **OCT)


def test_closure_and_on_time_rates_use_what_was_due_as_denominator(build):
    # A closed on time, B closed late, C still handling past its October deadline,
    # D handling with a November deadline (not due), E closed in September (not this period).
    # due = A, B, C = 3; closed = 2 -> 0.6667; on time = 1 -> 0.3333; overdue = 2.
    a = build.event(closed=at("2026-10-10"))
    build.clock(a, due=at("2026-10-12"), stopped=at("2026-10-10"))
    b = build.event(closed=at("2026-10-20"))
    build.clock(b, due=at("2026-10-15"), stopped=at("2026-10-20"))
    c = build.event(state=State.HANDLING)
    build.clock(c, due=at("2026-10-25"))
    d = build.event(state=State.HANDLING, created=at("2026-10-30"))
    build.clock(d, due=at("2026-11-03"))
    e = build.event(created=at("2026-09-01"), closed=at("2026-09-05"))
    build.clock(e, due=at("2026-09-06"), stopped=at("2026-09-05"))

    m = county_october()

    assert (m.due, m.closed, m.closed_on_time, m.overdue) == (3, 2, 1, 2)
    assert m.closure_rate == Decimal("0.6667")
    assert m.on_time_closure_rate == Decimal("0.3333")
    assert m.received == 4  # A-D reported in October; E in September


def test_extension_and_suspension_are_judged_on_the_moved_deadline(build):
    # The clock's due_at already carries an approved extension or a suspension; a case
    # closed before the moved deadline is on time although after the original one.
    # F: original deadline 10-10, extended to 10-17, closed 10-16 -> on time.
    # G: overdue on a clock of another step (accept stopped late) -> not on time.
    f = build.event(closed=at("2026-10-16"))
    build.clock(f, due=at("2026-10-17"), stopped=at("2026-10-16"))
    build.trail(f, "approve_extension", at("2026-10-09"))
    g = build.event(closed=at("2026-10-05"))
    build.clock(g, due=at("2026-10-02", 9), stopped=at("2026-10-02", 11), step=Step.ACCEPT)
    build.clock(g, due=at("2026-10-06"), stopped=at("2026-10-05"))

    m = county_october()

    assert (m.due, m.closed, m.closed_on_time) == (2, 2, 1)
    # extended: F of the 2 closures -> 0.5
    assert (m.extended, m.extension_rate) == (1, Decimal("0.5000"))


def test_not_cases_and_parked_cases_are_never_due(build):
    # Rejected, merged, withdrawn: never due even with an overrun clock; shelved and
    # suspended cases stand still; an unaccepted report is not a case yet.
    for state in (State.REJECTED, State.MERGED, State.WITHDRAWN, State.REPORTED):
        e = build.event(state=state)
        build.clock(e, due=at("2026-10-02"), step=Step.ACCEPT)
    for state in (State.SHELVED, State.SUSPENDED):
        e = build.event(state=state)
        build.clock(e, due=at("2026-10-05"))
    ok = build.event(closed=at("2026-10-03"))
    build.clock(ok, due=at("2026-10-04"), stopped=at("2026-10-03"))

    m = county_october()

    assert (m.due, m.closed, m.closed_on_time) == (1, 1, 1)
    assert (m.rejected, m.merged, m.withdrawn, m.received) == (1, 1, 1, 7)
    assert m.closure_rate == Decimal("1.0000")


def test_a_reopened_case_counts_once_by_its_final_closure(build):
    # R1 was closed, rated unsatisfied, reopened and closed again on 10-20: one closure.
    # R2 was closed on 10-08 and reopened; it is back in handling with a clock due
    # 10-28 -> due but not closed.  due = 2, closed = 1.
    r1 = build.event(closed=at("2026-10-20"), reopen_count=1, rating=Rating.SATISFIED)
    build.clock(r1, due=at("2026-10-09"), stopped=at("2026-10-08"))
    build.clock(r1, due=at("2026-10-22"), stopped=at("2026-10-20"))
    r2 = build.event(state=State.HANDLING, closed=at("2026-10-08"), reopen_count=1)
    build.clock(r2, due=at("2026-10-09"), stopped=at("2026-10-08"))
    build.clock(r2, due=at("2026-10-28"))

    m = county_october()

    assert (m.due, m.closed, m.closed_on_time) == (2, 1, 1)


def test_a_case_closed_after_the_period_counts_as_due_and_unclosed(build):
    # H's deadline was 10-30; it was closed late on 11-02: October sees it due and not
    # closed; November sees it closed late.
    h = build.event(closed=at("2026-11-02"))
    build.clock(h, due=at("2026-10-30"), stopped=at("2026-11-02"))

    october = county_october()
    november = compute_metrics(
        region_code=COUNTY, period_start=date(2026, 11, 1), period_end=date(2026, 11, 30)
    )

    assert (october.due, october.closed, october.closure_rate) == (1, 0, Decimal("0"))
    assert (november.due, november.closed, november.closed_on_time) == (1, 1, 0)


def test_handling_rate_counts_results_in_hand(build):
    # closed K; L submitted (result in, awaiting check) past its deadline; M still
    # handling past its deadline.  due 3, handled 2 -> 0.6667.
    k = build.event(closed=at("2026-10-04"))
    build.clock(k, due=at("2026-10-05"), stopped=at("2026-10-04"))
    for state in (State.SUBMITTED, State.HANDLING):
        e = build.event(state=state)
        build.clock(e, due=at("2026-10-06"), stopped=None, step=Step.CHECK)

    m = county_october()

    assert (m.due, m.handled, m.handling_rate) == (3, 2, Decimal("0.6667"))


def test_satisfaction_rate_counts_the_three_satisfied_grades(build):
    # Five closures rated: very satisfied, satisfied, basically satisfied, unsatisfied,
    # very unsatisfied; one closure not rated.  3 of 5 evaluated -> 0.6.
    for rating in (*Rating.values, ""):
        build.event(closed=at("2026-10-10"), rating=rating)

    m = county_october()

    assert (m.evaluated, m.satisfied, m.unsatisfied) == (5, 3, 2)
    assert m.satisfaction_rate == Decimal("0.6000")


def test_rework_rate_is_the_share_of_closures_that_failed_a_check(build):
    # Three closures; one failed its first check (reworked), a check that failed on a
    # case still open does not count.  1 / 3 -> 0.3333.
    closed = [build.event(closed=at("2026-10-10")) for _ in range(3)]
    build.trail(closed[0], "check_fail", at("2026-10-05"))
    build.trail(closed[0], "check_fail", at("2026-10-07"))
    still_open = build.event(state=State.HANDLING)
    build.trail(still_open, "check_fail", at("2026-10-07"))

    m = county_october()

    assert (m.reworked, m.rework_rate) == (1, Decimal("0.3333"))


def test_dispute_cases_due_and_closed(build):
    # Category tree 矛盾纠纷 > 邻里纠纷.  Disputes: two child-category closures, one root
    # case left open past its deadline; an urban-management closure is not a dispute.
    # 调解成功率 comes from the dispute register's mediations, not from these cases, so
    # with no register entries it has no denominator.
    dispute = Category.objects.create(code="dispute", name="矛盾纠纷")
    neighbours = Category.objects.create(code="neighbours", name="邻里纠纷", parent=dispute)
    for _ in range(2):
        build.event(closed=at("2026-10-10"), category=neighbours)
    left_open = build.event(state=State.HANDLING, category=dispute)
    build.clock(left_open, due=at("2026-10-12"))
    build.event(closed=at("2026-10-10"))

    m = county_october()

    assert (m.dispute_due, m.dispute_closed) == (3, 2)
    assert (m.mediations_ended, m.mediations_succeeded) == (0, 0)
    assert m.mediation_success_rate is None


def test_first_call_resolution_of_hotline_cases(build, cast):
    # Hotline cases reported in October: P answered directly at the centre; Q closed
    # after a dispatch; S still handling; a rejected call is not a case; a closed
    # public-app report is not a hotline case.  1 / 3 -> 0.3333.
    hotline = {"channel": Channel.HOTLINE}
    p = build.event(closed=at("2026-10-02"), **hotline)
    build.trail(p, "answer", at("2026-10-02"))
    q = build.event(closed=at("2026-10-05"), **hotline)
    build.trail(q, "dispatch", at("2026-10-02"))
    build.event(state=State.HANDLING, **hotline)
    build.event(state=State.REJECTED, **hotline)
    build.event(closed=at("2026-10-02"))

    m = county_october()

    assert (m.hotline_cases, m.hotline_first_call_resolved) == (3, 1)
    assert m.first_call_resolution_rate == Decimal("0.3333")
    assert m.dispatched == 1


def test_cards_are_counted_by_level_for_clocks_due_in_the_period(build):
    e = build.event(state=State.HANDLING)
    build.clock(e, due=at("2026-10-03"), card=CardLevel.YELLOW, step=Step.SIGN)
    build.clock(e, due=at("2026-10-08"), card=CardLevel.RED)
    build.clock(e, due=at("2026-09-20"), card=CardLevel.RED, step=Step.ACCEPT)
    build.clock(e, due=at("2026-10-09"), card=CardLevel.NORMAL, step=Step.CHECK)

    m = county_october()

    assert (m.yellow_cards, m.red_cards) == (1, 1)


def test_rates_are_none_when_nothing_was_due(cast):
    m = county_october()

    assert m.due == 0
    rates = (
        m.closure_rate,
        m.on_time_closure_rate,
        m.handling_rate,
        m.rework_rate,
        m.extension_rate,
        m.satisfaction_rate,
        m.mediation_success_rate,
        m.first_call_resolution_rate,
    )
    assert rates == (None,) * 8


def test_a_township_sees_only_its_own_subtree(build):
    build.event(closed=at("2026-10-03"), grid="t1_north")
    build.event(closed=at("2026-10-03"), grid="t2_south")
    build.event(closed=at("2026-10-03"), grid="t2_north")

    one = compute_metrics(region_code=TOWNSHIP_1, **OCT)
    two = compute_metrics(region_code=TOWNSHIP_2, **OCT)

    assert (one.closed, two.closed, county_october().closed) == (1, 2, 3)


def test_a_department_answers_for_its_parts_and_its_own_clocks(build, cast):
    # X: the department leads; its handling clock was met, but the centre's accept
    # clock overran -> on time for the department.  Y: the department assists and its
    # clock overran -> late.  Z: another unit's event -> not the department's.  C: the
    # department only has a copy (抄告) -> not its case, late as it was.
    x = build.event(closed=at("2026-10-10"))
    build.part(x, cast.department)
    build.clock(
        x,
        due=at("2026-10-01", 11),
        stopped=at("2026-10-01", 12),
        step=Step.ACCEPT,
        unit=cast.township_1_centre,
    )
    build.clock(x, due=at("2026-10-12"), stopped=at("2026-10-09"))
    y = build.event(closed=at("2026-10-10"))
    build.part(y, cast.department, role="assist")
    build.clock(y, due=at("2026-10-08"), stopped=at("2026-10-09"))
    build.event(closed=at("2026-10-10"))
    c = build.event(closed=at("2026-10-10"))
    build.part(c, cast.department, role=PartRole.COPY)
    build.clock(c, due=at("2026-10-08"), stopped=at("2026-10-09"))

    m = compute_metrics(unit=cast.department, **OCT)

    assert (m.due, m.closed, m.closed_on_time) == (2, 2, 1)


def test_a_grid_worker_answers_for_their_reports(build, cast):
    worker = cast["grid_worker_1"]
    mine = build.event(closed=at("2026-10-04"), reporter=worker, self_handled=True)
    build.event(closed=at("2026-10-04"), reporter=worker)
    other = build.event(closed=at("2026-10-04"))
    build.trail(other, "verify", at("2026-10-02"), actor=worker)
    build.trail(mine, "verify", at("2026-09-02"), actor=worker)

    m = compute_metrics(grid_worker=worker, **OCT)

    assert (m.received, m.self_handled, m.closed, m.verified) == (2, 1, 2, 1)


def test_published_check_figures(build):
    """911 closed of 972 due = 93.72%; 737 closed on time of 972 due = 75.82%."""
    events = []
    for i in range(972):
        day = f"2026-10-{1 + i % 28:02d}"
        if i < 911:
            events.append(build.event(closed=at(day, 16), save=False))
        else:
            events.append(build.event(state=State.HANDLING, save=False))
    events = type(events[0]).objects.bulk_create(events)
    clocks = []
    for i, event in enumerate(events):
        due = event.created_at.replace(hour=15)
        day = at(f"2026-10-{1 + i % 28:02d}")
        if i < 737:
            clocks.append(build.clock(event, due=at("2026-10-29"), stopped=day, save=False))
        elif i < 911:
            clocks.append(build.clock(event, due=due, stopped=at("2026-10-30"), save=False))
        else:
            clocks.append(build.clock(event, due=at("2026-10-20"), save=False))
    type(clocks[0]).objects.bulk_create(clocks)
    refresh()

    m = county_october()

    assert (m.due, m.closed, m.closed_on_time) == (972, 911, 737)
    assert m.closure_rate == Decimal("0.9372")
    assert m.on_time_closure_rate == Decimal("0.7582")


def test_query_count_does_not_grow_with_the_number_of_events(build):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            county_october()
        return len(captured)

    build.event(closed=at("2026-10-03"))
    few = queries()
    for _ in range(30):
        e = build.event(closed=at("2026-10-03"), channel=Channel.HOTLINE)
        build.clock(e, due=at("2026-10-02"), stopped=at("2026-10-03"), card=CardLevel.RED)
    assert queries() == few


def test_rates_round_half_up_to_four_places():
    assert rate(911, 972) == Decimal("0.9372")
    assert rate(737, 972) == Decimal("0.7582")
    assert rate(1, 8) == Decimal("0.1250")
    assert rate(1, 20000) == Decimal("0.0001")  # exactly half: rounds up, not to even
    assert rate(0, 0) is None
