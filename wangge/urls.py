from django.contrib import admin
from django.http import JsonResponse
from django.urls import path

from wangge.api.errors import error_body
from wangge.api.routes import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]


def handler404(request, exception=None):
    return JsonResponse(error_body("not_found", "未找到。"), status=404)
