"""Configurable scoring rules for the assessment rankings (考核评分规则)."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class ScoringRule(models.Model):
    """Points for one assessment scheme; the active rule with the newest id applies.

    Kept in the database rather than settings so that system administrators change
    the weights in the admin without a deployment, and every change is a new row
    the history of which stays readable.
    """

    name = models.CharField(_("名称"), max_length=100)
    active = models.BooleanField(_("启用"), default=True)
    base = models.DecimalField(_("基础分"), max_digits=6, decimal_places=2, default=Decimal(100))
    yellow_card = models.DecimalField(
        _("每张黄牌扣分"), max_digits=6, decimal_places=2, default=Decimal(5)
    )
    red_card = models.DecimalField(
        _("每张红牌扣分"), max_digits=6, decimal_places=2, default=Decimal(10)
    )
    overdue = models.DecimalField(
        _("每件逾期扣分"), max_digits=6, decimal_places=2, default=Decimal(1)
    )
    unsatisfied = models.DecimalField(
        _("每件不满意扣分"), max_digits=6, decimal_places=2, default=Decimal(1)
    )
    overdue_visit = models.DecimalField(
        _("每次逾期走访扣分"), max_digits=6, decimal_places=2, default=Decimal(1)
    )
    self_handled_bonus = models.DecimalField(
        _("每件自行处置加分"), max_digits=6, decimal_places=2, default=Decimal("0.5")
    )
    full_on_time_bonus = models.DecimalField(
        _("按期结案率100%加分"), max_digits=6, decimal_places=2, default=Decimal(5)
    )
    max_bonus = models.DecimalField(
        _("加分上限"), max_digits=6, decimal_places=2, default=Decimal(10)
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("考核评分规则")
        verbose_name_plural = _("考核评分规则")

    def __str__(self) -> str:
        return self.name


class MetricsDay(models.Model):
    """The additive metric counts of one local day and one village (region_code).

    A county-month of `compute_metrics` sums some 30 × villages of these rows instead of
    aggregating a third of the events table; `wangge.assessment.rollup` keeps them equal
    to the per-event queries they replace (docs/METRICS.md, "The daily rollup"). Each
    count is keyed by the day its own moment falls on: reports by the report day,
    acceptances by the acceptance day, closures by the closure day, cards by the clock's
    due day and dispatches, returns and shelvings by the trail entry's day.
    """

    day = models.DateField()
    region_code = models.CharField(max_length=12)
    # By report day.
    received = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    merged = models.PositiveIntegerField(default=0)
    withdrawn = models.PositiveIntegerField(default=0)
    self_handled = models.PositiveIntegerField(default=0)
    hotline_cases = models.PositiveIntegerField(default=0)
    # Hotline cases closed (by now) without ever being handed on.
    hotline_closed_unrouted = models.PositiveIntegerField(default=0)
    # By acceptance day.
    accepted = models.PositiveIntegerField(default=0)
    # By closure day, events closed now.
    closed = models.PositiveIntegerField(default=0)
    evaluated = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)
    dispute_closed = models.PositiveIntegerField(default=0)
    reworked = models.PositiveIntegerField(default=0)
    extended = models.PositiveIntegerField(default=0)
    closed_late = models.PositiveIntegerField(default=0)
    # By the due day of carded clocks.
    yellow_cards = models.PositiveIntegerField(default=0)
    red_cards = models.PositiveIntegerField(default=0)
    # Distinct events with such a trail entry on the day.
    dispatched = models.PositiveIntegerField(default=0)
    returned = models.PositiveIntegerField(default=0)
    shelved = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "region_code"], name="metricsday_unique")
        ]
        indexes = [models.Index(fields=["region_code", "day"], name="metricsday_region_idx")]

    def __str__(self) -> str:
        return f"{self.day} {self.region_code}"


class MetricsRepeat(models.Model):
    """Events whose dispatch, return or shelving recurs on a later day.

    The daily counts are distinct per day, so an event dispatched on two days of one
    period is counted twice by their sum; a period subtracts the rows whose day and
    `previous_day` (the event's preceding day with the same action) both fall inside it.
    """

    day = models.DateField()
    previous_day = models.DateField()
    region_code = models.CharField(max_length=12)
    action = models.CharField(max_length=32)
    events = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["region_code", "day"], name="metricsrepeat_region_idx")]

    def __str__(self) -> str:
        return f"{self.day} {self.region_code} {self.action} after {self.previous_day}"


class MetricsRollupState(models.Model):
    """The one row saying how far the rollup has read the trail (wangge.assessment.rollup).

    Every trail id at or below `settled_id` has been read and no transaction can still
    commit one; above it, `window_ids` lists the entries already read, and
    `observations` the [newest id, time] pairs seen by recent refreshes, from which
    `settled_id` advances once they are older than the longest transaction.
    """

    built_at = models.DateTimeField(null=True, blank=True)
    settled_id = models.BigIntegerField(default=0)
    window_ids = models.JSONField(default=list)
    observations = models.JSONField(default=list)
    dispute_categories = models.JSONField(default=list)

    def __str__(self) -> str:
        return f"metrics rollup up to trail entry {self.settled_id}"
