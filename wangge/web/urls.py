"""Web pages. Each section's package owns its urls module; this file only mounts them.

tests/web/test_every_page_has_a_rule.py requires a permission rule on every view here.
"""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from wangge.web import views
from wangge.web.forms import LoginForm
from wangge.web.pages import public_page

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "login/",
        public_page(
            auth_views.LoginView.as_view(
                template_name="web/login.html", authentication_form=LoginForm
            )
        ),
        name="login",
    ),
    path("logout/", public_page(auth_views.LogoutView.as_view()), name="logout"),
    path("console/", include("wangge.web.console.urls")),
    path("department/", include("wangge.web.department.urls")),
    path("leader/", include("wangge.web.leader.urls")),
    path("field/", include("wangge.web.field.urls")),
    path("public/", include("wangge.web.public.urls")),
    path("screen/", include("wangge.web.screen.urls")),
    path("base/", include("wangge.web.basedata.urls")),
    path("notices/", include("wangge.web.inbox.urls")),
    path("stats/", include("wangge.web.stats.urls")),
]
