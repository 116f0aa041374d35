"""Seed 002, the baby on the stairs, replayed through the HTTP API.

On patrol, the gatekeeper 毛建林 (a "红袖套" volunteer) finds a baby on the fifth floor's
landing; no neighbour knows it. He tells the community grid worker, who reports at once
and goes there. The centre looks within two minutes, the duty leader brings in the police,
and about ten minutes later 110 and 120 take the baby to hospital. The case is closed within
minutes of the report, well inside the emergency step limits.
"""

from datetime import datetime, timedelta

from tests.events.api.conftest import VILLAGE_1_POINT
from tests.events.api.story_kit import act, detail, photo, photo_actions, set_up_county

VOLUNTEER = "毛建林"


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_abandoned_baby_reported_through_a_grid_worker_is_closed_within_minutes(cast, as_user):
    county = set_up_county(cast)
    worker = as_user("grid_worker_1")
    lon, lat = VILLAGE_1_POINT
    reported = worker.post(
        "/api/events",
        {
            "channel": "grid_worker",
            "priority": "emergency",
            "category": county.category("security"),
            "title": "航天路76号小区3号楼5楼楼道发现一名婴儿",
            "description": "门卫巡查发现，敲门询问住户均表示不认识，望相关部门及时处理。",
            "address": "航天路76号小区3号楼5楼",
            "lon": lon,
            "lat": lat,
            "reporter_name": VOLUNTEER,
            "reporter_phone": "13551234567",
            "photos": [photo("landing.jpg", gps=VILLAGE_1_POINT)],
        },
    )
    assert reported.status_code == 201, reported.content
    event_id = reported.json()["id"]

    centre = as_user("village_1_operator")
    act(centre, event_id, "accept", {"comment": "已视频连线查看现场"})
    instructed = as_user("leader").post(
        f"/api/events/{event_id}/instructions",
        {"text": "立即联系公安、急救到场处置"},
        "application/json",
    )
    assert instructed.status_code == 201, instructed.content
    police = county.department("公安局")
    act(
        centre, event_id, "dispatch", {"lead_department": police, "instruction": "弃婴，请立即出警"}
    )
    handler = as_user("police_handler")
    act(handler, event_id, "sign")
    act(
        handler,
        event_id,
        "submit_result",
        {"result": "110、120 约10分钟到场，婴儿送医体检，结果健康"},
        photos=[photo("hospital.jpg")],
    )
    closed = act(centre, event_id, "check_pass", {"comment": "已妥善安置"})
    assert closed["state"] == "closed"

    final = detail(centre, event_id)
    reported_at, closed_at = _at(final["created_at"]), _at(final["closed_at"])
    assert timedelta(0) <= closed_at - reported_at < timedelta(minutes=10)
    assert final["priority"] == "emergency" and final["channel"] == "grid_worker"
    assert final["reporter_name"] == "毛**" and VOLUNTEER not in str(final)
    assert [entry["action"] for entry in final["trail"]] == [
        "report",
        "accept",
        "instruct",
        "dispatch",
        "sign",
        "submit_result",
        "check_pass",
    ]
    assert final["trail"][0]["actor"] == "grid_worker_1"
    assert final["trail"][2]["comment"] == "立即联系公安、急救到场处置"
    assert photo_actions(final) == ["report", "submit_result"]
    # Every step ran on the emergency limits and was met: no light, no card.
    accept = next(clock for clock in final["clocks"] if clock["step"] == "accept")
    assert _at(accept["due_at"]) - _at(accept["started_at"]) <= timedelta(minutes=10)
    for clock in final["clocks"]:
        assert clock["stopped_at"] and _at(clock["stopped_at"]) <= _at(clock["due_at"])
        assert clock["card_level"] == "none"
