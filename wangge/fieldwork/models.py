"""A grid worker's work in the field: patrols (巡查) with GPS tracks, household and
special-population visits (走访, 帮教), key-place inspections, the work diary (民情日记) and
the household points ledger (积分).

Rows are written only by the service modules of this app (patrols.py for patrols,
records.py for the rest). Phones record offline and send later, so every row carries the key
the phone generated for it, unique per worker: a resend finds the row made the first time
instead of making another. A GPS fix is a TrackPoint, never a bare "Point"; a points entry is
a PointsEntry.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Patrol(models.Model):
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="patrols",
        verbose_name=_("网格员"),
    )
    grid = models.ForeignKey(
        "regions.Grid", on_delete=models.PROTECT, related_name="patrols", verbose_name=_("网格")
    )
    client_key = models.CharField(_("客户端幂等键"), max_length=64)
    started_at = models.DateTimeField(_("开始时间"))
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("巡查")
        verbose_name_plural = _("巡查")
        constraints = [
            models.UniqueConstraint(fields=["worker", "client_key"], name="patrol_key_per_worker")
        ]
        indexes = [models.Index(fields=["grid", "started_at"], name="patrol_grid_started_idx")]

    def __str__(self) -> str:
        return f"{self.worker_id} · {self.grid_id} · {self.started_at:%Y-%m-%d %H:%M}"


class TrackPoint(models.Model):
    """One GPS fix of a patrol, in WGS-84 as the phone reported it."""

    patrol = models.ForeignKey(Patrol, on_delete=models.CASCADE, related_name="track")
    client_key = models.CharField(max_length=64)
    recorded_at = models.DateTimeField(_("记录时间"))
    lon = models.FloatField()
    lat = models.FloatField()
    accuracy = models.FloatField(_("精度（米）"), null=True, blank=True)

    class Meta:
        ordering = ["patrol_id", "recorded_at", "id"]
        verbose_name = _("轨迹点")
        verbose_name_plural = _("轨迹点")
        constraints = [
            models.UniqueConstraint(fields=["patrol", "client_key"], name="track_point_key_once")
        ]
        indexes = [models.Index(fields=["patrol", "recorded_at"], name="track_patrol_time_idx")]

    def __str__(self) -> str:
        return f"{self.patrol_id} @ {self.recorded_at:%H:%M:%S}"


class VisitKind(models.TextChoices):
    VISIT = "visit", _("走访")
    HELP = "help", _("帮教")


def _photo_path(instance: models.Model, filename: str) -> str:
    return f"field/{type(instance).__name__.lower()}/{filename}"


class FieldRecord(models.Model):
    """What every record made on a worker's phone shares: who, the phone's key, when."""

    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("网格员"),
    )
    client_key = models.CharField(_("客户端幂等键"), max_length=64)
    created_at = models.DateTimeField(_("接收时间"), auto_now_add=True)

    class Meta:
        abstract = True
        constraints = [
            models.UniqueConstraint(
                fields=["worker", "client_key"], name="%(class)s_key_per_worker"
            )
        ]


class HouseholdVisit(FieldRecord):
    """入户走访: a visit to one house (household) of the base data."""

    house = models.ForeignKey(
        "basedata.House", on_delete=models.CASCADE, related_name="+", verbose_name=_("房屋")
    )
    grid = models.ForeignKey(
        "regions.Grid", on_delete=models.PROTECT, related_name="+", verbose_name=_("网格")
    )
    visited_at = models.DateTimeField(_("走访时间"))
    notes = models.TextField(_("走访情况"))
    follow_up = models.TextField(_("需跟进事项"), blank=True)
    photo = models.FileField(_("照片"), upload_to=_photo_path, blank=True)

    class Meta(FieldRecord.Meta):
        ordering = ["-visited_at", "-id"]
        verbose_name = _("入户走访")
        verbose_name_plural = _("入户走访")
        indexes = [models.Index(fields=["worker", "visited_at"], name="hvisit_worker_time_idx")]

    def __str__(self) -> str:
        return f"{self.worker_id} · {self.client_key}"


class SpecialVisit(FieldRecord):
    """走访/帮教 of a special-population record; moves its next due date (duevisits.py).

    `due_on` is the due date in force when the visit was made, so a late visit stays
    visible after the record's due date has moved on."""

    special = models.ForeignKey(
        "basedata.SpecialPopulation",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("特殊人群"),
    )
    grid = models.ForeignKey(
        "regions.Grid", on_delete=models.PROTECT, related_name="+", verbose_name=_("网格")
    )
    kind = models.CharField(_("类型"), max_length=8, choices=VisitKind.choices)
    visited_at = models.DateTimeField(_("走访时间"))
    notes = models.TextField(_("走访情况"))
    follow_up = models.TextField(_("需跟进事项"), blank=True)
    photo = models.FileField(_("照片"), upload_to=_photo_path, blank=True)
    due_on = models.DateField(_("应走访日期"), null=True, blank=True)

    class Meta(FieldRecord.Meta):
        ordering = ["-visited_at", "-id"]
        verbose_name = _("特殊人群走访")
        verbose_name_plural = _("特殊人群走访")
        indexes = [models.Index(fields=["worker", "visited_at"], name="svisit_worker_time_idx")]

    def __str__(self) -> str:
        return f"{self.worker_id} · {self.client_key}"


class FieldInspection(FieldRecord):
    """The phone's key of a key-place inspection stored by basedata's own service."""

    inspection = models.OneToOneField(
        "basedata.KeyPlaceInspection", on_delete=models.CASCADE, related_name="+"
    )

    class Meta(FieldRecord.Meta):
        verbose_name = _("现场检查")
        verbose_name_plural = _("现场检查")

    def __str__(self) -> str:
        return f"{self.worker_id} · {self.client_key}"


class DiaryEntry(FieldRecord):
    """民情日记: the worker's own notes of a day."""

    day = models.DateField(_("日期"))
    text = models.TextField(_("内容"))
    lon = models.FloatField(_("经度"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    photo = models.FileField(_("照片"), upload_to=_photo_path, blank=True)

    class Meta(FieldRecord.Meta):
        ordering = ["-day", "-id"]
        verbose_name = _("民情日记")
        verbose_name_plural = _("民情日记")
        indexes = [models.Index(fields=["worker", "day"], name="diary_worker_day_idx")]

    def __str__(self) -> str:
        return f"{self.worker_id} · {self.client_key}"


class PointsEntry(FieldRecord):
    """One line of a household's points ledger (积分): plus or minus, with its reason."""

    house = models.ForeignKey(
        "basedata.House", on_delete=models.CASCADE, related_name="+", verbose_name=_("房屋")
    )
    grid = models.ForeignKey(
        "regions.Grid", on_delete=models.PROTECT, related_name="+", verbose_name=_("网格")
    )
    points = models.IntegerField(_("分值"))
    reason = models.CharField(_("事由"), max_length=200)
    recorded_at = models.DateTimeField(_("记录时间"))

    class Meta(FieldRecord.Meta):
        ordering = ["-recorded_at", "-id"]
        verbose_name = _("积分记录")
        verbose_name_plural = _("积分记录")
        indexes = [models.Index(fields=["house", "recorded_at"], name="points_house_time_idx")]

    def __str__(self) -> str:
        return f"{self.worker_id} · {self.client_key}"
