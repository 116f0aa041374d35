"""Events, their categories and time limits, department parts, trail and attachments.

State changes are made only by the action functions in wangge/events/services.py,
driven by the state table in wangge/events/workflow.py.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wangge.events.choices import Channel, LimitUnit, PartRole, Priority, Rating, State, Step

# States an event can still move out of: what the console and the map show by default.
# Defined here because the partial index of live events below is built on them.
LIVE_STATES = (
    State.REPORTED,
    State.ACCEPTED,
    State.VERIFYING,
    State.DISPATCHED,
    State.HANDLING,
    State.SUBMITTED,
    State.SUSPENDED,
    State.SHELVED,
)


class Category(models.Model):
    code = models.CharField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    default_department = models.ForeignKey(
        "accounts.OrgUnit",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("默认处置部门"),
    )
    needs_verification = models.BooleanField(_("需现场核实"), default=False)
    direct_answer = models.BooleanField(
        _("可直接答复"), default=False, help_text=_("政策咨询类：中心可直接答复并结案")
    )
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("事件分类")
        verbose_name_plural = _("事件分类")

    def __str__(self) -> str:
        return self.name


class StepLimit(models.Model):
    """How long one step may take for a category at a priority."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="limits")
    priority = models.CharField(_("紧急程度"), max_length=16, choices=Priority.choices)
    step = models.CharField(_("环节"), max_length=16, choices=Step.choices)
    amount = models.PositiveIntegerField(_("时限"))
    unit = models.CharField(_("单位"), max_length=16, choices=LimitUnit.choices)

    class Meta:
        verbose_name = _("环节时限")
        verbose_name_plural = _("环节时限")
        constraints = [
            models.UniqueConstraint(
                fields=["category", "priority", "step"], name="one_limit_per_step"
            )
        ]

    def __str__(self) -> str:
        return f"{self.category} {self.priority} {self.step}: {self.amount} {self.unit}"


