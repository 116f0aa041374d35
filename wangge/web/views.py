"""Pages shared by every section: the front door and the language switch."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from wangge.accounts.models import ADMIN_ROLES
from wangge.web.nav import sections_for
from wangge.web.pages import public_page


@public_page
def home(request: HttpRequest) -> HttpResponse:
    """Administrators land on the configuration console, other staff on their first
    section, everyone else on the public reporting page."""
    user = request.user
    if (
        user.is_authenticated
        and user.is_staff
        and (user.is_superuser or user.has_role(*ADMIN_ROLES))
    ):
        return redirect("admin:index")
    sections = sections_for(user)
    if sections:
        return redirect(sections[0].url)
    if user.is_authenticated:
        return redirect("web:public_report")
    return redirect("web:login")
