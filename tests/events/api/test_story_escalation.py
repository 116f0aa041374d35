"""Seed 002, "无法解决的'难事'层层向上呼叫", replayed through the HTTP API.

A neighbours' dispute found by a grid worker cannot be settled in the village: the village
centre escalates it to the township centre, which cannot settle it either and escalates it
to the county centre; the county dispatches it to the police, who settle it, and the
county closes it. At every step we check who sees the event (data scope: the region
subtree of the viewer's unit, whoever holds it), who holds it and who may act on it.
"""

from tests.events.api.conftest import VILLAGE_1_POINT
from tests.events.api.story_kit import act, detail, listed_ids, refused, set_up_county

# Inside the region subtree of 一村 / 一号镇 / the county, or with the county's scope.
SEE = [
    "county_operator",
    "township_1_operator",
    "village_1_operator",
    "grid_worker_1",
    "leader",
    "department_handler",
    "police_handler",
]
# Staff of the other township: the event is not theirs to see at any step.
BLIND = ["township_2_operator", "grid_worker_2"]


def _check_visibility(as_user, event_id: int) -> None:
    for name in SEE:
        client = as_user(name)
        assert event_id in listed_ids(client), name
        assert client.get(f"/api/events/{event_id}").status_code == 200, name
    for name in BLIND:
        client = as_user(name)
        assert event_id not in listed_ids(client), name
        response = client.get(f"/api/events/{event_id}")
        assert (response.status_code, response.json()["code"]) == (404, "event_not_found"), name
        assert refused(client, event_id, "escalate", {"reason": "x"})[0] == 403, name


def _holder(as_user, event_id: int, unit) -> None:
    """The event is held by `unit`; its running centre clock is that unit's."""
    event = detail(as_user("county_operator"), event_id)
    assert event["current_unit"] == {"id": unit.pk, "name": unit.name}
    running = [c for c in event["clocks"] if c["stopped_at"] is None]
    assert [(c["step"], c["unit"]) for c in running] == [("dispatch", unit.name)]
    assert event_id in listed_ids(as_user("county_operator"), unit=unit.pk)


def test_a_dispute_rises_from_village_to_township_to_county(cast, as_user):
    county = set_up_county(cast)
    lon, lat = VILLAGE_1_POINT
    reported = as_user("grid_worker_1").post(
        "/api/events",
        {
            "channel": "grid_worker",
            "category": county.category("dispute"),
            "title": "两户村民因宅基地边界发生纠纷",
            "lon": lon,
            "lat": lat,
        },
        content_type="application/json",
    )
    assert reported.status_code == 201, reported.content
    event_id = reported.json()["id"]
    village = as_user("village_1_operator")
    township = as_user("township_1_operator")
    centre = as_user("county_operator")

    # The village centre receives it, has it verified and tries to settle it.
    assert detail(village, event_id)["current_unit"]["name"] == "一村综治中心"
    assert refused(township, event_id, "accept") == (403, "forbidden")
    act(village, event_id, "accept")
    act(village, event_id, "request_verification", {"instruction": "请核实纠纷情况"})
    act(as_user("grid_worker_1"), event_id, "verify", {"findings": "属实，村调委会调解未果"})
    _check_visibility(as_user, event_id)

    act(village, event_id, "escalate", {"reason": "村级调解不成，请镇综治中心协调"})
    _holder(as_user, event_id, cast.township_1_centre)
    _check_visibility(as_user, event_id)
    assert refused(village, event_id, "escalate", {"reason": "再次上报"}) == (403, "forbidden")
    assert refused(village, event_id, "dispatch", {"lead_department": 1}) == (403, "forbidden")

    act(township, event_id, "escalate", {"reason": "涉及多方，镇级无法化解，提请县级处理"})
    _holder(as_user, event_id, cast.county_centre)
    _check_visibility(as_user, event_id)
    assert refused(township, event_id, "escalate", {"reason": "x"}) == (403, "forbidden")
    assert refused(centre, event_id, "escalate", {"reason": "x"}) == (409, "no_higher_centre")

    police = county.department("公安局")
    act(centre, event_id, "dispatch", {"lead_department": police, "instruction": "请依法调处"})
    handler = as_user("police_handler")
    act(handler, event_id, "sign")
    act(handler, event_id, "submit_result", {"result": "县级联合调解，双方达成书面协议"})
    assert refused(township, event_id, "check_pass") == (403, "forbidden")
    assert act(centre, event_id, "check_pass")["state"] == "closed"
    _check_visibility(as_user, event_id)

    trail = detail(centre, event_id)["trail"]
    assert [(t["action"], t["actor"], t["actor_unit"]) for t in trail] == [
        ("report", "grid_worker_1", "一村综治中心"),
        ("accept", "village_1_operator", "一村综治中心"),
        ("request_verification", "village_1_operator", "一村综治中心"),
        ("verify", "grid_worker_1", "一村综治中心"),
        ("escalate", "village_1_operator", "一村综治中心"),
        ("escalate", "township_1_operator", "一号镇综治中心"),
        ("dispatch", "county_operator", "绥中县综治中心"),
        ("sign", "police_handler", "公安局"),
        ("submit_result", "police_handler", "公安局"),
        ("check_pass", "county_operator", "绥中县综治中心"),
    ]
    escalations = [t for t in trail if t["action"] == "escalate"]
    assert [t["payload"]["centre"] for t in escalations] == [
        cast.township_1_centre.pk,
        cast.county_centre.pk,
    ]
    assert escalations[0]["comment"] == "村级调解不成，请镇综治中心协调"
    assert all(t["from_state"] == t["to_state"] == "accepted" for t in escalations)
