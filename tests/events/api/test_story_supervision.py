"""Seed 000's supervision, replayed through the HTTP API.

"一旦办理事项超过了结办时限，系统就会自动按事件按时间顺序升级为普通督办、黄牌督办、红牌督办，
并对给予黄牌督办和红牌督办的单位自动扣分": a department signs for an event and lets its
handling deadline pass. The sweep (run with an explicit `now`, as the worker would at
those moments) raises 普通督办 at the deadline, 黄牌 and 红牌 later; the department sees each
card in its inbox, the event shows them, and the metrics and rankings of the responsible
unit show the cards and the points they cost.
"""

from datetime import date, datetime, timedelta

from django.utils import timezone

from tests.events.api.conftest import VILLAGE_1_POINT
from tests.events.api.story_kit import act, detail, listed_ids, set_up_county
from wangge.events.calendar import add
from wangge.events.choices import LimitUnit
from wangge.events.rules import rule_for
from wangge.supervision.sweep import run_sweep


def _handle_clock(event: dict) -> dict:
    [clock] = [c for c in event["clocks"] if c["step"] == "handle"]
    return clock


def _metrics(client, unit: int) -> dict:
    today = timezone.localdate()
    response = client.get(
        "/api/metrics",
        {"unit": unit, "period_start": today, "period_end": today + timedelta(days=90)},
    )
    assert response.status_code == 200, response.content
    return response.json()


def _ranking(client) -> list[dict]:
    today: date = timezone.localdate()
    response = client.get(
        "/api/rankings",
        {"kind": "department", "period_start": today, "period_end": today + timedelta(days=90)},
    )
    assert response.status_code == 200, response.content
    return response.json()


def _sweep_at(moment: datetime) -> dict[str, int]:
    return run_sweep(moment + timedelta(minutes=1)).cards


def test_a_late_department_gets_normal_yellow_and_red_cards_and_loses_points(cast, as_user):
    county = set_up_county(cast)
    lon, lat = VILLAGE_1_POINT
    reported = as_user("grid_worker_1").post(
        "/api/events",
        {
            "channel": "grid_worker",
            "category": county.category("urban.street"),
            "title": "电动车商家占用人行道经营",
            "lon": lon,
            "lat": lat,
        },
        content_type="application/json",
    )
    assert reported.status_code == 201, reported.content
    event_id = reported.json()["id"]
    centre = as_user("village_1_operator")
    late_unit = cast.department  # 行政执法局, the default department of 占道经营
    act(centre, event_id, "accept")
    act(centre, event_id, "dispatch", {"lead_department": late_unit.pk})
    handler = as_user("department_handler")
    act(handler, event_id, "sign")

    clock = _handle_clock(detail(centre, event_id))
    assert clock["unit"] == late_unit.name and clock["card_level"] == "none"
    due = datetime.fromisoformat(clock["due_at"])
    rule = rule_for("handle")
    leader = as_user("leader")
    clean = {row["key"]: row["score"] for row in _ranking(leader)}
    before = _metrics(leader, late_unit.pk)

    assert run_sweep(due - timedelta(minutes=1)).cards == {}
    ladder = [
        ("normal", due),
        ("yellow", add(due, rule.yellow_after_days, LimitUnit.WORKING_DAYS)),
        ("red", add(due, rule.red_after_days, LimitUnit.WORKING_DAYS)),
    ]
    scores = [before["score"]]
    for level, moment in ladder:
        assert _sweep_at(moment) == {level: 1}, level
        assert _sweep_at(moment) == {}, "a second sweep at the same moment changes nothing"
        event = detail(centre, event_id)
        assert _handle_clock(event)["card_level"] == level
        assert event["card_level"] == level
        assert event_id in listed_ids(as_user("county_operator"), card_level=level)
        supervise = event["trail"][-1]
        assert supervise["action"] == "supervise" and supervise["actor"] is None
        assert supervise["payload"]["level"] == level
        assert supervise["payload"]["unit"] == late_unit.pk
        assert supervise["payload"]["points"] == rule.points(level)
        inbox = handler.get("/api/notices").json()["items"]
        assert inbox[0]["title"].startswith(
            {"normal": "普通", "yellow": "黄牌", "red": "红牌"}[level]
        )
        if rule.points(level):
            assert f"扣 {-rule.points(level)} 分" in inbox[0]["body"]
        own = _metrics(handler, late_unit.pk)
        assert own == _metrics(leader, late_unit.pk), "the unit sees what the leader sees"
        scores.append(own["score"])

    assert rule.points("yellow") < 0 and rule.points("red") < rule.points("yellow")
    assert scores[3] < scores[2] < scores[1] <= scores[0]
    final = _metrics(leader, late_unit.pk)["metrics"]
    assert (final["yellow_cards"], final["red_cards"]) == (0, 1), "red replaces yellow"
    supervised = [t for t in detail(centre, event_id)["trail"] if t["action"] == "supervise"]
    assert [t["payload"]["level"] for t in supervised] == ["normal", "yellow", "red"]
    assert sum(t["payload"]["points"] for t in supervised) == sum(
        rule.points(level) for level in ("normal", "yellow", "red")
    )

    ranking = _ranking(leader)
    assert ranking[-1]["key"] == str(late_unit.pk) and ranking[-1]["score"] == scores[3]
    others = [row for row in ranking if row["key"] != str(late_unit.pk)]
    assert others and all(row["score"] == clean[row["key"]] > scores[3] for row in others)
    # Other departments' handlers see nothing of it in their inbox.
    assert as_user("transport_handler").get("/api/notices").json()["items"] == []
