"""The base-data HTTP API, mounted under /api/basedata/."""

from wangge.basedata.api import files, records  # noqa: F401 (registers the operations)
from wangge.basedata.api.router import router

__all__ = ["router"]
