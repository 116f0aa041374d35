from django.apps import AppConfig


class BasedataConfig(AppConfig):
    name = "wangge.basedata"
    label = "basedata"
    verbose_name = "基础数据（9+X）"
