"""The command console without a browser: roles x pages, scope, filters, actions, escaping."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.web.console.conftest import VILLAGE_2_POINT, XSS, jpeg_bytes
from wangge.events.choices import Priority, State
from wangge.events.models import Attachment, Event, TrailEntry
from wangge.events.workflow import ACTIONS, Holder

OPERATORS = ["county_operator", "township_1_operator", "village_1_operator"]
# Leaders read the console; their event page is the leader's (tests/web/leader).
NOT_OPERATORS = [
    "department_handler",
    "grid_worker_1",
    "system_admin",
    "security_admin",
    "audit_admin",
    "citizen",
]


def _get(client, user, path):
    client.force_login(user)
    return client.get(path)


def _titles(response) -> str:
    return response.content.decode()


# ---------------------------------------------------------------- roles x pages with arguments


def test_event_page_by_role_and_scope(cast, client, report):
    event = report()  # township 1, village 1
    path = f"/console/events/{event.pk}/"
    assert client.get(path)["Location"].startswith("/login/")
    for name in NOT_OPERATORS:
        assert _get(client, cast[name], path).status_code == 403, name
    for name in OPERATORS:
        assert _get(client, cast[name], path).status_code == 200, name
    assert _get(client, cast["township_2_operator"], path).status_code == 404
    assert _get(client, cast["county_operator"], "/console/events/999999/").status_code == 404


def test_action_endpoint_takes_only_posts(cast, client, report):
    event = report()
    path = f"/console/events/{event.pk}/act/accept/"
    assert client.post(path)["Location"].startswith("/login/")
    assert _get(client, cast["village_1_operator"], path).status_code == 405
    client.force_login(cast["department_handler"])
    assert client.post(path, {"version": event.version}).status_code == 403
    event.refresh_from_db()
    assert event.state == State.REPORTED


# ---------------------------------------------------------------- queue and counts


def test_queue_and_counts_stay_in_scope(cast, client, report):
    report(title="一号镇事件甲")
    report(title="一号镇事件乙", priority=Priority.URGENT)
    report(point=VILLAGE_2_POINT, title="二号镇事件")
    page = _titles(_get(client, cast["township_1_operator"], "/console/?state=live"))
    assert "一号镇事件甲" in page and "一号镇事件乙" in page
    assert "二号镇事件" not in page
    assert 'id="count-reported">2<' in page
    page = _titles(_get(client, cast["township_2_operator"], "/console/?state=live"))
    assert "二号镇事件" in page and "一号镇事件甲" not in page
    assert 'id="count-reported">1<' in page
    page = _titles(_get(client, cast["county_operator"], "/console/?state=live"))
    assert 'id="count-reported">3<' in page


def test_queue_partial_updates_counts_out_of_band(cast, client, report):
    report()
    response = _get(client, cast["county_operator"], "/console/queue/?state=reported")
    body = response.content.decode()
    assert 'id="count-reported" hx-swap-oob="true">1<' in body
    assert "人行道被占用" in body


def test_queue_filters(cast, client, report, categories):
    yesterday = timezone.now() - timedelta(days=1)
    report(title="噪音扰民事件", category=categories.noise.pk)
    report(title="特急事件", priority=Priority.EMERGENCY)
    report(title="昨天的事件", now=yesterday)
    client.force_login(cast["county_operator"])

    def shown(query: str) -> set[str]:
        body = client.get(f"/console/queue/?state=live&{query}").content.decode()
        return {t for t in ("噪音扰民事件", "特急事件", "昨天的事件") if t in body}

    assert shown("") == {"噪音扰民事件", "特急事件", "昨天的事件"}
    assert shown(f"category={categories.noise.pk}") == {"噪音扰民事件"}
    assert shown(f"category={categories.urban.pk}") == {"特急事件", "昨天的事件"}
    assert shown("priority=emergency") == {"特急事件"}
    assert shown("q=噪音") == {"噪音扰民事件"}
    today = timezone.localdate().isoformat()
    assert shown(f"from={today}") == {"噪音扰民事件", "特急事件"}
    assert shown(f"to={(timezone.localdate() - timedelta(days=1)).isoformat()}") == {"昨天的事件"}
    assert shown("state=closed") == set()
    assert shown("state=reported") == {"噪音扰民事件", "特急事件", "昨天的事件"}
    # Acceptance is limited to 30 minutes: only yesterday's report is past its deadline.
    assert shown("overdue=1") == {"昨天的事件"}
    assert shown("card_level=red") == set()


@pytest.mark.parametrize(
    "query",
    [
        "state=bogus",
        "priority=high",
        "card_level=purple",
        "category=abc",
        "category=-1",
        "from=2026-13-01",
        "to=yesterday",
        "page=0",
        "page=999",
        "q=" + "长" * 101,
    ],
)
def test_bad_filters_are_400(cast, client, query):
    client.force_login(cast["county_operator"])
    assert client.get(f"/console/?{query}").status_code == 400
    assert client.get(f"/console/queue/?{query}").status_code == 400


# ---------------------------------------------------------------- event page and actions


def test_event_page_offers_the_holders_actions_from_the_state_table(cast, client, report):
    event = report()
    expected = {
        spec.label
        for spec in ACTIONS.values()
        if State.REPORTED in spec.from_states and Holder.CENTRE in spec.holders
    }
    expected -= {
        ACTIONS["answer"].label,
        ACTIONS["delegate"].label,
        ACTIONS["direct"].label,
    }  # no direct answer; no lower centre

    def offered(name: str) -> set[str]:
        page = _get(client, cast[name], f"/console/events/{event.pk}/").content.decode()
        return {spec.label for spec in ACTIONS.values() if f">{spec.label}</summary>" in page}

    assert offered("village_1_operator") == expected
    # The county centre is not responsible for it: it may only command from above.
    command = {ACTIONS[name].label for name in ("take_over", "direct", "urge", "supervise")}
    assert offered("county_operator") == command


def test_dispatch_form_preselects_the_categorys_department(cast, client, report):
    event = report()
    client.force_login(cast["village_1_operator"])
    client.post(f"/console/events/{event.pk}/act/accept/", {"version": event.version})
    page = client.get(f"/console/events/{event.pk}/").content.decode()
    assert f'<option value="{cast.department.pk}" selected>' in page


def test_operator_accepts_and_dispatches_through_the_forms(cast, client, report):
    event = report()
    client.force_login(cast["village_1_operator"])
    response = client.post(f"/console/events/{event.pk}/act/accept/", {"version": event.version})
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.state == State.ACCEPTED
    response = client.post(
        f"/console/events/{event.pk}/act/dispatch/",
        {"version": event.version, "lead_department": cast.department.pk, "instruction": "尽快"},
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.state == State.DISPATCHED and event.current_unit == cast.department


@pytest.mark.parametrize(
    ("action", "data", "status"),
    [
        ("reject", {}, 400),  # reason is required
        ("merge", {"target_event": "abc"}, 400),
        ("accept", {"version": "999"}, 409),
        ("accept", {"version": "x"}, 400),
        ("check_pass", {}, 409),  # not in a state it can be taken from
        ("nonsense", {}, 404),
    ],
)
def test_refused_actions_change_nothing(cast, client, report, action, data, status):
    event = report()
    before = TrailEntry.objects.count()
    client.force_login(cast["village_1_operator"])
    response = client.post(f"/console/events/{event.pk}/act/{action}/", data)
    assert response.status_code == status
    event.refresh_from_db()
    assert event.state == State.REPORTED and event.version == 0
    assert TrailEntry.objects.count() == before


def test_out_of_scope_action_is_404_and_changes_nothing(cast, client, report):
    event = report(point=VILLAGE_2_POINT)
    client.force_login(cast["township_1_operator"])
    response = client.post(f"/console/events/{event.pk}/act/accept/", {"version": 0})
    assert response.status_code == 404
    event.refresh_from_db()
    assert event.state == State.REPORTED


def test_script_in_a_report_is_shown_as_text(cast, client, report, dispatched):
    event = report(title=XSS, description=XSS)
    client.force_login(cast["county_operator"])
    paths = ("/console/?state=live", "/console/queue/?state=live", f"/console/events/{event.pk}/")
    for path in paths:
        body = client.get(path).content.decode()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body, path
        assert XSS not in body, path
    work = dispatched(title=XSS)
    client.force_login(cast["department_handler"])
    for path in ("/department/", f"/department/events/{work.pk}/"):
        body = client.get(path).content.decode()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body and XSS not in body, path


# ---------------------------------------------------------------- photos


def test_event_pages_show_photos_through_the_scoped_download_endpoints(cast, client, dispatched):
    event = dispatched()
    handler = cast["department_handler"]
    client.force_login(handler)
    client.post(f"/department/events/{event.pk}/act/sign/", {"version": event.version})
    event.refresh_from_db()
    photo = SimpleUploadedFile("r.jpg", jpeg_bytes(), content_type="image/jpeg")
    client.post(
        f"/department/events/{event.pk}/act/submit_result/",
        {"version": event.version, "result": "已清理", "photos": photo},
    )
    item = Attachment.objects.get(event=event)
    original = f"/api/events/{event.pk}/attachments/{item.pk}"
    page = _get(client, cast["township_1_operator"], f"/console/events/{event.pk}/")
    html = page.content.decode()
    assert f'href="{original}"' in html and f'src="{original}/thumbnail"' in html
    for path in (original, original + "/thumbnail"):
        response = _get(client, cast["township_1_operator"], path)
        assert response.status_code == 200 and response["Content-Type"].startswith("image/")
        assert _get(client, cast["township_2_operator"], path).status_code == 404
        assert _get(client, cast["citizen"], path).status_code == 403
        assert _get(client, cast["department_handler"], path).status_code == 200


@pytest.mark.parametrize(
    ("path", "most"), [("/console/queue/?state=live", 15), ("/console/?state=live", 17)]
)
def test_event_list_rows_are_counted_in_a_constant_number_of_queries(
    cast, client, report, dispatched, django_assert_max_num_queries, path, most
):
    for n in range(3):
        report(title=f"事件{n}")
    client.force_login(cast["county_operator"])
    with django_assert_max_num_queries(most) as few:
        client.get(path)
    long_ago = timezone.now() - timedelta(days=10)
    for n in range(10):
        report(title=f"更多事件{n}", now=long_ago)
        dispatched(title=f"已派遣事件{n}", now=long_ago)
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get(path).content.decode()
    assert body.count('<tr class="row ') == 23


def test_event_counts_come_from_the_service_not_the_page(cast, report):
    """live_counts agrees with a plain count of the rows in scope."""
    from wangge.events.queries import live_counts

    report()
    report(point=VILLAGE_2_POINT)
    counts = live_counts(cast["township_2_operator"], timezone.now())
    in_scope = Event.objects.filter(region_code__startswith="211421101", state=State.REPORTED)
    assert counts[State.REPORTED] == in_scope.count() == 1
