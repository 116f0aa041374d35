"""The operator's desk tools: export, print forms, batch actions, hotline intake, reclassify,
merge by tracking code, sort and pages, remembered filters; every page by role and scope."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from tests.web.console.conftest import VILLAGE_1_POINT, VILLAGE_2_POINT
from wangge.basedata.models import ExportLog
from wangge.errors import DomainError
from wangge.events.choices import Channel, Priority, State, Step
from wangge.events.models import CardLevel, Clock, Event, TrailEntry
from wangge.events.services import perform
from wangge.web.console.paging import REMEMBERED

OPERATORS = ["county_operator", "township_1_operator", "village_1_operator"]
NOT_OPERATORS = [
    "department_handler",
    "grid_worker_1",
    "leader",
    "system_admin",
    "security_admin",
    "audit_admin",
    "citizen",
]


def _login(client, cast, name):
    client.force_login(cast[name])
    return client


def _snapshot(event: Event) -> tuple:
    event.refresh_from_db()
    clocks = list(Clock.objects.filter(event=event).values_list("step", "due_at", "stopped_at"))
    return (event.state, event.version, event.category_id, event.priority, clocks)


# ---------------------------------------------------------------- pages by role


def _pages(event: Event) -> list[tuple[str, str]]:
    base = f"/console/events/{event.pk}"
    return [
        ("get", "/console/export.xlsx"),
        ("get", "/console/hotline/"),
        ("get", "/console/hotline/places/?q=一村"),
        ("get", "/console/events/lookup/?q=人行道"),
        ("get", f"{base}/print/dispatch/"),
        ("get", f"{base}/print/supervise/"),
        ("get", f"{base}/print/close/"),
        ("post", "/console/batch/"),
    ]


def test_every_desk_page_by_role(cast, client, report):
    event = report()
    before = _snapshot(event)
    logs = ExportLog.objects.count()
    for method, path in _pages(event):
        client.logout()
        response = getattr(client, method)(path, {"ids": [event.pk], "action": "accept"})
        assert response.status_code == 302 and response["Location"].startswith("/login/"), path
        for name in NOT_OPERATORS:
            _login(client, cast, name)
            response = getattr(client, method)(path, {"ids": [event.pk], "action": "accept"})
            assert response.status_code == 403, (path, name)
        for name in ("county_operator", "township_1_operator"):
            _login(client, cast, name)
            if method == "get":
                assert client.get(path).status_code == 200, (path, name)
    assert _snapshot(event) == before
    assert ExportLog.objects.count() == logs + 2  # the two in-scope operators' exports


def test_out_of_scope_operator_sees_nothing_of_the_event(cast, client, report):
    event = report(title="一号镇的事件")
    before = _snapshot(event)
    _login(client, cast, "township_2_operator")
    for form in ("dispatch", "supervise", "close"):
        assert client.get(f"/console/events/{event.pk}/print/{form}/").status_code == 404
    assert "一号镇的事件" not in client.get("/console/events/lookup/?q=一号镇").content.decode()
    book = load_workbook(io.BytesIO(client.get("/console/export.xlsx").content))
    assert book.active.max_row == 1  # the header only
    response = client.post("/console/batch/", {"ids": [event.pk], "action": "accept"})
    assert response.status_code == 200 and "不在您的管辖范围内" in response.content.decode()
    assert _snapshot(event) == before


def test_bad_desk_input_is_400(cast, client, report):
    event = report()
    _login(client, cast, "village_1_operator")
    assert client.get(f"/console/events/{event.pk}/print/bogus/").status_code == 400
    assert client.get("/console/export.xlsx?sort=bogus").status_code == 400
    assert client.get("/console/export.xlsx?state=bogus").status_code == 400
    assert (
        client.post("/console/batch/", {"ids": [event.pk], "action": "reject"}).status_code == 400
    )
    assert client.post("/console/batch/", {"ids": ["x"], "action": "accept"}).status_code == 400
    assert client.post("/console/batch/", {"action": "accept"}).status_code == 400
    assert (
        client.post("/console/batch/", {"ids": list(range(1, 102)), "action": "accept"}).status_code
        == 400
    )
    assert _snapshot(event)[0] == State.REPORTED


# ---------------------------------------------------------------- export


def test_export_holds_the_filtered_rows_masked_and_is_logged(cast, client, report, categories):
    report(title="占道一", reporter_name="张三丰", reporter_phone="13812345678")
    report(title="占道二", reporter_name="李四", reporter_phone="13900001111")
    report(title="噪音", category=categories.noise.pk)
    report(point=VILLAGE_2_POINT, title="二号镇占道")
    _login(client, cast, "township_1_operator")
    response = client.get(f"/console/export.xlsx?category={categories.urban.pk}&sort=oldest")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0][:2] == ("查询码", "标题")
    assert [r[1] for r in rows[1:]] == ["占道一", "占道二"]
    assert rows[1][10:12] == ("张**", "138****5678")
    body = response.content.decode("latin-1")
    assert "13812345678" not in body and "张三丰" not in body
    log = ExportLog.objects.get()
    assert log.user == cast["township_1_operator"] and log.category == "events.queue"
    assert log.rows == 2 and log.format == "xlsx"
    assert log.filters["category"] == [str(categories.urban.pk)] and log.filters["sort"] == "oldest"


# ---------------------------------------------------------------- print forms


def test_print_forms_show_the_code_and_card_level(cast, client, dispatched):
    event = dispatched()
    Clock.objects.filter(event=event, stopped_at__isnull=True).update(card_level=CardLevel.YELLOW)
    _login(client, cast, "village_1_operator")
    for form, title in (("dispatch", "派遣单"), ("supervise", "督办通知书"), ("close", "结案单")):
        response = client.get(f"/console/events/{event.pk}/print/{form}/")
        page = response.content.decode()
        assert response.status_code == 200
        assert title in page and event.tracking_code in page, form
        assert "黄牌" in page, form
    assert (
        cast.department.name
        in client.get(f"/console/events/{event.pk}/print/dispatch/").content.decode()
    )


# ---------------------------------------------------------------- batch


def test_batch_dispatch_one_result_per_row_and_a_failing_row_untouched(cast, client, report):
    operator = cast["village_1_operator"]
    events = [report(title=f"批量{i}") for i in range(5)]
    for event in events[:4]:
        perform(event.pk, "accept", operator)
    failing = events[4]  # still reported: dispatch is refused for it alone
    before = _snapshot(failing)
    _login(client, cast, "village_1_operator")
    data = {
        "action": "dispatch",
        "ids": [e.pk for e in events],
        "lead_department": cast.department.pk,
        "instruction": "批量派遣",
    }
    response = client.post("/console/batch/", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('class="ok"') == 4 and page.count('class="failed"') == 1
    assert "不能派遣" in page
    for event in events[:4]:
        event.refresh_from_db()
        assert event.state == State.DISPATCHED and event.current_unit == cast.department
    assert _snapshot(failing) == before
    assert not TrailEntry.objects.filter(event=failing, action="dispatch").exists()


def test_batch_accept_and_the_bar_lists_the_tables_batch_actions(cast, client, report):
    events = [report(title=f"受理{i}") for i in range(3)]
    _login(client, cast, "village_1_operator")
    page = client.get("/console/").content.decode()
    assert 'id="batch"' in page and 'value="accept"' in page and 'value="dispatch"' in page
    assert page.count('name="ids"') == 3
    client.post("/console/batch/", {"action": "accept", "ids": [e.pk for e in events]})
    assert set(Event.objects.values_list("state", flat=True)) == {State.ACCEPTED}


# ---------------------------------------------------------------- hotline intake


def _call(categories, key="k-1", **extra) -> dict:
    lon, lat = VILLAGE_1_POINT
    data = {
        "key": key,
        "caller_name": "王五",
        "caller_phone": "13700001234",
        "category": categories.street.pk,
        "priority": Priority.URGENT,
        "title": "来电：路口占道",
        "description": "早市摊位占满人行道",
        "address": "一村东路口",
        "lon": lon,
        "lat": lat,
    }
    return data | extra


def test_hotline_double_submit_makes_one_event(cast, client, categories):
    _login(client, cast, "county_operator")
    form = client.get("/console/hotline/").content.decode()
    assert 'name="key"' in form and "来电人" in form
    first = client.post("/console/hotline/", _call(categories))
    second = client.post("/console/hotline/", _call(categories))
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    event = Event.objects.get()
    assert event.channel == Channel.HOTLINE and event.priority == Priority.URGENT
    assert event.reporter_name == "王五" and event.idempotency_key == "hotline:k-1"


def test_hotline_shows_duplicates_before_saving(cast, client, categories, report):
    earlier = report(title="早上已报的占道")
    report(title="五天前的占道", now=timezone.now() - timedelta(days=5))
    report(title="别的分类", category=categories.noise.pk)
    _login(client, cast, "county_operator")
    response = client.post("/console/hotline/", _call(categories, key="k-2"))
    page = response.content.decode()
    assert response.status_code == 200 and Event.objects.count() == 3
    assert earlier.tracking_code in page and "确认新建" in page
    assert "五天前的占道" not in page and "别的分类" not in page
    response = client.post("/console/hotline/", _call(categories, key="k-2", confirm="1"))
    assert response.status_code == 302 and Event.objects.count() == 4


def test_hotline_duplicates_stay_in_scope(cast, client, categories, report):
    near = report(title="一村的占道")
    Event.objects.filter(pk=near.pk).update(region_code="211421101299")  # outside township 1
    _login(client, cast, "township_1_operator")
    response = client.post("/console/hotline/", _call(categories, key="k-3"))
    assert response.status_code == 302 and Event.objects.count() == 2


def test_hotline_outside_the_operators_scope_is_refused(cast, client, categories):
    _login(client, cast, "township_2_operator")
    response = client.post("/console/hotline/", _call(categories, key="k-4"))
    assert response.status_code == 403 and Event.objects.count() == 0


@pytest.mark.parametrize(
    "bad",
    [{"lon": "east"}, {"category": "x"}, {"priority": "high"}, {"key": ""}, {"title": "长" * 201}],
)
def test_bad_hotline_input_is_400_and_saves_nothing(cast, client, categories, bad):
    _login(client, cast, "county_operator")
    response = client.post("/console/hotline/", _call(categories) | bad)
    assert response.status_code == 400 and Event.objects.count() == 0


def test_hotline_outside_every_grid_is_refused(cast, client, categories):
    _login(client, cast, "county_operator")
    response = client.post("/console/hotline/", _call(categories, lon=100.0, lat=30.0))
    assert 400 <= response.status_code < 500 and Event.objects.count() == 0


def test_places_search_finds_villages_and_grids_in_scope(cast, client):
    _login(client, cast, "township_1_operator")
    found = client.get("/console/hotline/places/?q=网格").json()["places"]
    assert {p["label"] for p in found} == {"一村第一网格", "一村第二网格"}


# ---------------------------------------------------------------- reclassify


def test_reclassify_writes_the_trail_and_recomputes_the_clock(cast, client, report, categories):
    event = report()  # street, normal: accept limited to 30 minutes
    operator = cast["village_1_operator"]
    perform(event.pk, "accept", operator)  # dispatch clock: 1 working day
    clock = Clock.objects.get(event=event, step=Step.DISPATCH)
    limit = categories.noise.limits.get(step=Step.DISPATCH, priority=Priority.URGENT)
    limit.amount, limit.unit = 2, "minutes"
    limit.save()  # saving a limit renews the reference snapshot
    _login(client, cast, "village_1_operator")
    event.refresh_from_db()
    data = {
        "version": event.version,
        "category": categories.noise.pk,
        "priority": "urgent",
        "reason": "实为噪音扰民",
    }
    response = client.post(f"/console/events/{event.pk}/act/reclassify/", data)
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.category == categories.noise and event.priority == Priority.URGENT
    assert event.state == State.ACCEPTED
    entry = TrailEntry.objects.filter(event=event).latest("sequence")
    assert entry.action == "reclassify" and entry.comment == "实为噪音扰民"
    assert entry.payload["from_category"] == categories.street.pk
    assert entry.payload["to_priority"] == "urgent"
    relimited = Clock.objects.get(pk=clock.pk)
    assert relimited.due_at == clock.started_at + timedelta(minutes=2)
    assert relimited.limit_amount == 2 and relimited.event_category_id == categories.noise.pk


@pytest.mark.parametrize("who", ["township_2_operator", "department_handler", "county_operator"])
def test_reclassify_refused_out_of_scope_or_wrong_role_or_not_holder(cast, report, categories, who):
    event = report()
    before = _snapshot(event)
    with pytest.raises(DomainError) as refused:
        perform(
            event.pk,
            "reclassify",
            cast[who],
            category=categories.noise.pk,
            priority="urgent",
            reason="r",
        )
    assert refused.value.status == 403
    assert _snapshot(event) == before


def test_reclassify_refused_on_a_closed_event_and_without_change(cast, report, categories):
    event = report()
    operator = cast["village_1_operator"]
    with pytest.raises(DomainError) as same:
        perform(
            event.pk,
            "reclassify",
            operator,
            category=categories.street.pk,
            priority="normal",
            reason="r",
        )
    assert same.value.code == "invalid_field"
    with pytest.raises(DomainError) as bad:
        perform(
            event.pk,
            "reclassify",
            operator,
            category=categories.street.pk,
            priority="x",
            reason="r",
        )
    assert bad.value.code == "invalid_field"
    Event.objects.filter(pk=event.pk).update(state=State.CLOSED, closed_at=timezone.now())
    before = _snapshot(event)
    with pytest.raises(DomainError) as closed:
        perform(
            event.pk,
            "reclassify",
            operator,
            category=categories.noise.pk,
            priority="urgent",
            reason="r",
        )
    assert closed.value.code == "state_conflict"
    assert _snapshot(event) == before


# ---------------------------------------------------------------- merge by tracking code


def test_merge_by_tracking_code_with_lookup(cast, client, report):
    target = report(title="原始事件：早市占道")
    event = report(title="重复上报")
    _login(client, cast, "village_1_operator")
    options = client.get(f"/console/events/lookup/?target_event={target.tracking_code[:5]}")
    assert f'value="{target.tracking_code}"' in options.content.decode()
    assert target.tracking_code in client.get("/console/events/lookup/?q=早市").content.decode()
    page = client.get(f"/console/events/{event.pk}/").content.decode()
    assert 'name="target_event"' in page and 'list="target_event-options"' in page
    data = {"version": event.version, "target_event": target.tracking_code.lower()}
    assert client.post(f"/console/events/{event.pk}/act/merge/", data).status_code == 302
    event.refresh_from_db()
    assert event.state == State.MERGED and event.merged_into == target


def test_merge_refuses_an_unknown_or_out_of_scope_code(cast, client, report):
    other = report(point=VILLAGE_2_POINT)
    event = report()
    _login(client, cast, "village_1_operator")
    for code in ("NOPE", str(other.pk), other.tracking_code):
        response = client.post(
            f"/console/events/{event.pk}/act/merge/", {"version": 0, "target_event": code}
        )
        assert response.status_code == 400, code
    event.refresh_from_db()
    assert event.state == State.REPORTED


# ---------------------------------------------------------------- sort, pages, remembered filters


def test_sorts_pages_and_total(cast, client, report):
    now = timezone.now()
    for i in range(33):
        report(title=f"事件{i:02d}", now=now - timedelta(minutes=i))
    report(title="特急", priority=Priority.EMERGENCY, now=now - timedelta(hours=5))
    _login(client, cast, "village_1_operator")
    page = client.get("/console/queue/?state=live").content.decode()
    assert "共 34 条，2 页" in page and "事件00" in page and "事件31" not in page
    assert 'aria-current="page">1<' in page and "page=2" in page
    # The whole scope (在办); 我的待办 keeps its nearest-deadline order.
    second = client.get("/console/queue/?state=live&page=2").content.decode()
    assert "事件31" in second and "特急" in second and "事件00" not in second
    by_priority = client.get("/console/queue/?state=live&sort=priority").content.decode()
    assert by_priority.index("特急") < by_priority.index("事件00")
    oldest = client.get("/console/queue/?state=live&sort=oldest").content.decode()
    assert oldest.index("特急") < oldest.index("事件32")
    by_deadline = client.get("/console/queue/?state=live&sort=deadline").content.decode()
    assert by_deadline.index("特急") < by_deadline.index("事件32") < by_deadline.index("事件04")
    assert "事件00" not in by_deadline  # the latest deadline is on the second page
    assert client.get("/console/queue/?state=live&sort=bogus").status_code == 400


def test_filters_are_remembered_per_user(cast, client, report, categories):
    report(title="占道事件")
    report(title="噪音事件", category=categories.noise.pk)
    _login(client, cast, "village_1_operator")
    client.get(f"/console/queue/?state=live&category={categories.noise.pk}&sort=oldest&page=1")
    assert client.session[REMEMBERED] == f"state=live&category={categories.noise.pk}&sort=oldest"
    page = client.get("/console/").content.decode()
    assert "噪音事件" in page and "占道事件" not in page
    assert f'<option value="{categories.noise.pk}" selected>' in page
    reset = client.get("/console/?reset=1").content.decode()
    assert "占道事件" in reset and REMEMBERED not in client.session
    other = _login(client, cast, "county_operator").get("/console/?state=live").content.decode()
    assert "占道事件" in other
