"""Issue an API token for a user and print it once; only its digest is stored."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from wangge.accounts.models import ApiToken, User
from wangge.accounts.services import issue_token


class Command(BaseCommand):
    help = "Issue an API token for USERNAME, labelled NAME; the token is printed once."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("name", help="what the token is for, e.g. the calling system")
        parser.add_argument(
            "--days", type=int, default=None, help="expire after N days (default: never)"
        )

    def handle(self, *args, username: str, name: str, days: int | None, **options) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"用户 {username} 不存在。")
        if not user.is_active:
            raise CommandError(f"用户 {username} 已停用，不能签发令牌。")
        name = name.strip()
        max_length = ApiToken._meta.get_field("name").max_length
        if not name or len(name) > max_length:
            raise CommandError(f"令牌用途须为 1～{max_length} 个字符。")
        if days is not None and days <= 0:
            raise CommandError("--days 必须是正整数。")
        expires_at = timezone.now() + timedelta(days=days) if days is not None else None
        token = issue_token(user, name, expires_at=expires_at)
        self.stdout.write(token)
        until = (
            f"，有效期至 {timezone.localtime(expires_at):%Y-%m-%d %H:%M}"
            if expires_at
            else "，长期有效"
        )
        self.stderr.write(f"已为 {username} 签发令牌「{name}」{until}。令牌只显示这一次。")
