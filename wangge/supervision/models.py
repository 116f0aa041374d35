"""Step clocks and the supervision they raise."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.events.choices import Step


class CardLevel(models.TextChoices):
    NONE = "none", _("未督办")
    NORMAL = "normal", _("普通督办")
    YELLOW = "yellow", _("黄牌督办")
    RED = "red", _("红牌督办")


class Clock(models.Model):
    """The deadline of one step of one event, owned by the unit responsible for it.

    `next_check_at` is the next moment the sweep must look at this clock (a warning
    or a card falls due); it is NULL once nothing more can happen, so the sweep
    reads only due rows through its index.
    """

    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="clocks")
    step = models.CharField(_("环节"), max_length=16, choices=Step.choices)
    unit = models.ForeignKey("accounts.OrgUnit", on_delete=models.PROTECT, related_name="clocks")
    started_at = models.DateTimeField()
    due_at = models.DateTimeField()
    paused_at = models.DateTimeField(null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    card_level = models.CharField(max_length=8, choices=CardLevel.choices, default=CardLevel.NONE)
    next_check_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("环节时限")
        verbose_name_plural = _("环节时限")
        indexes = [
            models.Index(fields=["next_check_at"]),
            # Assessment metrics read only unmet clocks (running, or stopped late):
            # a small minority, so late closures and cards cost little to find.
            models.Index(
                fields=["due_at", "event"],
                condition=models.Q(stopped_at__isnull=True)
                | models.Q(stopped_at__gt=models.F("due_at")),
                name="clock_unmet_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} {self.step} due {self.due_at:%Y-%m-%d %H:%M}"

    @property
    def on_time(self) -> bool | None:
        if self.stopped_at is None:
            return None
        return self.stopped_at <= self.due_at
