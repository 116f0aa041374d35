"""Who may see personal data, who did, who exported, and import jobs."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Permission(models.TextChoices):
    REVEAL = "reveal", _("查看个人信息明文")
    SPECIAL_POPULATION = "special_population", _("特殊人群与重点青少年")


class DataPermission(models.Model):
    """A personal-data permission on top of a role; granted by basedata.access only."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_permissions"
    )
    permission = models.CharField(_("权限"), max_length=24, choices=Permission.choices)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("个人信息权限")
        verbose_name_plural = _("个人信息权限")
        constraints = [
            models.UniqueConstraint(fields=["user", "permission"], name="data_permission_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.permission}"


class RevealLog(models.Model):
    """One reveal of one clear value: who, when, what and why (append-only)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    category = models.CharField(max_length=48)
    record_id = models.BigIntegerField()
    field = models.CharField(max_length=48)
    reason = models.CharField(_("事由"), max_length=200)
    region_code = models.CharField(max_length=12)

    class Meta:
        verbose_name = _("明文查看日志")
        verbose_name_plural = _("明文查看日志")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.category}#{self.record_id}.{self.field}"


class ExportLog(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    category = models.CharField(max_length=48)
    format = models.CharField(max_length=8)
    filters = models.JSONField(default=dict)
    rows = models.PositiveIntegerField()
    reason = models.CharField(_("事由"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("导出日志")
        verbose_name_plural = _("导出日志")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.category} ({self.rows})"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("导入中")
    DONE = "done", _("已完成")
    REJECTED = "rejected", _("有错误，未导入")
    FAILED = "failed", _("系统错误")


class ImportJob(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    category = models.CharField(max_length=48)
    file_name = models.CharField(max_length=200)
    path = models.CharField(max_length=500)
    format = models.CharField(max_length=8)
    status = models.CharField(
        max_length=16, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    rows_read = models.PositiveIntegerField(default=0)
    rows_imported = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list)  # the first errors; the full report is a file
    report_path = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.category} {self.file_name} ({self.status})"
