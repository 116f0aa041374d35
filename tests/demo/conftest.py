import uuid

import pytest
from django.core.cache import cache

from wangge.demo.builder import build_demo
from wangge.regions.locate import VERSION_KEY

SMALL_GRIDS = 60


@pytest.fixture
def fresh_grid_index():
    """A new index version, so the location service reads this test's grids.

    The build bumps the version only on commit, which never happens inside a
    test transaction.
    """
    cache.set(VERSION_KEY, f"test-{uuid.uuid4()}", timeout=None)


@pytest.fixture
def demo(db, fresh_grid_index):
    return build_demo(grids=SMALL_GRIDS)