class Event(models.Model):
    tracking_code = models.CharField(_("查询码"), max_length=24, unique=True)
    title = models.CharField(_("标题"), max_length=200)
    description = models.TextField(_("描述"), blank=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="events")
    priority = models.CharField(
        _("紧急程度"), max_length=16, choices=Priority.choices, default=Priority.NORMAL
    )
    channel = models.CharField(_("渠道"), max_length=16, choices=Channel.choices)
    state = models.CharField(
        _("状态"), max_length=16, choices=State.choices, default=State.REPORTED
    )
    # Where: stored in WGS-84; grid and village assigned by the location service.
    lon = models.FloatField()
    lat = models.FloatField()
    address = models.CharField(_("地址"), max_length=200, blank=True)
    grid = models.ForeignKey("regions.Grid", on_delete=models.PROTECT, related_name="events")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="events")
    region_code = models.CharField(max_length=12, help_text="village code, for scope ranges")
    # Who: contact details are masked in every view.
    reporter = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    reporter_name = models.CharField(_("联系人"), max_length=50, blank=True)
    reporter_phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    is_anonymous = models.BooleanField(_("匿名"), default=False)
    idempotency_key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    # Who holds it now: a centre (accept, verify, dispatch, check) or a department.
    current_unit = models.ForeignKey(
        "accounts.OrgUnit", on_delete=models.PROTECT, related_name="held_events"
    )
    # The centre responsible for the event: it holds the event in the centre steps and
    # oversees the departments' steps (extension approval, suspension, checking).
    centre = models.ForeignKey(
        "accounts.OrgUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="centred_events",
        verbose_name=_("负责中心"),
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_events"
    )
    suspended_from = models.CharField(max_length=16, choices=State.choices, blank=True)
    self_handled = models.BooleanField(_("自行处置"), default=False)
    reopen_count = models.PositiveSmallIntegerField(default=0)
    # Requests awaiting a decision (延期 by the centre, 挂账 by a leader).
    pending_extension_days = models.PositiveSmallIntegerField(null=True, blank=True)
    shelve_requested = models.BooleanField(default=False)
    rating = models.CharField(_("评价"), max_length=24, choices=Rating.choices, blank=True)
    version = models.PositiveIntegerField(default=0)
    # Facts the assessment metrics count, set by the workflow in the same UPDATE as the
    # state change and always equal to what wangge/events/facts.py derives from the trail
    # and clocks: ever handed on (dispatch, delegate, escalate); ever failed a check; ever
    # extended; closed with an unmet clock (only meaningful while closed).
    routed = models.BooleanField(default=False)
    reworked = models.BooleanField(default=False)
    extended = models.BooleanField(default=False)
    closed_late = models.BooleanField(default=False)
    created_at = models.DateTimeField(_("上报时间"), db_index=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("事件")
        verbose_name_plural = _("事件")
        indexes = [
            models.Index(fields=["region_code", "created_at"]),
            models.Index(fields=["state", "region_code"]),
            models.Index(fields=["current_unit", "state"]),
            # Assessment metrics (wangge/assessment/metrics.py) read closures and
            # acceptances of a region subtree by period.
            models.Index(fields=["region_code", "closed_at"], name="event_region_closed_idx"),
            models.Index(fields=["region_code", "accepted_at"], name="event_region_accepted_idx"),
            # A county or province subject covers most region codes: the period is then
            # the selective range, and the region a filter inside the same index.
            # With the grid, so the big screen's hotspots are counted from the index.
            models.Index(
                fields=["created_at", "region_code"],
                include=["grid"],
                name="event_created_region_idx",
            ),
            models.Index(fields=["closed_at", "region_code"], name="event_closed_region_idx"),
            models.Index(fields=["accepted_at", "region_code"], name="event_accepted_region_idx"),
            # First-call hotline closures after a period are counted per event beside
            # the daily rollup (docs/METRICS.md): a partial index that holds every column
            # the query reads.
            models.Index(
                fields=["closed_at", "region_code", "created_at"],
                condition=Q(channel=Channel.HOTLINE, state=State.CLOSED, routed=False),
                name="event_first_call_idx",
            ),
            # The console's counts and the map read only live events of a region subtree: a
            # few percent of all rows, here alone and with what the map reads, so both are
            # index-only scans that never touch the closed history.
            models.Index(
                fields=["region_code", "state"],
                include=["id", "lon", "lat", "priority", "grid", "region"],
                condition=models.Q(state__in=LIVE_STATES),
                name="event_live_region_state_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_code} {self.title}"


class EventPart(models.Model):
    """A department's share of an event: lead (主办), assist (协同) or copy (抄告)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="parts")
    department = models.ForeignKey(
        "accounts.OrgUnit", on_delete=models.PROTECT, related_name="event_parts"
    )
    role = models.CharField(_("角色"), max_length=8, choices=PartRole.choices)
    instruction = models.TextField(_("交办意见"), blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    result = models.TextField(_("处置结果"), blank=True)

    class Meta:
        verbose_name = _("承办部门")
        verbose_name_plural = _("承办部门")
        constraints = [
            models.UniqueConstraint(fields=["event", "department"], name="one_part_per_department")
        ]

    def __str__(self) -> str:
        return f"{self.event_id} · {self.department} · {self.role}"


class EventRegionQuerySet(models.QuerySet):
    """Rows that keep a copy of their event's region code (clocks, trail entries).

    The assessment metrics scope clocks and trail entries by region without joining every
    event of the region (docs/METRICS.md); an event never changes region, so the copy,
    taken when the row is written, stays true. `bulk_create` bypasses `save`, so it
    fills the copy here.
    """

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        copy_event_region(objs)
        return super().bulk_create(objs, *args, **kwargs)


def copy_event_region(rows) -> None:
    """Set `region_code` from the event on the rows that lack it, in one query."""
    missing = [row for row in rows if not row.region_code]
    if not missing:
        return
    codes = dict(
        Event.objects.filter(pk__in={row.event_id for row in missing}).values_list(
            "pk", "region_code"
        )
    )
    for row in missing:
        row.region_code = codes[row.event_id]


class TrailEntry(models.Model):
    """One immutable, hash-chained record of an action (全程留痕)."""

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="trail")
    # The event's region code, copied when written (see EventRegionQuerySet); not part of
    # the hashed fields, since it is derived from the event.
    region_code = models.CharField(max_length=12, editable=False)
    sequence = models.PositiveIntegerField()
    action = models.CharField(max_length=32)
    actor = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_unit = models.ForeignKey(
        "accounts.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16)
    comment = models.TextField(blank=True)
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()
    previous_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    objects = EventRegionQuerySet.as_manager()

    class Meta:
        ordering = ["event_id", "sequence"]
        verbose_name = _("流转记录")
        verbose_name_plural = _("流转记录")
        # Assessment metrics count the events with an action of a kind in a period and a
        # region subtree: a range scan of this index, answered from the index alone.
        indexes = [
            models.Index(
                fields=["action", "created_at", "region_code", "event"],
                name="trail_action_region_idx",
            )
        ]
        constraints = [
            models.UniqueConstraint(fields=["event", "sequence"], name="trail_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.event_id}#{self.sequence} {self.action}"

    def save(self, *args, **kwargs) -> None:
        if not self.region_code:
            self.region_code = self.event.region_code
        super().save(*args, **kwargs)


class Attachment(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attachments")
    trail_entry = models.ForeignKey(
        TrailEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments"
    )
    file = models.FileField(upload_to="attachments/%Y/%m/")
    thumbnail = models.FileField(upload_to="thumbnails/%Y/%m/", blank=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    exif_lon = models.FloatField(null=True, blank=True)
    exif_lat = models.FloatField(null=True, blank=True)
    uploaded_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self) -> str:
        return f"{self.event_id} {self.file.name}"
