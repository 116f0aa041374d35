"""My tasks: what the state table lets a grid worker do now, in their scope, own grids first."""

from tests.conftest import make_user
from tests.fieldwork.conftest import T1_NORTH, T1_SOUTH, T2_NORTH
from wangge.accounts.models import Role
from wangge.events.choices import Channel, State
from wangge.events.services import perform, report_event
from wangge.fieldwork.todo import TASK_STATES, my_tasks


def _names(tasks):
    return [(t.event.title, [a.name for a in t.actions], t.in_my_grid) for t in tasks]


def test_task_states_come_from_the_state_table():
    assert set(TASK_STATES) == {State.VERIFYING, State.SUBMITTED}


def test_tasks_are_scoped_and_own_grids_come_first(verifying, assigned):
    verifying(T1_SOUTH, "南边")
    verifying(T1_NORTH, "北边")
    verifying(T2_NORTH, "二号镇", operator="township_2_operator")
    tasks = my_tasks(assigned["grid_worker_1"])
    assert _names(tasks) == [("北边", ["verify"], True), ("南边", ["verify"], False)]
    assert _names(my_tasks(assigned["grid_worker_2"])) == [("二号镇", ["verify"], True)]


def test_self_handled_reports_are_checked_by_someone_else(assigned, hazard):
    worker = assigned["grid_worker_1"]
    event = report_event(
        channel=Channel.GRID_WORKER,
        category=hazard,
        title="已清理垃圾",
        lon=T1_NORTH[0],
        lat=T1_NORTH[1],
        reporter=worker,
        self_handled=True,
        result="已清理",
    ).event
    assert event.state == State.SUBMITTED
    assert my_tasks(worker) == []
    colleague = make_user("colleague", Role.GRID_WORKER, assigned.village_1_centre)
    assert _names(my_tasks(colleague)) == [("已清理垃圾", ["check_pass", "check_fail"], False)]


def test_every_offered_action_is_accepted_by_perform(verifying, assigned, as_user):
    event = verifying(T1_NORTH, "<script>alert(1)</script>")
    worker = as_user("grid_worker_1")
    [task] = worker.get("/api/field/tasks").json()
    assert task["title"] == "<script>alert(1)</script>"
    assert [a["name"] for a in task["actions"]] == ["verify"]
    response = worker.post(
        f"/api/events/{event.pk}/actions/verify",
        {"findings": "属实", "expected_version": task["version"]},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert worker.get("/api/field/tasks").json() == []


def test_a_checked_task_leaves_the_list(assigned, hazard):
    other = assigned["grid_worker_2"]
    event = report_event(
        channel=Channel.GRID_WORKER,
        category=hazard,
        title="二号镇自处置",
        lon=T2_NORTH[0],
        lat=T2_NORTH[1],
        reporter=other,
        self_handled=True,
        result="已处理",
    ).event
    # grid_worker_1 cannot see township 2; the township operator checks it instead.
    assert my_tasks(assigned["grid_worker_1"]) == []
    perform(event.pk, "check_pass", assigned["township_2_operator"])
    assert my_tasks(other) == []
