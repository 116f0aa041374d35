"""Seed 000, the manure trucks, replayed through the HTTP API.

A caller tells the 惠民一号通 / 12345 hotline that uncovered manure trucks leave a strong
smell along the road. The hotline system passes the case to the county centre, which
sends a community grid worker to check on site; the road pollution turns out to be the
transport department's business, so the centre dispatches it to 交通局 with the
instruction "请认真调查，及时整顿". 交通局 signs, posts officers at the main crossings
(first a warning, then penalties) and reports back with a photo; the centre checks and
closes the case, and calls the caller back (回访) to record the rating.
"""

from django.test import Client

from tests.conftest import make_user
from tests.events.api.conftest import VILLAGE_1_POINT
from tests.events.api.story_kit import act, detail, photo, photo_actions, refused, set_up_county
from wangge.accounts.models import Role
from wangge.accounts.services import issue_token

INSTRUCTION = "请认真调查，及时整顿"
CALLER_PHONE = "13904291234"


def test_manure_truck_complaint_from_the_hotline_to_the_return_visit(client, cast, as_user):
    county = set_up_county(cast)
    machine = make_user("hotline_12345", Role.OPERATOR, cast.county_centre)
    hotline = Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(machine, '12345 热线对接')}")
    lon, lat = VILLAGE_1_POINT
    case = {
        "external_case_id": "HM-2018-04-0117",
        "category": county.category("livelihood.road"),
        "title": "拉粪车防护措施不严，沿路气味很大",
        "description": "县里有几辆拉粪的车，车上防护不严，导致周围产生很大的气味。",
        "lon": lon,
        "lat": lat,
        "caller_name": "刘女士",
        "caller_phone": CALLER_PHONE,
    }
    received = hotline.post("/api/hotline/events", case, "application/json")
    assert received.status_code == 201, received.content
    event_id = received.json()["id"]
    resent = hotline.post("/api/hotline/events", case, "application/json")
    assert (resent.status_code, resent.json()["id"]) == (200, event_id)

    centre = as_user("county_operator")
    arrived = detail(centre, event_id)
    assert arrived["channel"] == "hotline" and arrived["state"] == "reported"
    assert arrived["current_unit"]["name"] == "绥中县综治中心", "the hotline feeds the county"
    assert arrived["reporter_phone"] == "139****1234"

    act(centre, event_id, "accept", {"comment": "12345 转来，已受理"})
    act(centre, event_id, "request_verification", {"instruction": "请社区网格员现场检测"})
    verified = act(
        as_user("grid_worker_1"),
        event_id,
        "verify",
        {"findings": "经现场确认，道路污染属交通道路稽查部门管辖"},
        photos=[photo("road.jpg", gps=VILLAGE_1_POINT)],
    )
    assert verified["state"] == "accepted" and len(verified["attachments"]) == 1

    transport = county.department("交通局")
    act(centre, event_id, "dispatch", {"lead_department": transport, "instruction": INSTRUCTION})
    handler = as_user("transport_handler")
    assert refused(as_user("department_handler"), event_id, "sign") == (403, "forbidden")
    act(handler, event_id, "sign", {"comment": "已部署道路稽查处"})
    act(
        handler,
        event_id,
        "submit_result",
        {"result": "已在各主要交通路口部署执法人员：首次警告，再次发现依法依规处理"},
        photos=[photo("checkpoint.jpg")],
    )
    assert act(centre, event_id, "check_pass", {"comment": "气味问题已消除"})["state"] == "closed"

    # Hotline cases are rated on the return visit (回访) by the centre, not by the caller.
    visit = {"rating": "satisfied", "comment": "回访：来电人表示已无异味"}
    assert refused(as_user("village_1_operator"), event_id, "evaluate", visit) == (
        403,
        "forbidden",
    )
    act(centre, event_id, "evaluate", visit)
    assert refused(centre, event_id, "evaluate", visit) == (409, "already_rated")

    final = detail(centre, event_id)
    assert final["state"] == "closed" and final["rating"] == "satisfied"
    [part] = final["parts"]
    assert part["department"] == {"id": transport, "name": "交通局"}
    assert part["role"] == "lead" and part["instruction"] == INSTRUCTION
    assert part["result"].startswith("已在各主要交通路口部署执法人员")
    trail = [(entry["action"], entry["actor_unit"]) for entry in final["trail"]]
    assert trail == [
        ("report", "绥中县综治中心"),
        ("accept", "绥中县综治中心"),
        ("request_verification", "绥中县综治中心"),
        ("verify", "一村综治中心"),
        ("dispatch", "绥中县综治中心"),
        ("sign", "交通局"),
        ("submit_result", "交通局"),
        ("check_pass", "绥中县综治中心"),
        ("evaluate", "绥中县综治中心"),
    ]
    dispatch_entry = final["trail"][4]
    assert dispatch_entry["comment"] == INSTRUCTION
    assert dispatch_entry["payload"]["lead_department"] == transport
    assert final["trail"][-1]["payload"]["rating"] == "satisfied"
    assert photo_actions(final) == ["verify", "submit_result"]
    assert all(clock["stopped_at"] for clock in final["clocks"])
    assert CALLER_PHONE not in str(final)

    # The caller's tracking code shows the result photo, never the on-site check's.
    public = client.get(f"/api/track/{final['tracking_code']}").json()
    assert public["rating"] == "satisfied"
    assert [p["action"] for p in public["photos"]] == ["submit_result"]
    assert "交通局" not in str(public) and CALLER_PHONE not in str(public)
