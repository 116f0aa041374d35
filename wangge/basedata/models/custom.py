"""The "X": categories an administrator defines, and their records."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.basedata.models.base import GridBound


class CustomCategory(models.Model):
    """`fields` is a list of field definitions, checked by basedata.custom.check_definition."""

    code = models.SlugField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100, unique=True)
    fields = models.JSONField(_("字段定义"), default=list)
    sensitive = models.BooleanField(_("需特殊人群权限"), default=False)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("自定义类别（X）")
        verbose_name_plural = _("自定义类别（X）")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class CustomRecord(GridBound):
    """Values in `data` are validated against the category; protected ones are ciphertext,
    their keyed indexes are in `search_index` (kind:digest strings)."""

    category = models.ForeignKey(CustomCategory, on_delete=models.PROTECT, related_name="records")
    data = models.JSONField(_("数据"), default=dict)
    search_index = models.JSONField(default=list)

    class Meta(GridBound.Meta):
        verbose_name = _("自定义类别记录")
        verbose_name_plural = _("自定义类别记录")
