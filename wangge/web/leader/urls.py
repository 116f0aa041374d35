from django.urls import path

from wangge.web.leader import views

urlpatterns = [
    path("", views.index, name="leader"),
    path("events/<int:event_id>/", views.event, name="leader_event"),
    path("events/<int:event_id>/act/<slug:action>/", views.act, name="leader_act"),
    path("events/<int:event_id>/instruct/", views.instruct, name="leader_instruct"),
]
