"""Configurable scoring rules for the assessment rankings (考核评分规则)."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class ScoringRule(models.Model):
    """Points for one assessment scheme; the active rule with the newest id applies.

    Kept in the database rather than settings so that system administrators change
    the weights in the admin without a deployment, and every change is a new row
    the history of which stays readable.
    """

    name = models.CharField(_("名称"), max_length=100)
    active = models.BooleanField(_("启用"), default=True)
    base = models.DecimalField(_("基础分"), max_digits=6, decimal_places=2, default=Decimal(100))
    yellow_card = models.DecimalField(
        _("每张黄牌扣分"), max_digits=6, decimal_places=2, default=Decimal(5)
    )
    red_card = models.DecimalField(
        _("每张红牌扣分"), max_digits=6, decimal_places=2, default=Decimal(10)
    )
    overdue = models.DecimalField(
        _("每件逾期扣分"), max_digits=6, decimal_places=2, default=Decimal(1)
    )
    unsatisfied = models.DecimalField(
        _("每件不满意扣分"), max_digits=6, decimal_places=2, default=Decimal(1)
    )
    overdue_visit = models.DecimalField(
        _("每次逾期走访扣分"), max_digits=6, decimal_places=2, default=Decimal(1)
    )
    self_handled_bonus = models.DecimalField(
        _("每件自行处置加分"), max_digits=6, decimal_places=2, default=Decimal("0.5")
    )
    full_on_time_bonus = models.DecimalField(
        _("按期结案率100%加分"), max_digits=6, decimal_places=2, default=Decimal(5)
    )
    max_bonus = models.DecimalField(
        _("加分上限"), max_digits=6, decimal_places=2, default=Decimal(10)
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("考核评分规则")
        verbose_name_plural = _("考核评分规则")

    def __str__(self) -> str:
        return self.name
