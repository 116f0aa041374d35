"""A grid worker's work in the field: patrols (巡查) and their GPS tracks.

Rows are written only by wangge/fieldwork/services.py. Phones record patrols offline and
send them later, so every row carries the key the phone generated for it: a resend finds
the row made the first time instead of making another. Issue 5 adds visits (走访), the
work diary and performance points (积分) to this app; a GPS fix is therefore a TrackPoint,
never a bare "Point".
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
