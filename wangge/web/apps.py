from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "wangge.web"
    label = "web"
    verbose_name = "网页"
