"""The supervision ladder: when a late step's cards rise and what each costs.

A step's card rises to 普通督办 at its deadline, to 黄牌 after `yellow_after_days` working days
overdue and to 红牌 after `red_after_days`. Administrators tune this per step with
SupervisionRule rows; steps without a row use DEFAULT_RULES (SPEC §4: acceptance 2/5,
handling 5/10 working days; the short centre steps follow acceptance, checking follows it too).
Points are signed: a deduction is negative.
"""

from dataclasses import dataclass

from wangge.events.choices import Step
from wangge.events.models import CardLevel, SupervisionRule


@dataclass(frozen=True)
class Rule:
    yellow_after_days: int
    red_after_days: int
    normal_points: int = 0
    yellow_points: int = -5
    red_points: int = -10

    def points(self, level: str) -> int:
        return {
            CardLevel.NORMAL: self.normal_points,
            CardLevel.YELLOW: self.yellow_points,
            CardLevel.RED: self.red_points,
        }[level]


DEFAULT_RULES: dict[str, Rule] = {
    Step.ACCEPT: Rule(2, 5),
    Step.VERIFY: Rule(2, 5),
    Step.DISPATCH: Rule(2, 5),
    Step.SIGN: Rule(2, 5),
    Step.HANDLE: Rule(5, 10),
    Step.CHECK: Rule(2, 5),
}


def _from_row(row: SupervisionRule) -> Rule:
    return Rule(
        row.yellow_after_days,
        row.red_after_days,
        row.normal_points,
        row.yellow_points,
        row.red_points,
    )


def load_rules() -> dict[str, Rule]:
    """Every step's rule, in one query."""
    rules = dict(DEFAULT_RULES)
    rules.update({row.step: _from_row(row) for row in SupervisionRule.objects.all()})
    return rules


def rule_for(step: str) -> Rule:
    row = SupervisionRule.objects.filter(step=step).first()
    return _from_row(row) if row else DEFAULT_RULES.get(step, Rule(2, 5))
