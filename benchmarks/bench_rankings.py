"""Rankings of a county's townships, departments and grid workers at scale.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<kept database> \\
        .venv/bin/python benchmarks/bench_rankings.py [--runs 5]

Runs on an existing database with events, such as one kept by
`bench_pages.py --events 1000000 --keep` (the demo plus a year of events). For this
month and last month, and each kind, prints the median of --runs timed `rank_units`
calls over the whole county, and in the same run the median of computing every
candidate's figures one by one (`metrics_for_subject` per unit: what a ranking cost
before departments and grid workers were counted together); the two must agree, or
the script stops.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wangge.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from wangge.accounts.scope import EVERYTHING  # noqa: E402
from wangge.assessment.metrics import Period, metrics_for_subject  # noqa: E402
from wangge.assessment.ranking import RankingKind, candidates_of, rank_units  # noqa: E402
from wangge.events.models import Event  # noqa: E402


def timed(runs: int, call) -> tuple[float, object]:
    """The median wall time of `runs` calls in ms, and the last call's result."""
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    today = timezone.localdate()
    this_month = Period(today.replace(day=1), today)
    last_end = this_month.start - timedelta(days=1)
    months = {"this month": this_month, "last month": Period(last_end.replace(day=1), last_end)}
    print(
        f"{connection.vendor}, {Event.objects.count():,} events, {os.cpu_count()} cores, "
        f"load {os.getloadavg()[0]:.1f}, {time.strftime('%Y-%m-%d %H:%M')}"
    )
    for label, period in months.items():
        for kind in RankingKind.values:
            candidates = candidates_of(kind, EVERYTHING)

            def ranking(kind=kind, period=period):
                return rank_units(
                    kind=kind, period_start=period.start, period_end=period.end, scope=EVERYTHING
                )

            def one_by_one(candidates=candidates, period=period):
                return [metrics_for_subject(c.subject, period) for c in candidates]

            ranked_ms, rows = timed(args.runs, ranking)
            alone_ms, alone = timed(args.runs, one_by_one)
            by_key = {c.key: m for c, m in zip(candidates, alone, strict=True)}
            if any(row.metrics != by_key[row.key] for row in rows):
                sys.exit(f"{kind}, {label}: the ranking disagrees with the units' own figures")
            print(
                f"{label:10} {kind:12} {len(candidates):4} candidates: rank_units "
                f"{ranked_ms:8.1f} ms; one by one {alone_ms:8.1f} ms "
                f"({alone_ms / ranked_ms:.1f}x)"
            )
    print(f"load {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
