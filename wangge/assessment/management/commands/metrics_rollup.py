"""`wangge metrics-rollup [--rebuild]`: bring the daily metrics rollup up to date."""

import time

from django.core.management.base import BaseCommand

from wangge.assessment.metrics import build_rollup, refresh_rollup


class Command(BaseCommand):
    help = (
        "Read new trail entries into the daily metrics rollup (日汇总); --rebuild counts "
        "every day afresh, as needed after rows were loaded without the workflow."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="count every day afresh")

    def handle(self, *args, rebuild: bool, **options):
        started = time.perf_counter()
        if rebuild or not refresh_rollup():
            build_rollup()
            done = "已重建指标日汇总"
        else:
            done = "已更新指标日汇总"
        self.stdout.write(f"{done}，用时 {time.perf_counter() - started:.1f} 秒。")
