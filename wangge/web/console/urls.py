from django.urls import path

from wangge.web.console import views

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
]
