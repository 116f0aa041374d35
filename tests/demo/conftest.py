import pytest

from wangge.demo.builder import build_demo

SMALL_GRIDS = 60


@pytest.fixture
def demo(db):
    return build_demo(grids=SMALL_GRIDS)
