"""The supervision the step clocks raise (cards) and leaders' instructions.

The clocks themselves, their calendar and ladder rules live with the events
(wangge/events/models/clocks.py): the workflow keeps them; supervision reads them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.events.choices import Step
from wangge.events.models import CardLevel, Clock


class SupervisionCard(models.Model):
    """One card raised against the unit responsible for a step; points are signed."""

    clock = models.ForeignKey(Clock, on_delete=models.CASCADE, related_name="cards")
    event = models.ForeignKey(
        "events.Event", on_delete=models.CASCADE, related_name="supervision_cards"
    )
    step = models.CharField(_("环节"), max_length=16, choices=Step.choices)
    unit = models.ForeignKey(
        "accounts.OrgUnit", on_delete=models.PROTECT, related_name="supervision_cards"
    )
    level = models.CharField(_("督办级别"), max_length=8, choices=CardLevel.choices)
    issued_at = models.DateTimeField(_("督办时间"), db_index=True)
    points = models.IntegerField(_("扣分"), default=0)

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("督办记录")
        verbose_name_plural = _("督办记录")
        constraints = [
            models.UniqueConstraint(fields=["clock", "level"], name="one_card_per_level")
        ]
        indexes = [models.Index(fields=["unit", "issued_at"])]

    def __str__(self) -> str:
        return f"{self.event_id} {self.step} {self.level}"


class Instruction(models.Model):
    """A leader's written instruction on an event (领导批示), addressed to the unit holding
    the event when it was written, which replies once by `reply_due_at`.

    Instructions written before replies existed have no addressed unit and no deadline.
    """

    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="instructions")
    leader = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="instructions"
    )
    text = models.TextField(_("批示内容"))
    created_at = models.DateTimeField(_("批示时间"))
    addressed_unit = models.ForeignKey(
        "accounts.OrgUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="instructions",
        verbose_name=_("承办单位"),
    )
    reply_due_at = models.DateTimeField(_("回复期限"), null=True, blank=True)
    reply = models.TextField(_("回复内容"), blank=True)
    replied_at = models.DateTimeField(_("回复时间"), null=True, blank=True)
    replied_by = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="instruction_replies",
        verbose_name=_("回复人"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("领导批示")
        verbose_name_plural = _("领导批示")
        # The leader's home lists the instructions of a scope still awaiting a reply.
        indexes = [
            models.Index(
                fields=["reply_due_at"],
                condition=models.Q(replied_at__isnull=True),
                name="instruction_awaiting_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_id} {self.leader_id} {self.created_at:%Y-%m-%d}"
