"""The inbox (站内消息) of every staff role: list, open (marks read, goes to the event), mark
all read, and the unread count for the top bar's bell (JSON and a live stream).

Every query is the user's own notices, so another user's notice is a 404. The page costs
a fixed number of queries whatever its length: the notices carry the event id, the
message kind and parameters, and the reader's link is computed from their roles.
"""

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from wangge.accounts.models import STAFF_ROLES
from wangge.errors import NotFound
from wangge.notices.messages import render as render_message
from wangge.notices.models import Notice
from wangge.notices.services import inbox, mark_all_read, open_notice, unread_count
from wangge.web.eventlinks import event_page
from wangge.web.live import count_response
from wangge.web.pages import staff_page

PAGE_SIZE = 20


def shown(notice: Notice, link) -> dict:
    """A notice as the reader sees it: in their language, with their link to the event."""
    title, body = render_message(notice.kind, notice.params) or (notice.title, notice.body)
    return {
        "notice": notice,
        "title": title,
        "body": body,
        "unread": notice.read_at is None,
        "has_link": bool(link(notice.event_id)),
    }


@staff_page(*STAFF_ROLES)
def index(request: HttpRequest) -> HttpResponse:
    """The list, newest first; a POST marks every notice read (the page's one form)."""
    if request.method == "POST":
        mark_all_read(request.user)
        return redirect("web:inbox")
    page = Paginator(inbox(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    link = event_page(request.user)
    context = {
        "page": page,
        "items": [shown(n, link) for n in page.object_list],
        "unread": unread_count(request.user),
    }
    return render(request, "web/inbox/index.html", context)


@staff_page(*STAFF_ROLES)
def open_one(request: HttpRequest, notice_id: int) -> HttpResponse:
    """Mark the notice read and go to its event (or back to the inbox without one)."""
    try:
        notice = open_notice(request.user, notice_id)
    except NotFound as exc:
        raise Http404(_("消息不存在。")) from exc
    return redirect(event_page(request.user)(notice.event_id) or "web:inbox")


@staff_page(*STAFF_ROLES)
def count(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"unread": unread_count(request.user)})


@staff_page(*STAFF_ROLES)
def live(request: HttpRequest) -> HttpResponse:
    """The unread count as server-sent events, sent when it changes."""
    user = request.user
    return count_response(lambda: unread_count(user))
