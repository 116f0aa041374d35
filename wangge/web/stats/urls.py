from django.urls import path

from wangge.web.stats import views

urlpatterns = [
    path("", views.index, name="stats"),
    path("events/", views.events, name="stats_events"),
]
