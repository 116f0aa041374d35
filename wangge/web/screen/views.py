"""The 大屏 section."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from wangge.accounts.models import Role
from wangge.web.pages import staff_page


@staff_page(Role.LEADER, Role.OPERATOR)
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "web/screen/index.html")
