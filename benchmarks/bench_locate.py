"""Point -> grid lookup speed, on one core, against a brute-force baseline.

    .venv/bin/python benchmarks/bench_locate.py            # synthetic 1,638 and 100,000 grids
    .venv/bin/python benchmarks/bench_locate.py --demo     # (a) reads the demo's grids from the DB

The synthetic jurisdiction is a jittered lattice of irregular quadrilaterals tiling a
county-sized area (about 1.0 x 0.8 degrees). Every figure is the median of --repeat runs.
Before timing, the indexed answers are checked against the brute-force answer.
"""

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable

import django
import numpy as np
import shapely
from django.db import DatabaseError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wangge.settings")
django.setup()

from wangge.regions.locate import GridHit, GridIndex  # noqa: E402

COUNTY = (119.6, 40.0, 120.6, 40.8)  # lon/lat box of the synthetic county


def synthetic_tiling(columns: int, rows: int, seed: int = 7) -> list:
    """Quadrilaterals on a lattice whose inner vertices are jittered by up to 30% of a cell."""
    rng = np.random.default_rng(seed)
    min_lon, min_lat, max_lon, max_lat = COUNTY
    xs = np.linspace(min_lon, max_lon, columns + 1)
    ys = np.linspace(min_lat, max_lat, rows + 1)
    vx, vy = np.meshgrid(xs, ys, indexing="ij")
    jitter = 0.3 * np.array([xs[1] - xs[0], ys[1] - ys[0]])
    vx[1:-1, 1:-1] += rng.uniform(-1, 1, (columns - 1, rows - 1)) * jitter[0]
    vy[1:-1, 1:-1] += rng.uniform(-1, 1, (columns - 1, rows - 1)) * jitter[1]
    polygons = []
    for i in range(columns):
        for j in range(rows):
            ring = [
                (vx[a, b], vy[a, b]) for a, b in ((i, j), (i + 1, j), (i + 1, j + 1), (i, j + 1))
            ]
            polygons.append(shapely.Polygon(ring))
    return polygons


def index_for(polygons: list) -> GridIndex:
    hits = [GridHit(i, f"{i:015d}", f"grid {i}", 0) for i in range(len(polygons))]
    return GridIndex(hits, np.array(polygons, dtype=object))


def demo_index() -> GridIndex | None:
    """The grids in the database, or None if it has none (or no tables yet)."""
    try:
        index = GridIndex.from_database()
    except DatabaseError:
        return None
    return index if index.hits else None


def brute_force(polygons: np.ndarray, lon: float, lat: float) -> int:
    """Test the point against every polygon; the smallest index wins on shared edges."""
    inside = np.flatnonzero(shapely.intersects_xy(polygons, lon, lat))
    return int(inside[0]) if len(inside) else -1


def median_rate(count: int, run: Callable[[], object], repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        timings.append(time.perf_counter() - start)
    return count / statistics.median(timings)


def random_points(index: GridIndex, count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Uniform points over the grids' extent widened by 2%, so a few fall outside."""
    min_x, min_y, max_x, max_y = shapely.total_bounds(index.polygons)
    pad_x, pad_y = (max_x - min_x) * 0.02, (max_y - min_y) * 0.02
    rng = np.random.default_rng(seed)
    return (
        rng.uniform(min_x - pad_x, max_x + pad_x, count),
        rng.uniform(min_y - pad_y, max_y + pad_y, count),
    )


def bench(label: str, index: GridIndex, args: argparse.Namespace) -> None:
    polygons = index.polygons
    lons, lats = random_points(index, args.bulk, seed=1)
    sample_lons, sample_lats = lons[: args.baseline], lats[: args.baseline]

    expected = [brute_force(polygons, x, y) for x, y in zip(sample_lons, sample_lats, strict=True)]
    bulk_answer = index.lookup_many(sample_lons, sample_lats).tolist()
    single_answer = [index.lookup(x, y) for x, y in zip(sample_lons, sample_lats, strict=True)]
    single_answer = [-1 if h is None else index.hits.index(h) for h in single_answer[:200]]
    assert bulk_answer == expected, "lookup_many disagrees with brute force"
    assert single_answer == expected[:200], "lookup disagrees with brute force"

    single_lons, single_lats = lons[: args.single].tolist(), lats[: args.single].tolist()
    lookup = index.lookup

    def singles() -> None:
        for x, y in zip(single_lons, single_lats, strict=True):
            lookup(x, y)

    def strtree_singles() -> None:
        for x, y in zip(single_lons[: args.baseline], single_lats[: args.baseline], strict=True):
            candidates = index.tree.query(shapely.Point(x, y))
            shapely.intersects_xy(polygons[candidates], x, y)

    def brute() -> None:
        for x, y in zip(sample_lons, sample_lats, strict=True):
            brute_force(polygons, x, y)

    single = median_rate(len(single_lons), singles, args.repeat)
    bulk = median_rate(len(lons), lambda: index.lookup_many(lons, lats), args.repeat)
    strtree = median_rate(args.baseline, strtree_singles, args.repeat)
    baseline = median_rate(args.baseline, brute, max(1, args.repeat // 2))
    print(f"\n{label}: {len(polygons):,} grids, {len(index._owner):,} buckets")
    print(f"  single lookups/s  {single:>14,.0f}")
    print(f"  bulk lookups/s    {bulk:>14,.0f}   ({len(lons):,} points per call)")
    print(f"  STRtree per point {strtree:>14,.0f}   (query + intersects_xy, for reference)")
    print(f"  brute force /s    {baseline:>14,.0f}   (intersects_xy over all grids)")
    print(f"  single / brute    {single / baseline:>14,.0f}x")
    print(f"  bulk / brute      {bulk / baseline:>14,.0f}x")


def timed_build(make: Callable[[], GridIndex]) -> GridIndex:
    start = time.perf_counter()
    index = make()
    print(f"  index built in {time.perf_counter() - start:.2f} s")
    return index


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demo", action="store_true", help="(a) uses the demo's grids from the DB")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--single", type=int, default=100_000, help="points per single-lookup run")
    parser.add_argument("--bulk", type=int, default=1_000_000, help="points per bulk call")
    parser.add_argument("--baseline", type=int, default=300, help="points for the baselines")
    args = parser.parse_args()

    cpu = sorted(os.sched_getaffinity(0))[0]
    os.sched_setaffinity(0, {cpu})
    print(f"pinned to CPU {cpu}; Python {platform.python_version()}; shapely {shapely.__version__}")

    small = None
    if args.demo:
        small = demo_index()
        if small is None:
            print(
                "note: no demo grids in the database (load it with `wangge demo`);"
                " using a synthetic 1,638-grid tiling"
            )
    label = "(a) demo grids" if small is not None else "(a) synthetic 1,638 grids"
    print(label)
    small = small or timed_build(lambda: index_for(synthetic_tiling(42, 39)))
    bench(label, small, args)

    print("\n(b) synthetic 100,000 grids")
    large = timed_build(lambda: index_for(synthetic_tiling(400, 250)))
    bench("(b) synthetic 100,000 grids", large, args)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
