"""One operation per action of the state table, each calling perform and mapping its errors."""

import pytest

from tests.events.api.conftest import VILLAGE_2_POINT
from wangge.events.models import Event
from wangge.events.workflow import ACTIONS
from wangge.routes import api

STAFF_ACTIONS = [name for name, spec in ACTIONS.items() if not spec.intake]


def _post(client, event, action, body=None):
    return client.post(
        f"/api/events/{event.pk}/actions/{action}", body or {}, content_type="application/json"
    )


def _unchanged(event) -> None:
    fresh = Event.objects.get(pk=event.pk)
    assert (fresh.state, fresh.version) == (event.state, event.version)
    assert fresh.trail.count() == 1


def test_accept_moves_the_event_and_records_the_trail(as_user, report):
    event = report()
    response = _post(as_user("village_1_operator"), event, "accept", {"comment": "收到"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "accepted" and body["version"] == event.version + 1
    assert body["entry"]["action"] == "accept" and body["entry"]["from_state"] == "reported"
    assert Event.objects.get(pk=event.pk).state == "accepted"


def test_second_accept_is_a_conflict(as_user, report):
    event = report()
    client = as_user("village_1_operator")
    assert _post(client, event, "accept").status_code == 200
    response = _post(client, event, "accept")
    assert response.status_code == 409 and response.json()["code"] == "state_conflict"


def test_stale_expected_version_is_a_conflict(as_user, report):
    event = report()
    response = _post(
        as_user("village_1_operator"), event, "accept", {"expected_version": event.version + 5}
    )
    assert response.status_code == 409 and response.json()["code"] == "state_conflict"
    _unchanged(event)


def test_operator_of_another_township_is_refused(as_user, report):
    event = report()
    response = _post(as_user("township_2_operator"), event, "accept")
    assert response.status_code == 403
    assert response.json()["code"] in ("out_of_scope", "forbidden")
    _unchanged(event)


@pytest.mark.parametrize("user", ["citizen", "department_handler", "audit_admin"])
def test_wrong_role_is_refused(as_user, report, user):
    event = report()
    response = _post(as_user(user), event, "accept")
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    _unchanged(event)


def test_anonymous_caller_is_refused(client, report):
    event = report()
    assert _post(client, event, "accept").status_code == 401
    _unchanged(event)


def test_missing_required_field(as_user, report):
    event = report()
    response = _post(as_user("village_1_operator"), event, "reject", {"reason": "   "})
    assert response.status_code == 400
    assert response.json()["code"] in ("missing_field", "invalid_input")
    response = _post(as_user("village_1_operator"), event, "reject")
    assert response.status_code == 400 and response.json()["code"] == "invalid_input"
    _unchanged(event)


def test_unknown_field_is_refused(as_user, report):
    event = report()
    response = _post(as_user("village_1_operator"), event, "accept", {"state": "closed"})
    assert response.status_code == 400 and response.json()["code"] == "invalid_input"
    _unchanged(event)


def test_missing_event(as_user, db, cast):
    response = as_user("county_operator").post(
        "/api/events/987654/actions/accept", {}, content_type="application/json"
    )
    assert response.status_code == 404 and response.json()["code"] == "event_not_found"


def test_unknown_action_has_no_route(as_user, report):
    event = report(point=VILLAGE_2_POINT)
    for action in ("report", "fly_away"):
        response = _post(as_user("county_operator"), event, action)
        assert response.status_code in (404, 405)


def test_every_action_is_its_own_documented_operation():
    schema = api.get_openapi_schema(path_prefix="/api/")
    bodies = set()
    for name in STAFF_ACTIONS:
        operation = schema["paths"][f"/api/events/{{event_id}}/actions/{name}"]["post"]
        ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        body = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]
        spec = ACTIONS[name]
        assert set(body.get("required", [])) == {f.name for f in spec.required_fields}
        assert set(body["properties"]) == {f.name for f in spec.fields} | {"expected_version"}
        bodies.add(ref)
    assert len(bodies) == len(STAFF_ACTIONS)
    public = {name for name, spec in ACTIONS.items() if spec.public}
    tracked = {p.rsplit("/", 1)[-1] for p in schema["paths"] if p.startswith("/api/track/{")}
    assert tracked - {"{tracking_code}"} == public
