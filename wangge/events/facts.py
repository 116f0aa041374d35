"""Per-event facts the assessment metrics count, kept on the event row.

The metrics (docs/METRICS.md) ask of each closure whether any clock was unmet, whether the
case ever failed a check or had an extension approved, and of each hotline case whether it
was ever handed on. Reading that from the clocks and the trail meant joining millions of
rows per county-month; the workflow instead sets these columns in the same UPDATE that
changes the event's state (wangge/events/transitions.py), and `refresh_facts` derives
them from the clocks and the trail — the definition the columns must always equal. It is
what the backfill migration runs and what the tests compare the workflow's columns with.
"""

from django.db.models import Exists, F, OuterRef, Q

# Trail actions that hand an event on: a hotline case closed without any was solved on
# the first call.
ROUTING_ACTIONS = ("dispatch", "delegate", "escalate")
REWORK_ACTION = "check_fail"
EXTENSION_ACTION = "approve_extension"
CLOSED = "closed"


def unmet_clocks() -> Q:
    """A clock still running, or stopped after its deadline."""
    return Q(stopped_at__isnull=True) | Q(stopped_at__gt=F("due_at"))


def refresh_facts(event_model, trail_model, clock_model, ids=None) -> int:
    """Recompute the fact columns from the trail and clocks (of the given events, or all).

    Takes the model classes so that the backfill migration can pass its historical ones.
    """
    trail = trail_model.objects.filter(event_id=OuterRef("pk"))
    clocks = clock_model.objects.filter(event_id=OuterRef("pk"))
    events = event_model.objects.all()
    if ids is not None:
        events = events.filter(pk__in=list(ids))
    late = Exists(clocks.filter(unmet_clocks()))
    return events.update(
        routed=Exists(trail.filter(action__in=ROUTING_ACTIONS)),
        reworked=Exists(trail.filter(action=REWORK_ACTION)),
        extended=Exists(trail.filter(action=EXTENSION_ACTION)),
        closed_late=Q(state=CLOSED) & late,
    )
