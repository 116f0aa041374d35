from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "wangge.accounts"
    label = "accounts"
    verbose_name = "组织、用户与角色"
