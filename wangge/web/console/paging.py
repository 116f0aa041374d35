"""The queue's order, page links with a total, and the filters remembered per user.

The filters live in the user's session (one query string), so an operator coming back to
the console finds the queue as they left it; `?reset=1` forgets them.
"""

from django.http import HttpRequest, QueryDict

from wangge.events.desk import DEFAULT_SORT, SORTS
from wangge.web.console.filters import BadFilter

REMEMBERED = "console_queue_filters"
NOT_REMEMBERED = ("page", "reset")
MAX_PAGE = 200
WINDOW = 2  # page links either side of the current one


def sort_of(params: QueryDict) -> str:
    sort = params.get("sort", "") or DEFAULT_SORT
    if sort not in dict(SORTS):
        raise BadFilter("sort")
    return sort


def queue_params(request: HttpRequest) -> QueryDict:
    """The query string the queue is read with: the request's own, else the remembered one."""
    if "reset" in request.GET:
        request.session.pop(REMEMBERED, None)
        return QueryDict()
    if not request.GET and request.session.get(REMEMBERED):
        return QueryDict(request.session[REMEMBERED])
    return request.GET


def remember(request: HttpRequest, params: QueryDict) -> None:
    """Keep the filters (not the page) once they were read without error."""
    kept = params.copy()
    for name in NOT_REMEMBERED:
        kept.pop(name, None)
    encoded = kept.urlencode()
    if request.session.get(REMEMBERED, "") != encoded:
        request.session[REMEMBERED] = encoded


def page_links(params: QueryDict, number: int, total: int, size: int) -> dict:
    """Numbered links around the current page, the first and the last, and the total."""
    last = min(max((total + size - 1) // size, 1), MAX_PAGE)
    shown = sorted({1, last, *range(max(number - WINDOW, 1), min(number + WINDOW, last) + 1)})
    links, previous = [], 0
    for page in shown:
        if page - previous > 1:
            links.append({"gap": True})
        query = params.copy()
        query["page"] = page
        links.append({"number": page, "query": query.urlencode(), "current": page == number})
        previous = page
    return {"total": total, "pages": last, "links": links, "size": size}
