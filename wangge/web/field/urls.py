from django.urls import path

from wangge.web.field import views

urlpatterns = [
    path("", views.index, name="field"),
    path("report/", views.report, name="field_report"),
    path("patrol/", views.patrol, name="field_patrol"),
    path("tasks/<int:event_id>/<str:action>/", views.act, name="field_act"),
    path("sw.js", views.service_worker, name="field_sw"),
    path("manifest.webmanifest", views.manifest, name="field_manifest"),
]
