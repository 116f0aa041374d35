"""`wangge rotate-keys`: re-encrypt personal data under the first key of WANGGE_SM4_KEYS."""

from django.core.management.base import BaseCommand, CommandParser

from wangge.basedata.rotation import BATCH, rotate


class Command(BaseCommand):
    help = "用 WANGGE_SM4_KEYS 的第一个密钥分批重新加密所有个人信息密文。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=BATCH, help=f"每批行数（默认 {BATCH}）")

    def handle(self, *args, batch: int, **options) -> None:
        report = rotate(batch=max(1, batch))
        self.stdout.write(
            self.style.SUCCESS(f"已用密钥 {report.current_key} 重新加密 {report.rewritten} 个值。")
        )
