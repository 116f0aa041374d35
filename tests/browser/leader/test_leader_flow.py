"""The leader's workspace in a real browser: a 批示 from the event page, the department's
reply from its workspace, the reply back on the leader's page; the home and the event
page on a desktop and on a phone (no horizontal scrolling)."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE, screenshot
from wangge.events.models import CardLevel, Clock
from wangge.events.services import perform
from wangge.supervision.instructions import issue_instruction, reply_to_instruction

DESKTOP = {"width": 1366, "height": 900}


def _no_horizontal_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width


def _waiting_work(cast, report, dispatched):
    """A closed event (for the rates), a shelve request, a red and a yellow card, and an
    instruction overdue for a reply."""
    operator = cast["village_1_operator"]
    shelve = report(title="历史遗留：村道积水")
    perform(shelve.pk, "accept", operator)
    perform(shelve.pk, "request_shelve", operator, explanation="需列入明年改造计划")
    closed = dispatched(title="小区门口垃圾堆放")
    handler = cast["department_handler"]
    perform(closed.pk, "sign", handler)
    perform(closed.pk, "submit_result", handler, result="已清运")
    perform(closed.pk, "check_pass", operator)
    red = dispatched(title="主街占道经营屡禁不止")
    yellow = dispatched(title="夜市噪音扰民")
    for event, level in ((red, CardLevel.RED), (yellow, CardLevel.YELLOW)):
        Clock.objects.filter(event=event, stopped_at__isnull=True).update(card_level=level)
    late = issue_instruction(
        cast["leader"], yellow, "请说明整改进度", timezone.now(), timezone.now() + timedelta(days=1)
    )
    late.reply_due_at = timezone.now() - timedelta(hours=2)
    late.save(update_fields=["reply_due_at"])
    return red, shelve


def test_leader_instructs_the_department_replies_the_leader_sees_it(
    browsing, cast, report, dispatched
):
    red, _ = _waiting_work(cast, report, dispatched)
    page = browsing.page(cast["leader"], viewport=DESKTOP)
    page.goto("/leader/")
    expect(page.locator("#approvals")).to_contain_text("历史遗留：村道积水")
    expect(page.locator("#awaiting .overdue")).to_contain_text("请说明整改进度")
    screenshot(page, "leader-home-desktop")

    page.locator("#cards").get_by_role("link", name="主街占道经营屡禁不止").click()
    expect(page.locator("h1.event-title")).to_have_text("主街占道经营屡禁不止")
    page.locator("#instructions summary", has_text="作出批示").click()
    form = page.locator("form.instruct-form")
    form.locator("[name=text]").fill("请三日内彻底整治，回复整改方案")
    due = (timezone.localdate() + timedelta(days=3)).isoformat()
    form.locator("[name=reply_due]").fill(due)
    with page.expect_navigation():
        form.get_by_role("button", name="提交").click()
    expect(page.locator(".instruction")).to_contain_text("请三日内彻底整治")
    expect(page.locator(".instruction .due")).to_contain_text("待回复")

    handler = browsing.page(cast["department_handler"], viewport=PHONE)
    handler.goto(f"/department/events/{red.pk}/")
    reply = handler.locator("form.reply-form")
    reply.locator("[name=text]").fill("已组织联合执法，周五前办结")
    with handler.expect_navigation():
        reply.get_by_role("button", name="回复批示").click()
    expect(handler.locator(".instruction .reply")).to_contain_text("已组织联合执法")
    expect(handler.locator("form.reply-form")).to_have_count(0)

    page.reload()
    expect(page.locator(".instruction .reply")).to_contain_text("已组织联合执法，周五前办结")
    expect(page.locator(".timeline")).to_contain_text("批示回复")


def test_the_leader_pages_fit_a_phone(browsing, cast, report, dispatched):
    _, shelve = _waiting_work(cast, report, dispatched)
    asked = issue_instruction(
        cast["leader"],
        shelve,
        "挂账前请说明群众诉求",
        timezone.now(),
        timezone.now() + timedelta(days=2),
    )
    reply_to_instruction(
        cast["village_1_operator"], asked.pk, "已与村民沟通，同意挂账", timezone.now()
    )
    page = browsing.page(cast["leader"], viewport=PHONE)
    page.goto("/leader/")
    expect(page.locator("#cards")).to_contain_text("主街占道经营屡禁不止")
    _no_horizontal_scroll(page)
    screenshot(page, "leader-home-phone")
    page.locator("#approvals").get_by_role("link", name="历史遗留：村道积水").click()
    expect(page.locator("#actions summary", has_text="驳回挂账")).to_be_visible()
    _no_horizontal_scroll(page)
    page.evaluate("document.getElementById('actions').scrollIntoView()")
    screenshot(page, "leader-event-phone")
    page.locator("#instructions summary", has_text="作出批示").click()
    _no_horizontal_scroll(page)


LIVE_TIMEOUT = 20_000  # the bell's live count polls every 5 s; allow for a reconnect


def test_the_department_sees_a_leaders_instruction_and_supervision_live_and_replies(
    browsing, cast, report, dispatched
):
    """Issue 12 acceptance (b): 批示 and 督办 from the leader's page reach the department's
    open page without a reload; it replies; the leader sees the reply."""
    event = dispatched(title="桥头摊点占道")
    handler = browsing.page(cast["department_handler"], viewport=DESKTOP)
    handler.goto("/department/")
    bell = handler.locator("a.bell")
    expect(bell).to_have_attribute("data-unread", "1", timeout=LIVE_TIMEOUT)  # the dispatch

    leader = browsing.page(cast["leader"], viewport=DESKTOP)
    leader.goto(f"/leader/events/{event.pk}/")
    leader.locator("#instructions summary", has_text="作出批示").click()
    form = leader.locator("form.instruct-form")
    form.locator("[name=text]").fill("请两日内清理，回复结果")
    form.locator("[name=reply_due]").fill((timezone.localdate() + timedelta(days=2)).isoformat())
    with leader.expect_navigation():
        form.get_by_role("button", name="提交").click()
    supervise = leader.locator("details.action", has=leader.locator("summary", has_text="督办"))
    supervise.locator("summary").click()
    supervise.locator("[name=level]").select_option("yellow")
    supervise.locator("[name=reason]").fill("群众多次反映")
    with leader.expect_navigation():
        supervise.get_by_role("button", name="提交").click()
    expect(leader.locator(".timeline")).to_contain_text("督办")

    expect(bell.locator(".bell-count")).to_have_text("3", timeout=LIVE_TIMEOUT)  # no reload
    bell.click()
    expect(handler.locator("main")).to_contain_text("领导批示：桥头摊点占道")
    expect(handler.locator("main")).to_contain_text("督办：桥头摊点占道")

    handler.goto(f"/department/events/{event.pk}/")
    reply = handler.locator("form.reply-form")
    reply.locator("[name=text]").fill("已清理完毕")
    with handler.expect_navigation():
        reply.get_by_role("button", name="回复批示").click()
    leader.reload()
    expect(leader.locator(".instruction .reply")).to_contain_text("已清理完毕")
