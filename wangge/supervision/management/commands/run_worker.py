"""`wangge run-worker`: the embedded in-process worker (no Redis or Celery needed)."""

import threading

from django.conf import settings
from django.core.management.base import BaseCommand

from wangge.jobs import run_tick, start_worker_thread


class Command(BaseCommand):
    help = "运行内置后台任务（督办扫描，然后更新指标汇总），每隔若干秒执行一次"

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--interval",
            type=float,
            default=getattr(settings, "WANGGE_WORKER_INTERVAL", 30),
            help="seconds between two ticks",
        )
        parser.add_argument("--once", action="store_true", help="run one tick and exit")

    def handle(self, *args, interval: float, once: bool, **options) -> None:
        if once:
            for name, result in run_tick().items():
                self.stdout.write(f"{name}: {result}")
            return
        stop = threading.Event()
        thread = start_worker_thread(interval, stop)
        self.stdout.write(f"worker running, a tick every {interval:g} s (Ctrl-C to stop)")
        try:
            while thread.is_alive():
                thread.join(timeout=1)
        except KeyboardInterrupt:
            stop.set()
            thread.join(timeout=interval + 5)
