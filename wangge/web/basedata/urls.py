from django.urls import path

from wangge.web.basedata import views

urlpatterns = [
    path("", views.index, name="basedata"),
    path("search/", views.search_page, name="basedata_search"),
    path("map/", views.map_page, name="basedata_map"),
    path("import/", views.import_page, name="basedata_import"),
    path("import/jobs/<int:job_id>/", views.import_job, name="basedata_import_job"),
    path("grids/<str:code>/", views.grid, name="basedata_grid"),
    path("<slug:category>/", views.records, name="basedata_records"),
    path("<slug:category>/new/", views.create, name="basedata_create"),
    path("<slug:category>/<int:record_id>/", views.record, name="basedata_record"),
    path("<slug:category>/<int:record_id>/edit/", views.edit, name="basedata_edit"),
    path("<slug:category>/<int:record_id>/reveal/", views.reveal, name="basedata_reveal"),
    path("<slug:category>/<int:record_id>/delete/", views.delete, name="basedata_delete"),
]
