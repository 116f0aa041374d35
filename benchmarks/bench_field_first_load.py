"""Bytes the grid-worker app ships on its first load, against the 500 KB target.

Usage (a server must be running, e.g. `./dev up`, with the demo's grid_worker):

    .venv/bin/python benchmarks/bench_field_first_load.py \\
        [--base-url http://127.0.0.1:8000] [--user grid_worker] [--password Wangge@2026] \\
        [--path /field/] [--repeat 3]

Logs in once, then opens the page in a fresh browser context (empty HTTP cache, no service
worker) with the session cookie, and waits until the network is idle, so the service
worker's install (the app-shell precache) is part of the load. For every response the
browser received (page and service worker) it sums:
  - `encoded`: the body bytes as transferred (Chromium's responseBodySize), i.e. what this
    server really sends: compressed only if it compresses;
  - `gzip`: the body gzip-compressed at level 6 (or as is when that is not smaller, as for
    PNG), i.e. what a compressing front server (nginx `gzip on`, whitenoise's
    pre-compressed files) would send;
  - `raw`: the decoded body bytes.
Requests the service worker repeats for a file the page already fetched are counted once
per URL, because the second copy comes from the HTTP cache. The figure to hold against
the target is the gzip sum (SPEC: first load < 500 KB compressed). echarts must not
appear. Medians over the repetitions; one line per resource with --verbose.
"""

import argparse
import gzip
import platform
import statistics
import sys
from dataclasses import dataclass
from datetime import UTC, datetime

from playwright.sync_api import Browser, BrowserContext, Response, sync_playwright

CHROMIUM = "/usr/bin/chromium"
TARGET_BYTES = 500 * 1024


@dataclass
class Resource:
    url: str
    raw: int
    encoded: int
    gzip: int


def _resource(response: Response, context: BrowserContext) -> Resource | None:
    try:
        body = response.body()
        encoded = response.request.sizes()["responseBodySize"]
    except Exception:  # noqa: BLE001 - redirects and aborted requests have no body
        return None
    if not body and encoded:
        # Chromium keeps no body for the service worker's own fetches: fetch it again.
        body = context.request.get(response.url).body()
    # Servers send already-compressed files (PNG) as they are when gzip would not help.
    return Resource(response.url, len(body), encoded, min(len(body), len(gzip.compress(body, 6))))


def _session_cookie(browser: Browser, base_url: str, user: str, password: str) -> list[dict]:
    context = browser.new_context(base_url=base_url)
    page = context.new_page()
    page.goto("/login/")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    cookies = context.cookies()
    context.close()
    if not any(c["name"] == "sessionid" for c in cookies):
        sys.exit(f"login as {user} failed")
    return cookies


def measure(browser: Browser, base_url: str, path: str, cookies: list[dict]) -> list[Resource]:
    context = browser.new_context(base_url=base_url, service_workers="allow")
    context.add_cookies(cookies)
    responses: list[Response] = []
    context.on("response", lambda response: responses.append(response))
    page = context.new_page()
    page.goto(path)
    page.wait_for_load_state("networkidle")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_timeout(1000)  # let the precache finish
    seen: dict[str, Resource] = {}
    for response in responses:
        item = _resource(response, context)
        if item is not None and item.url not in seen:
            seen[item.url] = item
    context.close()
    return list(seen.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--user", default="grid_worker")
    parser.add_argument("--password", default="Wangge@2026")
    parser.add_argument("--path", default="/field/")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        cookies = _session_cookie(browser, args.base_url, args.user, args.password)
        runs = [measure(browser, args.base_url, args.path, cookies) for _ in range(args.repeat)]
        browser.close()
    totals = {
        key: statistics.median(sum(getattr(r, key) for r in run) for run in runs)
        for key in ("raw", "encoded", "gzip")
    }
    if args.verbose:
        for r in sorted(runs[-1], key=lambda r: -r.gzip):
            print(f"{r.gzip:>9,} gz {r.encoded:>9,} sent {r.raw:>9,} raw  {r.url}")
    echarts = any("echarts" in r.url for run in runs for r in run)
    machine = platform.processor() or platform.machine()
    print(f"{datetime.now(UTC).date()} {platform.node()} {machine}")
    print(f"{args.base_url}{args.path}: {len(runs[-1])} resources, median of {len(runs)} loads")
    for key, value in totals.items():
        print(f"  {key:>8}: {value / 1024:8.1f} KB")
    verdict = "within" if totals["gzip"] < TARGET_BYTES else "OVER"
    print(f"  gzip total is {totals['gzip'] / TARGET_BYTES:.0%} of the 500 KB target ({verdict})")
    print(f"  echarts loaded: {echarts}")


if __name__ == "__main__":
    main()
