"""The entry points of import worker processes, importable before Django is set up.

Worker processes are spawned (a fresh interpreter: no inherited database connection, no
locks of other threads copied by a fork), so this module imports nothing from Django at
load time: `init_worker` sets Django up first, then unpickles what the parent sent.
"""

import os
import pickle
from dataclasses import dataclass, field
from typing import Any

_cleaner: Any = None  # the worker's BlockCleaner, set once by init_worker


@dataclass
class Block:
    """One chunk of an import: its raw rows, the file row number of the first, and the
    references the parent prefetched."""

    first: int
    rows: list[list[Any]]
    houses: dict[str, tuple[int, int, str]] = field(default_factory=dict)
    people: dict[str, tuple[int, int, str]] = field(default_factory=dict)


def init_worker(settings_module: str, setup: bytes) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    import django

    django.setup()
    from wangge.basedata.blocks import BlockCleaner

    global _cleaner  # noqa: PLW0603 (one cleaner per worker process)
    _cleaner = BlockCleaner(pickle.loads(setup))  # noqa: S301 (pickled by our own parent)


def clean_block(block: Block) -> Any:
    return _cleaner.clean(block)
