"""The jurisdiction: the region tree and the grids at its leaves.

Geometry is stored as WKB in WGS-84 so that shapely reads it without parsing
text; each grid also keeps its bounding box in plain columns for bbox queries.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from shapely import from_wkb
from shapely.geometry.base import BaseGeometry

from wangge.regions.codes import RegionLevel


class GridKind(models.TextChoices):
    COMPREHENSIVE = "comprehensive", _("全科网格")
    DEDICATED = "dedicated", _("专属网格")


class DedicatedSubject(models.TextChoices):
    SCHOOL = "school", _("学校")
    HOSPITAL = "hospital", _("医院")
    ENTERPRISE = "enterprise", _("企业")
    MARKET = "market", _("市场")
    PARK = "park", _("园区")


class Region(models.Model):
    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("层级"), max_length=16, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    boundary = models.BinaryField(_("边界 (WKB, WGS-84)"), null=True, blank=True)
    centroid_lon = models.FloatField(null=True, blank=True)
    centroid_lat = models.FloatField(null=True, blank=True)
    is_synthetic = models.BooleanField(
        _("示例数据"), default=False, help_text=_("名称或边界为演示生成，并非真实数据")
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def geometry(self) -> BaseGeometry | None:
        return from_wkb(bytes(self.boundary)) if self.boundary else None


class Grid(models.Model):
    code = models.CharField(_("网格编码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(
        _("类型"), max_length=16, choices=GridKind.choices, default=GridKind.COMPREHENSIVE
    )
    subject = models.CharField(
        _("专属对象"), max_length=16, choices=DedicatedSubject.choices, blank=True
    )
    village = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="grids", verbose_name=_("所属村/社区")
    )
    polygon = models.BinaryField(_("范围 (WKB, WGS-84)"))
    min_lon = models.FloatField()
    min_lat = models.FloatField()
    max_lon = models.FloatField()
    max_lat = models.FloatField()
    households = models.PositiveIntegerField(_("户数"), default=0)
    party_group = models.CharField(_("网格党小组"), max_length=100, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("网格")
        verbose_name_plural = _("网格")
        indexes = [models.Index(fields=["min_lon", "max_lon", "min_lat", "max_lat"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="dedicated") | ~models.Q(subject=""),
                name="dedicated_grid_has_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def geometry(self) -> BaseGeometry:
        return from_wkb(bytes(self.polygon))
