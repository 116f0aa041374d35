from django.urls import path

from wangge.web.department import views

urlpatterns = [
    path("", views.index, name="department"),
    path("events/<int:event_id>/", views.event, name="department_event"),
    path("events/<int:event_id>/act/<slug:action>/", views.act, name="department_act"),
    path(
        "events/<int:event_id>/instructions/<int:instruction_id>/reply/",
        views.reply,
        name="department_reply",
    ),
    path("live/", views.live, name="department_live"),
]
