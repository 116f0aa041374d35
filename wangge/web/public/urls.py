from django.urls import path

from wangge.web.public import views

urlpatterns = [
    path("report/", views.report, name="public_report"),
    path("track/", views.track_lookup, name="public_track_lookup"),
    path("track/<str:code>/", views.track, name="public_track"),
    path("qr/<str:grid_code>/", views.qr, name="public_qr"),
]
