"""Step clocks, their calendar and their ladder: the deadlines the workflow keeps.

The workflow starts, pauses, extends and stops clocks inside each action's transaction
(wangge/events/clocks.py), so the clocks live with the events; supervision (the sweep, the
cards, the instructions) reads them from above. The tables keep their original names
(`supervision_clock`, `supervision_holiday`, `supervision_supervisionrule`): the models
moved between apps, the rows did not.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.events.choices import WORKING_STATES, LimitUnit, State, Step
from wangge.events.facts import unmet_clocks
from wangge.events.models.core import Event, EventRegionQuerySet


class CardLevel(models.TextChoices):
    NONE = "none", _("未督办")
    NORMAL = "normal", _("普通督办")
    YELLOW = "yellow", _("黄牌督办")
    RED = "red", _("红牌督办")


class Light(models.TextChoices):
    """The warning light of a running step: yellow from 50 % of the allowed time, red from 80 %."""

    GREEN = "green", _("绿灯")
    YELLOW = "yellow", _("黄灯")
    RED = "red", _("红灯")


UNMET = unmet_clocks()


def event_copies(event) -> dict:
    """The values of its event a clock keeps a copy of (see Clock.event_state)."""
    return {
        "event_state": event.state,
        "event_closed_at": event.closed_at,
        "event_accepted": event.accepted_at is not None,
        "event_category_id": event.category_id,
    }


def fill_event_copies(clock: "Clock", event) -> None:
    """Give a new clock its event's region code and copies, where it has none yet."""
    if not clock.region_code:
        clock.region_code = event.region_code
    if not clock.event_state:
        for name, value in event_copies(event).items():
            setattr(clock, name, value)


class ClockQuerySet(EventRegionQuerySet):
    """`bulk_create` bypasses `save`: it fills the copies of new clocks here, from one
    read of their events."""

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        missing = [clock for clock in objs if not (clock.event_state and clock.region_code)]
        events = Event.objects.in_bulk({clock.event_id for clock in missing})
        for clock in missing:
            fill_event_copies(clock, events[clock.event_id])
        return super().bulk_create(objs, *args, **kwargs)


CARD_ORDER = [CardLevel.NONE, CardLevel.NORMAL, CardLevel.YELLOW, CardLevel.RED]
LIGHT_ORDER = [Light.GREEN, Light.YELLOW, Light.RED]


