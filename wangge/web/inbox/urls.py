from django.urls import path

from wangge.web.inbox import views

urlpatterns = [
    path("", views.index, name="inbox"),
    path("<int:notice_id>/", views.open_one, name="inbox_open"),
    path("count/", views.count, name="inbox_count"),
    path("live/", views.live, name="inbox_live"),
]
