"""The supervision sweep: raise warning lights and cards on clocks whose moment has come.

It reads only clocks with `next_check_at <= now`, through that column's index, in keyset
batches, so its cost follows the number of due clocks, not the number of open events.
Each clock is advanced in its own transaction with a conditional update on the values it
was read with: of two sweeps (or a sweep and a workflow action) touching the same clock,
exactly one wins, and running the sweep twice changes nothing the second time. Each card
is a SupervisionCard row (unique per clock and level), a "supervise" trail entry and an
inbox notice to the unit's members and leaders; a warning light notifies the unit only.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import translation

from wangge.events.choices import Step
from wangge.events.clocks import pending_milestones
from wangge.events.models import CardLevel, Clock
from wangge.events.notifying import params
from wangge.events.rules import Rule, load_rules
from wangge.notices.services import send
from wangge.supervision import recipients, trail
from wangge.supervision.models import SupervisionCard

logger = logging.getLogger(__name__)

BATCH_SIZE = 500


@dataclass
class SweepReport:
    examined: int = 0
    warnings: int = 0
    cards: dict[str, int] = field(default_factory=dict)
    lost_races: int = 0
    failed: int = 0
    batches: int = 0

    @property
    def card_count(self) -> int:
        return sum(self.cards.values())


@dataclass(frozen=True)
class Advance:
    light: str
    cards: tuple[str, ...]
    next_check_at: datetime | None


def plan(clock: Clock, rule: Rule, now: datetime) -> Advance:
    """Every milestone reached by `now`, and the first one still ahead."""
    light, cards = clock.light, []
    for milestone in pending_milestones(clock, rule):
        if milestone.at > now:
            return Advance(light, tuple(cards), milestone.at)
        if milestone.light:
            light = milestone.light
        else:
            cards.append(milestone.card)
    return Advance(light, tuple(cards), None)


def run_sweep(now: datetime, batch_size: int = BATCH_SIZE) -> SweepReport:
    report = SweepReport()
    rules: dict[str, Rule] | None = None
    audience: dict[tuple[int, bool], list] = {}
    after: tuple[datetime, int] | None = None
    while True:
        due = Clock.objects.filter(next_check_at__lte=now)
        if after is not None:
            due = due.filter(
                Q(next_check_at__gt=after[0]) | Q(next_check_at=after[0], pk__gt=after[1])
            )
        batch = list(due.order_by("next_check_at", "pk")[:batch_size])
        if not batch:
            break
        report.batches += 1
        rules = rules if rules is not None else load_rules()
        for clock in batch:
            report.examined += 1
            try:
                _advance(clock, rules[clock.step], now, report, audience)
            except Exception:
                # One bad row must not stop supervision of all the others.
                report.failed += 1
                logger.exception("supervision sweep: clock %s failed", clock.pk)
        if len(batch) < batch_size:
            break
        after = (batch[-1].next_check_at, batch[-1].pk)
    if report.examined:
        logger.info(
            "supervision sweep: %s clocks, %s warnings, cards %s, %s lost races, %s failed",
            report.examined,
            report.warnings,
            report.cards,
            report.lost_races,
            report.failed,
        )
    return report


def _audience(cache: dict, unit_id: int, with_leaders: bool) -> list:
    key = (unit_id, with_leaders)
    if key not in cache:
        cache[key] = (
            recipients.members_and_leaders(unit_id)
            if with_leaders
            else recipients.unit_members(unit_id)
        )
    return cache[key]


def _advance(clock: Clock, rule: Rule, now: datetime, report: SweepReport, audience) -> None:
    step = plan(clock, rule, now)
    with transaction.atomic():
        event = trail.lock_event(clock.event_id)
        won = Clock.objects.filter(
            pk=clock.pk,
            next_check_at=clock.next_check_at,
            due_at=clock.due_at,
            light=clock.light,
            card_level=clock.card_level,
            stopped_at__isnull=True,
            paused_at__isnull=True,
        ).update(
            light=step.light,
            card_level=step.cards[-1] if step.cards else clock.card_level,
            next_check_at=step.next_check_at,
        )
        if not won:
            report.lost_races += 1
            return
        if step.cards:
            _raise_cards(clock, event, rule, step.cards, now, audience)
            for level in map(str, step.cards):
                report.cards[level] = report.cards.get(level, 0) + 1
        elif step.light != clock.light:
            report.warnings += 1
            send(
                _audience(audience, clock.unit_id, False),
                "warning",
                {**params(event, None), **_clock_params(clock)},
                event=event,
                now=now,
            )


def _raise_cards(clock, event, rule: Rule, levels, now: datetime, audience) -> None:
    SupervisionCard.objects.bulk_create(
        SupervisionCard(
            clock=clock,
            event=event,
            step=clock.step,
            unit_id=clock.unit_id,
            level=level,
            issued_at=now,
            points=rule.points(level),
        )
        for level in levels
    )
    step_label = Step(clock.step).label
    for level in levels:
        label = CardLevel(level).label
        trail.record(
            event,
            "supervise",
            None,
            now,
            comment=f"{label}：{step_label}环节超过时限",
            payload={
                "clock": clock.pk,
                "step": clock.step,
                "unit": clock.unit_id,
                "level": level,
                "points": rule.points(level),
                "due_at": clock.due_at.isoformat(),
            },
        )
    deducted = -sum(rule.points(level) for level in levels)
    level = _stored(CardLevel(levels[-1]).label)
    send(
        _audience(audience, clock.unit_id, True),
        "card_deducted" if deducted else "card",
        {**params(event, None), **_clock_params(clock), "level": level, "points": deducted},
        event=event,
        now=now,
    )


def _stored(label) -> str:
    """A label in the project's language: notices store it and translate it when shown."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(label)


def _clock_params(clock: Clock) -> dict:
    return {"step": _stored(Step(clock.step).label), "due": _local(clock.due_at)}


def _local(moment: datetime) -> str:
    from wangge.events.calendar import TZ

    return moment.astimezone(TZ).strftime("%Y-%m-%d %H:%M")
