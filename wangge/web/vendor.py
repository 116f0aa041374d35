"""Browser libraries from the npm registry, served as static files.

`./dev` runs `npm ci`, which puts the packages pinned by package-lock.json under
node_modules/. Only the files listed here are exposed (under static/vendor/), so
collectstatic copies a few hundred kilobytes rather than the packages' 50 MB.
"""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import Warning as CheckWarning
from django.core.files.storage import FileSystemStorage

PREFIX = "vendor"

# Paths relative to node_modules/; a trailing "/" exposes a whole directory (images).
FILES = (
    "htmx.org/dist/htmx.min.js",
    "leaflet/dist/leaflet.js",
    "leaflet/dist/leaflet.css",
    "leaflet/dist/images/",
    "leaflet.markercluster/dist/leaflet.markercluster.js",
    "leaflet.markercluster/dist/MarkerCluster.css",
    "leaflet.markercluster/dist/MarkerCluster.Default.css",
    "echarts/dist/echarts.min.js",
)


def node_modules() -> Path:
    return Path(settings.WANGGE_NODE_MODULES)


def _exposed() -> list[str]:
    root = node_modules()
    paths: list[str] = []
    for entry in FILES:
        if entry.endswith("/"):
            folder = root / entry
            if folder.is_dir():
                paths += sorted(str(p.relative_to(root)) for p in folder.iterdir() if p.is_file())
        elif (root / entry).is_file():
            paths.append(entry)
    return paths


class VendorFinder(BaseFinder):
    """Finds `vendor/<package path>` in node_modules, for the listed files only."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.storage = FileSystemStorage(location=str(node_modules()))
        self.storage.prefix = PREFIX

    def check(self, **kwargs) -> list:
        missing = [entry for entry in FILES if not (node_modules() / entry).exists()]
        if missing:
            return [
                CheckWarning(
                    f"Browser libraries missing from {node_modules()}: {missing}",
                    hint="Run ./dev up (it runs `npm ci`).",
                    id="web.W001",
                )
            ]
        return []

    def find(self, path: str, find_all: bool = False, **kwargs):
        find_all = find_all or kwargs.get("all", False)
        if not path.startswith(PREFIX + "/"):
            return []
        relative = path[len(PREFIX) + 1 :]
        if relative not in _exposed():
            return []
        found = str(node_modules() / relative)
        return [found] if find_all else found

    def list(self, ignore_patterns):
        for relative in _exposed():
            yield relative, self.storage
