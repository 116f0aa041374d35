from django.urls import path

from wangge.web.console import desk, exports, views

urlpatterns = [
    path("", views.index, name="console"),
    path("queue/", views.queue, name="console_queue"),
    path("events/<int:event_id>/", views.event, name="console_event"),
    path("events/<int:event_id>/act/<slug:action>/", views.act, name="console_act"),
    path(
        "events/<int:event_id>/instructions/<int:instruction_id>/reply/",
        views.reply,
        name="console_reply",
    ),
    path("board/", views.board_page, name="console_board"),
    path("board/columns/", views.board_columns, name="console_board_columns"),
    path("map/", views.map_page, name="console_map"),
    path("live/", views.live, name="console_live"),
    # Desk tools (wangge/web/console/desk.py, exports.py)
    path("export.xlsx", exports.export_queue, name="console_export"),
    path("batch/", desk.batch, name="console_batch"),
    path("hotline/", desk.hotline, name="console_hotline"),
    path("hotline/places/", desk.place_lookup, name="console_places"),
    path("events/lookup/", desk.event_lookup, name="console_event_lookup"),
    path("events/<int:event_id>/print/<slug:form>/", desk.print_form, name="console_print"),
]
