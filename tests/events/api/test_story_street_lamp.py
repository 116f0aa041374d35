"""Seed 003, the knocked-down street lamp, replayed through the HTTP API.

唐江平, the worker of a dedicated grid (专属网格, here a market's), finds a street lamp
knocked down by the road, a serious traffic hazard. He photographs it and sends it to the
centre, which dispatches it to the department in charge (路灯损坏 → 住建局); the lamp is
put right shortly and he checks the result on site, again with a photo.
"""

from shapely.geometry import box

from tests.conftest import make_user
from tests.events.api.story_kit import act, detail, photo, photo_actions, set_up_county
from wangge.accounts.models import GridAssignment, GridDuty, Role
from wangge.regions.models import DedicatedSubject, GridKind
from wangge.regions.services import save_grid

LAMP_POINT = (120.05, 40.02)  # in the south grid of 一村, made a market's dedicated grid


def test_street_lamp_photographed_in_a_dedicated_grid_is_rectified(client, cast, as_user):
    county = set_up_county(cast)
    market = save_grid(
        cast.jurisdiction.village_1,
        2,
        "一村集贸市场专属网格",
        box(120.0, 40.0, 120.1, 40.05),
        kind=GridKind.DEDICATED,
        subject=DedicatedSubject.MARKET,
    )
    worker = make_user("tang_jiangping", Role.GRID_WORKER, cast.village_1_centre)
    GridAssignment.objects.create(grid=market, user=worker, duty=GridDuty.WORKER)
    cast.users[worker.username] = worker

    lon, lat = LAMP_POINT
    reported = as_user("tang_jiangping").post(
        "/api/events",
        {
            "channel": "grid_worker",
            "category": county.category("urban.lamp"),
            "title": "道路旁路灯被撞倒，存在严重交通隐患",
            "lon": lon,
            "lat": lat,
            "photos": [photo("lamp.jpg", gps=LAMP_POINT)],
        },
    )
    assert reported.status_code == 201, reported.content
    assert reported.json()["attachments"] == 1
    event_id = reported.json()["id"]

    centre = as_user("village_1_operator")
    arrived = detail(centre, event_id)
    assert arrived["grid_code"] == market.code and arrived["category"]["name"] == "路灯损坏"
    [lamp_photo] = arrived["attachments"]
    assert abs(lamp_photo["exif_lon"] - lon) < 1e-4 and abs(lamp_photo["exif_lat"] - lat) < 1e-4

    housing = county.department("住建局")
    assert county.categories["urban.lamp"].default_department_id == housing
    act(centre, event_id, "accept")
    act(centre, event_id, "dispatch", {"lead_department": housing, "instruction": "请尽快整改"})
    handler = as_user("housing_handler")
    act(handler, event_id, "sign")
    act(
        handler,
        event_id,
        "submit_result",
        {"result": "已扶正灯杆并恢复照明"},
        photos=[photo("lamp-fixed.jpg")],
    )
    checked = act(
        as_user("tang_jiangping"),
        event_id,
        "check_pass",
        {"comment": "现场复核，路灯已恢复"},
        photos=[photo("lamp-checked.jpg", gps=LAMP_POINT)],
    )
    assert checked["state"] == "closed"

    final = detail(centre, event_id)
    assert photo_actions(final) == ["report", "submit_result", "check_pass"]
    assert [entry["actor"] for entry in final["trail"]] == [
        "tang_jiangping",
        "village_1_operator",
        "village_1_operator",
        "housing_handler",
        "housing_handler",
        "tang_jiangping",
    ]
    public = client.get(f"/api/track/{final['tracking_code']}").json()
    assert public["state"] == "closed"
    assert [p["action"] for p in public["photos"]] == ["report", "submit_result"]
    for item in public["photos"]:
        assert client.get(item["url"]).status_code == 200
