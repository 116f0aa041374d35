"""`wangge demo-basedata [--realistic]`: rebuild the demo county's base data."""

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wangge.demo.basedata import DEFAULT_HOUSES_PER_GRID, load_demo_basedata
from wangge.demo.builder import demo_exists


class Command(BaseCommand):
    help = "重建绥中县演示基础数据（默认每个网格少量房屋；--realistic 为接近真实的数量）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--realistic", action="store_true", help="按网格户数生成房屋和人口")
        parser.add_argument("--houses-per-grid", type=int, default=DEFAULT_HOUSES_PER_GRID)

    def handle(self, *args, realistic: bool, houses_per_grid: int, **options) -> None:
        if not demo_exists():
            raise CommandError("请先运行 wangge demo 构建演示区划。")
        started = time.perf_counter()
        counts = load_demo_basedata(None if realistic else max(1, houses_per_grid))
        self.stdout.write(
            self.style.SUCCESS(
                f"已生成 {counts.houses} 处房屋、{counts.people} 名实有人口、{counts.special} 名"
                f"特殊人群、{counts.youth} 名重点青少年、{counts.organizations} 个组织、"
                f"{counts.key_places} 个重点场所、{counts.disputes} 起矛盾纠纷、{counts.schools} "
                f"所学校、{counts.lines} 条护路护线，用时 {time.perf_counter() - started:.1f} 秒。"
            )
        )
