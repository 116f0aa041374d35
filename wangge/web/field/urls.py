from django.urls import path

from wangge.web.field import views

urlpatterns = [
    path("", views.index, name="field"),
]
