"""Every action the state table gives to leaders is offered on the leader's event page and
goes through from its form; refusals through the page change nothing.

Parametrised from workflow.ACTIONS: an action added for leaders (e.g. a manual 督办) is
tested here as soon as its row and its test data in test_state_table.FIELDS exist.
"""

import pytest

from tests.events.conftest import snapshot
from tests.events.test_state_table import ACTION_NAMES, arrange
from wangge.events.models import TrailEntry
from wangge.events.workflow import ACTIONS, Holder

LEADER_ACTIONS = [name for name in ACTION_NAMES if Holder.LEADER in ACTIONS[name].holders]


def _form_data(fields: dict) -> dict:
    return {name: str(value) for name, value in fields.items()}


def test_the_table_gives_leaders_the_shelve_decisions():
    assert {"approve_shelve", "deny_shelve", "unshelve"} <= set(LEADER_ACTIONS)


@pytest.mark.parametrize("action", LEADER_ACTIONS)
def test_a_leader_acts_from_the_leader_page(action, client, cast, categories, report):
    spec = ACTIONS[action]
    event, _, _, fields = arrange(action, spec.from_states[0], cast, categories, report)
    actor = cast["leader"]
    client.force_login(actor)
    page = client.get(f"/leader/events/{event.pk}/").content.decode()
    assert f'action="/leader/events/{event.pk}/act/{action}/"' in page
    answer = client.post(f"/leader/events/{event.pk}/act/{action}/", _form_data(fields))
    assert answer.status_code == 302 and answer["Location"] == f"/leader/events/{event.pk}/"
    assert TrailEntry.objects.filter(event=event, action=action, actor=actor).exists()


@pytest.mark.parametrize("action", [a for a in LEADER_ACTIONS if ACTIONS[a].required_fields])
def test_a_missing_field_is_refused_and_changes_nothing(action, client, cast, categories, report):
    spec = ACTIONS[action]
    event, _, _, _ = arrange(action, spec.from_states[0], cast, categories, report)
    before = snapshot(event.pk)
    client.force_login(cast["leader"])
    answer = client.post(f"/leader/events/{event.pk}/act/{action}/", {})
    assert answer.status_code == 400
    assert snapshot(event.pk) == before


@pytest.mark.parametrize("action", LEADER_ACTIONS)
def test_out_of_scope_and_wrong_roles_are_refused(
    action, client, cast, outsiders, categories, report
):
    spec = ACTIONS[action]
    event, _, _, fields = arrange(action, spec.from_states[0], cast, categories, report)
    before = snapshot(event.pk)
    url = f"/leader/events/{event.pk}/act/{action}/"
    client.force_login(outsiders["t2_leader"])
    assert client.post(url, _form_data(fields)).status_code == 404
    for name in ("county_operator", "department_handler", "grid_worker_1", "citizen"):
        client.force_login(cast[name])
        assert client.post(url, _form_data(fields)).status_code == 403, name
    client.logout()
    assert client.post(url, _form_data(fields))["Location"].startswith("/login/")
    assert snapshot(event.pk) == before
