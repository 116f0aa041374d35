from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "wangge.web"
    label = "web"
    verbose_name = "网页"

    def ready(self) -> None:
        from django.contrib import admin

        from wangge.web.forms import AdminLoginForm

        admin.site.login_form = AdminLoginForm
