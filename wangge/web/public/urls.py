from django.urls import path

from wangge.web.public import views

urlpatterns = [
    path("report/", views.report, name="public_report"),
]
