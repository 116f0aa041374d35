"""The 部门工作台 section."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from wangge.accounts.models import Role
from wangge.web.pages import staff_page


@staff_page(Role.DEPARTMENT_HANDLER)
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "web/department/index.html")
