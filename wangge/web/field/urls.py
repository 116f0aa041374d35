from django.urls import path

from wangge.web.field import records, views

urlpatterns = [
    path("", views.index, name="field"),
    path("report/", views.report, name="field_report"),
    path("patrol/", views.patrol, name="field_patrol"),
    path("tasks/<int:event_id>/<str:action>/", views.act, name="field_act"),
    path("visit/", records.visit, name="field_visit"),
    path("inspect/", records.inspect, name="field_inspect"),
    path("diary/", records.diary_page, name="field_diary"),
    path("points/", records.points_page, name="field_points"),
    path("points/<int:house_id>/qr/", records.points_qr, name="field_points_qr"),
    path("sw.js", views.service_worker, name="field_sw"),
    path("manifest.webmanifest", views.manifest, name="field_manifest"),
]
