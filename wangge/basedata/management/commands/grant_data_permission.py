"""`wangge grant-data-permission USERNAME reveal|special_population [--revoke]`."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wangge.accounts.models import User
from wangge.basedata import access
from wangge.basedata.models import Permission


class Command(BaseCommand):
    help = "授予或收回个人信息权限（查看明文 reveal / 特殊人群 special_population）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("permission", choices=Permission.values)
        parser.add_argument("--revoke", action="store_true")

    def handle(self, *args, username: str, permission: str, revoke: bool, **options) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"用户 {username} 不存在。")
        if revoke:
            access.revoke(user, permission)
            self.stdout.write(f"已收回 {username} 的 {permission} 权限。")
            return
        try:
            access.grant(user, permission)
        except access.GrantRefused as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"已授予 {username} {permission} 权限。"))
