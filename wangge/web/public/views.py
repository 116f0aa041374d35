"""Public pages: no login, abuse-limited by the same services as the public API."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from wangge.web.pages import public_page


@public_page
def report(request: HttpRequest) -> HttpResponse:
    return render(request, "web/public/report.html")
