"""The console's test data (categories with limits, reports, dispatched events), and a
township 1 leader whose scope leaves township 2 out."""

import pytest

from tests.conftest import make_user
from tests.web.console.conftest import (  # noqa: F401  (fixtures)
    _media_in_a_temporary_folder,
    categories,
    dispatched,
    report,
)
from wangge.accounts.models import Role


@pytest.fixture
def township_leader(cast):
    return make_user("township_1_leader", Role.LEADER, cast.township_1_centre)
