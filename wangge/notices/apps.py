from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "wangge.notices"
    label = "notices"
    verbose_name = "站内消息"
