"""`wangge demo`: build the 绥中县 demo jurisdiction and its events once, then print logins."""

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import ProtectedError

from wangge.assessment.metrics import build_rollup
from wangge.demo.builder import build_demo, check_grid_count, demo_exists, login_table
from wangge.demo.catalogue import DEFAULT_GRIDS, DEMO_PASSWORD
from wangge.demo.events import DEFAULT_EVENTS, MAX_EVENTS, load_demo_events
from wangge.events.choices import State


class Command(BaseCommand):
    help = "构建绥中县演示数据（区划、网格、单位、各角色账号、事件）；已存在时只打印登录信息。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reset", action="store_true", help="删除已有演示数据并重新构建")
        parser.add_argument(
            "--grids", type=int, default=DEFAULT_GRIDS, help=f"网格总数（默认 {DEFAULT_GRIDS}）"
        )
        parser.add_argument(
            "--events",
            type=int,
            default=DEFAULT_EVENTS,
            help=f"近 90 天的演示事件数（默认 {DEFAULT_EVENTS}，0 表示不生成）",
        )

    def handle(self, *args, reset: bool, grids: int, events: int, **options) -> None:
        try:
            check_grid_count(grids)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if not 0 <= events <= MAX_EVENTS:
            raise CommandError(f"事件数应在 0～{MAX_EVENTS} 之间。")
        if demo_exists() and not reset:
            self.stdout.write("演示数据已存在（如需重建请加 --reset）。")
        else:
            started = time.perf_counter()
            try:
                counts = build_demo(grids=grids)
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            except ProtectedError as exc:
                raise CommandError("已有业务数据引用演示区划或网格，无法重建演示数据。") from exc
            self.stdout.write(
                self.style.SUCCESS(
                    f"已构建绥中县演示数据：{counts.townships} 个乡镇、{counts.villages} 个村、"
                    f"{counts.grids} 个网格、{counts.units} 个单位、{counts.users} 个账号，"
                    f"用时 {time.perf_counter() - started:.1f} 秒。"
                )
            )
            self._load_events(events)
        self._print_logins()

    def _load_events(self, count: int) -> None:
        """After the grids are committed, so the location service sees them."""
        started = time.perf_counter()
        states = load_demo_events(count)
        build_rollup()
        summary = "、".join(f"{State(s).label} {n}" for s, n in sorted(states.items()))
        self.stdout.write(
            self.style.SUCCESS(
                f"已生成 {sum(states.values())} 条演示事件（{summary or '无'}），"
                f"用时 {time.perf_counter() - started:.1f} 秒。"
            )
        )

    def _print_logins(self) -> None:
        rows = [("用户名", "角色", "单位"), *login_table()]
        widths = [max(_width(r[i]) for r in rows) for i in range(3)]
        for row in rows:
            cells = [cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(row)]
            self.stdout.write("  ".join(cells).rstrip())
        self.stdout.write(f"所有演示账号的密码：{DEMO_PASSWORD}")


def _width(text: str) -> int:
    """Display width: CJK characters take two columns in a terminal."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
