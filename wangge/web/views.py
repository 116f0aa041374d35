"""Pages shared by every section: the front door and the language switch."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from wangge.web.nav import sections_for
from wangge.web.pages import public_page


@public_page
def home(request: HttpRequest) -> HttpResponse:
    """Staff land on their first section; everyone else on the public reporting page."""
    sections = sections_for(request.user)
    if sections:
        return redirect(sections[0].url)
    if request.user.is_authenticated:
        return redirect("web:public_report")
    return redirect("web:login")
