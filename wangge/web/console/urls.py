from django.urls import path

from wangge.web.console import views

urlpatterns = [
    path("", views.index, name="console"),
]
