"""Enumerations of the event domain; labels are what the UI shows."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    PUBLIC_APP = "public_app", _("群众上报")
    QR_CODE = "qr_code", _("扫码上报")
    GRID_WORKER = "grid_worker", _("网格员上报")
    HOTLINE = "hotline", _("便民热线/12345")
    MINI_PROGRAM = "mini_program", _("微信小程序")
    VIDEO_PATROL = "video_patrol", _("视频巡查")
    ALARM = "alarm", _("一键报警/物联网")
    OPEN311 = "open311", _("Open311")
    OPERATOR = "operator", _("坐席代录")


class Priority(models.TextChoices):
    NORMAL = "normal", _("一般")
    URGENT = "urgent", _("紧急")
    EMERGENCY = "emergency", _("特急")


class Step(models.TextChoices):
    """The clocked steps of the loop, each with its own time limit."""

    ACCEPT = "accept", _("受理")
    VERIFY = "verify", _("核实")
    DISPATCH = "dispatch", _("派遣")
    SIGN = "sign", _("签收")
    HANDLE = "handle", _("处置")
    CHECK = "check", _("核查")


class LimitUnit(models.TextChoices):
    MINUTES = "minutes", _("分钟")
    WORKING_HOURS = "working_hours", _("工作小时")
    WORKING_DAYS = "working_days", _("工作日")


class Rating(models.TextChoices):
    VERY_SATISFIED = "very_satisfied", _("非常满意")
    SATISFIED = "satisfied", _("满意")
    BASICALLY_SATISFIED = "basically_satisfied", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")
    VERY_UNSATISFIED = "very_unsatisfied", _("非常不满意")


SATISFIED_RATINGS = (Rating.VERY_SATISFIED, Rating.SATISFIED, Rating.BASICALLY_SATISFIED)


class State(models.TextChoices):
    REPORTED = "reported", _("待受理")
    ACCEPTED = "accepted", _("已受理")
    VERIFYING = "verifying", _("核实中")
    DISPATCHED = "dispatched", _("待签收")
    HANDLING = "handling", _("处置中")
    SUBMITTED = "submitted", _("待核查")
    CLOSED = "closed", _("已结案")
    REJECTED = "rejected", _("不予受理")
    MERGED = "merged", _("已合并")
    WITHDRAWN = "withdrawn", _("已撤销")
    SUSPENDED = "suspended", _("已挂起")
    SHELVED = "shelved", _("已挂账")


# States in which a case is still being worked; suspended and shelved cases are not
# due while their clocks stand still (see docs/METRICS.md).
WORKING_STATES = (
    State.ACCEPTED,
    State.VERIFYING,
    State.DISPATCHED,
    State.HANDLING,
    State.SUBMITTED,
)


class PartRole(models.TextChoices):
    LEAD = "lead", _("主办")
    ASSIST = "assist", _("协同")
    COPY = "copy", _("抄告")
