from django.urls import path

from wangge.web.screen import views

urlpatterns = [
    path("", views.index, name="screen"),
    path("snapshot", views.snapshot, name="screen_snapshot"),
    path("live", views.live, name="screen_live"),
]
