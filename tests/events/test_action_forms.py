"""Every form built from the state table offers exactly the table's fields, a photo input
exactly when the row says `photos`, and a warning (red, confirmed) exactly when it says
`danger`: the console, the department workspace, the grid-worker app and the API's
per-action operations, for every action and every holder that has a page.

Each event is put in the action's first from-state by the state-table tests' setup; the
page is then read as the holder would read it."""

import re

import pytest

from tests.events.test_state_table import ACTION_NAMES, actor_for, place
from wangge.events.choices import Channel, State
from wangge.events.workflow import ACTIONS, Holder
from wangge.routes import api

PAGES = {
    Holder.CENTRE: "/console/events/{id}/",
    Holder.RETURN_VISIT: "/console/events/{id}/",
    Holder.LEAD_DEPARTMENT: "/department/events/{id}/",
    Holder.PART_DEPARTMENT: "/department/events/{id}/",
    Holder.GRID_WORKER: "/field/",
    Holder.UPPER_CENTRE: "/console/events/{id}/",
    Holder.LEADER: "/leader/events/{id}/",
}
CASES = [
    (name, holder) for name in ACTION_NAMES for holder in ACTIONS[name].holders if holder in PAGES
]
FORM = re.compile(
    r"<details[^>]*>\s*<summary(?P<summary>[^>]*)>.*?</summary>\s*"
    r"<form (?P<attrs>[^>]*)>(?P<body>.*?)</form>",
    re.DOTALL,
)
NAME = re.compile(r'<(?:input|textarea|select)[^>]*\bname="([^"]+)"')


def _forms(html: str) -> dict[str, dict]:
    """The action forms of a page by action name: their input names and warning marks."""
    forms = {}
    for match in FORM.finditer(html):
        action = re.search(r'action="[^"]*/([a-z_]+)/"', match["attrs"]).group(1)
        names = set(NAME.findall(match["body"])) - {"csrfmiddlewaretoken", "version"}
        forms[action] = {
            "names": names,
            "multipart": 'enctype="multipart/form-data"' in match["attrs"],
            "danger": "danger" in match["summary"],
            "confirm": "confirm(" in match["attrs"],
        }
    return forms


def _state_held_by(holder: Holder, states: tuple[State, ...]) -> State:
    """A department holds an event only once it has a part (from dispatch on)."""
    department = holder in (Holder.LEAD_DEPARTMENT, Holder.PART_DEPARTMENT)
    return State.HANDLING if department and states[0] == State.ACCEPTED else states[0]


@pytest.mark.parametrize(("action", "holder"), CASES)
def test_each_page_form_offers_the_tables_fields(action, holder, client, cast, categories, report):
    spec = ACTIONS[action]
    event = report(channel=Channel.HOTLINE) if holder == Holder.RETURN_VISIT else report()
    place(event, _state_held_by(holder, spec.from_states), cast, action, categories)
    actor, _ = actor_for(Holder.CENTRE if holder == Holder.RETURN_VISIT else holder, cast, event)
    client.force_login(actor)
    page = client.get(PAGES[holder].format(id=event.pk))
    assert page.status_code == 200

    form = _forms(page.content.decode())[action]

    photos = {"photos"} if spec.photos else set()
    assert form["names"] == {f.name for f in spec.fields} | photos
    assert form["multipart"] == spec.photos
    assert form["danger"] == form["confirm"] == spec.danger


def test_every_holder_with_a_page_is_covered():
    """Only reporters act elsewhere (the public tracking page)."""
    covered = {name for name, _ in CASES}
    elsewhere = {name for name in ACTION_NAMES if set(ACTIONS[name].holders) <= {Holder.REPORTER}}
    assert covered | elsewhere == set(ACTION_NAMES)
    assert elsewhere == {"withdraw"}


def _resolve(schema: dict, node: dict) -> dict:
    ref = node.get("$ref")
    return schema["components"]["schemas"][ref.rsplit("/", 1)[1]] if ref else node


@pytest.mark.parametrize("action", ACTION_NAMES)
def test_each_api_operation_takes_the_tables_fields(action):
    spec = ACTIONS[action]
    schema = api.get_openapi_schema(path_prefix="/api/")
    body = schema["paths"][f"/api/events/{{event_id}}/actions/{action}"]["post"]["requestBody"]
    fields = _resolve(schema, body["content"]["application/json"]["schema"])
    assert set(fields["properties"]) - {"expected_version"} == {f.name for f in spec.fields}
    assert ("multipart/form-data" in body["content"]) == spec.photos
    if spec.photos:
        form = body["content"]["multipart/form-data"]["schema"]
        assert set(form["properties"]) - set(fields["properties"]) == {"photos"}


def test_a_note_is_one_of_the_actions_text_fields():
    for spec in ACTIONS.values():
        assert spec.note in {f.name for f in spec.fields}, spec.name
        assert not spec.public_photos or spec.photos, spec.name
