from django.urls import path

from wangge.web.department import views

urlpatterns = [
    path("", views.index, name="department"),
]
