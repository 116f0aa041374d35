from django.urls import path

from wangge.web.screen import views

urlpatterns = [
    path("", views.index, name="screen"),
]
