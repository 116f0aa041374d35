"""The console's test data (categories with limits, reports, dispatched events) for the browser."""

from tests.web.console.conftest import (  # noqa: F401  (fixtures)
    _media_in_a_temporary_folder,
    categories,
    dispatched,
    report,
)
