"""What every base-data record shares: its grid, the scope column and a map point."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class GridBound(models.Model):
    """A record bound to one grid.

    `region_code` is the grid's village code, copied on write, so that
    `accounts.scope.restrict(qs, user, "region_code")` is a range on an indexed column.
    """

    grid = models.ForeignKey(
        "regions.Grid", on_delete=models.PROTECT, related_name="+", verbose_name=_("网格")
    )
    region_code = models.CharField(_("区划代码"), max_length=12)
    lon = models.FloatField(_("经度"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)

    class Meta:
        abstract = True
        indexes = [models.Index(fields=["region_code"], name="%(class)s_region_idx")]


def protected(label: str) -> tuple[models.TextField, models.CharField]:
    """The ciphertext column and its keyed index column for one protected value."""
    return (
        models.TextField(_(label) + _("（密文）"), blank=True, default=""),
        models.CharField(_(label) + _("（索引）"), max_length=32, blank=True, default=""),
    )
