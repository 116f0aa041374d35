"""Per-process copies of slow-changing rows, shared-nothing but kept fresh.

The grid index and the workflow's reference data are read on every report but change
rarely. Each process keeps one copy, tagged with a version token held in the shared
cache; a write replaces the token once its transaction commits, and every process
rebuilds on its next read. Tokens are random rather than a counter: after a cache flush
a counter would restart and could match the number a stale process still holds.
"""

import threading
import uuid
from collections.abc import Callable
from typing import Generic, TypeVar

from django.core.cache import cache
from django.db import transaction

T = TypeVar("T")


class ProcessSnapshot(Generic[T]):
    def __init__(self, version_key: str, load: Callable[[], T]) -> None:
        self.version_key = version_key
        self.load = load
        self._lock = threading.Lock()
        self._current: tuple[str, T] | None = None

    def _version(self) -> str:
        version = cache.get(self.version_key)
        if version is None:
            cache.add(self.version_key, uuid.uuid4().hex, timeout=None)
            version = cache.get(self.version_key)
        return version

    def get(self) -> T:
        """This process's copy, rebuilt when the shared version moved."""
        version = self._version()
        current = self._current
        if current is not None and current[0] == version:
            return current[1]
        with self._lock:
            if self._current is None or self._current[0] != version:
                self._current = (version, self.load())
            return self._current[1]

    def invalidate(self, *, here_now: bool = False) -> None:
        """Stale for every process once the transaction commits; with `here_now`, this
        process drops its copy at once, so the writing transaction reads its own rows."""
        if here_now:
            self._current = None
        transaction.on_commit(lambda: cache.set(self.version_key, uuid.uuid4().hex, timeout=None))
