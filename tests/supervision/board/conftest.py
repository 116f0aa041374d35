"""The console's reporting fixtures: the board API test drives events through the workflow."""

from tests.web.console.conftest import (  # noqa: F401  (fixtures)
    _media_in_a_temporary_folder,
    categories,
    dispatched,
    report,
)
