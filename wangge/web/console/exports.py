"""The queue as an .xlsx file: the rows the filters select, masked as on screen, logged.

The file holds what the operator could read on the queue pages with the same filters and
order (up to EXPORT_LIMIT rows); reporter names and phones are masked as on every page,
and each export writes an ExportLog row (who, when, filters, rows) before it is sent.
"""

import io

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _

from wangge.accounts.models import Role
from wangge.events.desk import (
    EXPORT_HEADER,
    EXPORT_LIMIT,
    export_events,
    export_row,
    log_queue_export,
)
from wangge.web.console.filters import BadFilter, parse
from wangge.web.console.paging import NOT_REMEMBERED, queue_params, sort_of
from wangge.web.pages import staff_page

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _local(value) -> str:
    return dateformat.format(timezone.localtime(value), "Y-m-d H:i")


def _workbook(rows: list[list]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = _("事件")
    sheet.append([str(label) for label in EXPORT_HEADER])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@staff_page(Role.OPERATOR)
def export_queue(request: HttpRequest) -> HttpResponse:
    params = queue_params(request)
    try:
        tab, filters = parse(params)
        sort = sort_of(params)
    except BadFilter as error:
        return HttpResponseBadRequest(_("筛选条件无效：%(field)s") % {"field": error})
    events = export_events(request.user, filters, sort, timezone.now(), 0, EXPORT_LIMIT)
    rows = [export_row(event, _local) for event in events]
    logged = {k: params.getlist(k) for k in params if k not in NOT_REMEMBERED}
    log_queue_export(request.user, {**logged, "state": tab, "sort": sort}, len(rows))
    response = HttpResponse(_workbook(rows), content_type=XLSX)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="events-{stamp}.xlsx"'
    return response