class Clock(models.Model):
    """The deadline of one step of one event, owned by the unit responsible for it.

    `next_check_at` is the next moment the sweep must look at this clock (a warning
    or a card falls due); it is NULL once nothing more can happen, so the sweep
    reads only due rows through its index.
    """

    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="clocks")
    # The event's region code, copied when written (see EventRegionQuerySet).
    region_code = models.CharField(max_length=12, editable=False)
    step = models.CharField(_("环节"), max_length=16, choices=Step.choices)
    unit = models.ForeignKey("accounts.OrgUnit", on_delete=models.PROTECT, related_name="clocks")
    started_at = models.DateTimeField()
    due_at = models.DateTimeField()
    paused_at = models.DateTimeField(null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    card_level = models.CharField(max_length=8, choices=CardLevel.choices, default=CardLevel.NONE)
    light = models.CharField(max_length=8, choices=Light.choices, default=Light.GREEN)
    # The limit as given and the total allowed time (limit plus approved extensions) in
    # seconds counted by the limit unit's meter (see wangge/events/calendar.py).
    limit_amount = models.PositiveIntegerField(default=0)
    limit_unit = models.CharField(
        max_length=16, choices=LimitUnit.choices, default=LimitUnit.WORKING_DAYS
    )
    allowed_seconds = models.FloatField(default=0)
    next_check_at = models.DateTimeField(null=True, blank=True)
    # Copies of the event's state, closure time, acceptance and category, kept by the
    # workflow (`sync_event_copies` after an action changes them, in its transaction): the
    # assessment counts cases left open past a deadline from unmet clocks alone, through
    # the partial indexes below, instead of joining them to events (docs/METRICS.md).
    event_state = models.CharField(max_length=16, blank=True, editable=False)
    event_closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    event_accepted = models.BooleanField(default=False, editable=False)
    event_category = models.ForeignKey(
        "events.Category",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        editable=False,
    )

    objects = ClockQuerySet.as_manager()

    class Meta:
        db_table = "supervision_clock"
        verbose_name = _("环节时限")
        verbose_name_plural = _("环节时限")
        # Partial: stopped, paused and finished clocks (the vast majority over time) have no
        # next check and stay out of the index the sweep reads.
        indexes = [
            models.Index(
                fields=["next_check_at", "id"],
                condition=models.Q(next_check_at__isnull=False),
                name="clock_next_check_pending",
            ),
            # Assessment metrics read only unmet clocks (running, or stopped late) due in
            # a period and a region subtree: a small minority, found by a range scan.
            models.Index(
                fields=["due_at", "region_code", "event"],
                condition=UNMET,
                name="clock_unmet_due_region_idx",
            ),
            models.Index(
                fields=[
                    "due_at",
                    "region_code",
                    "card_level",
                    "event_state",
                    "event_category",
                    "event",
                ],
                condition=UNMET & models.Q(event_state__in=WORKING_STATES, event_accepted=True),
                name="clock_unmet_working_idx",
            ),
            models.Index(
                fields=[
                    "event_closed_at",
                    "region_code",
                    "due_at",
                    "card_level",
                    "event_category",
                    "event",
                ],
                condition=UNMET & models.Q(event_state=State.CLOSED, event_accepted=True),
                name="clock_unmet_closed_idx",
            ),
            # The metrics rollup recounts one village's cards over the span of a clock
            # whose deadline moved (wangge/assessment/rollup.py).
            models.Index(
                fields=["region_code", "due_at", "card_level"],
                condition=UNMET & models.Q(card_level__in=[CardLevel.YELLOW, CardLevel.RED]),
                name="clock_carded_region_idx",
            ),
            # The console's overdue count reads running clocks of a region subtree past
            # their deadline, from this index alone (wangge.events.queries.live_counts).
            models.Index(
                fields=["region_code", "due_at"],
                include=["event"],
                condition=models.Q(stopped_at__isnull=True, paused_at__isnull=True),
                name="clock_running_region_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} {self.step} due {self.due_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs) -> None:
        if self._state.adding:
            fill_event_copies(self, self.event)
        super().save(*args, **kwargs)

    @property
    def on_time(self) -> bool | None:
        if self.stopped_at is None:
            return None
        return self.stopped_at <= self.due_at


class Holiday(models.Model):
    """An administrator's entry for one date; it overrides the bundled calendar data."""

    date = models.DateField(_("日期"), unique=True)
    is_working_day = models.BooleanField(
        _("上班"), default=False, help_text=_("勾选表示调休上班日；不勾选表示放假")
    )
    name = models.CharField(_("名称"), max_length=50, blank=True)

    class Meta:
        db_table = "supervision_holiday"
        ordering = ["date"]
        verbose_name = _("节假日")
        verbose_name_plural = _("节假日")

    def __str__(self) -> str:
        return f"{self.date} {self.name}"

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        from wangge.events.calendar import clear_cache

        clear_cache()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        from wangge.events.calendar import clear_cache

        clear_cache()
        return result


class SupervisionRule(models.Model):
    """When a step's cards rise (in working days overdue) and what each costs in points.

    Steps without a row use DEFAULT_RULES in wangge/events/rules.py.
    """

    step = models.CharField(_("环节"), max_length=16, choices=Step.choices, unique=True)
    yellow_after_days = models.PositiveSmallIntegerField(_("超期几个工作日亮黄牌"))
    red_after_days = models.PositiveSmallIntegerField(_("超期几个工作日亮红牌"))
    normal_points = models.IntegerField(_("普通督办扣分"), default=0)
    yellow_points = models.IntegerField(_("黄牌扣分"), default=-5)
    red_points = models.IntegerField(_("红牌扣分"), default=-10)

    class Meta:
        db_table = "supervision_supervisionrule"
        ordering = ["step"]
        verbose_name = _("督办规则")
        verbose_name_plural = _("督办规则")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(red_after_days__gt=models.F("yellow_after_days")),
                name="red_after_yellow",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_step_display()}: {self.yellow_after_days}/{self.red_after_days}"
