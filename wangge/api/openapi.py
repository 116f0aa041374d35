"""The committed OpenAPI document (docs/openapi.json) and how it is rendered.

The document is rendered deterministically (sorted keys, two-space indent,
trailing newline) so the drift test can compare text and a regenerated file
gives a readable diff.
"""

import json
from pathlib import Path

from django.conf import settings
from django.urls import get_resolver

from wangge.api.core import api

COMMITTED_PATH = Path(settings.PACKAGE_DIR).parent / "docs" / "openapi.json"
REGENERATE_HINT = "wangge export-openapi"


def render_openapi() -> str:
    """The document of the API as the URLconf mounts it (loading the URLconf mounts every
    app's router through wangge/routes.py, which this core package never imports)."""
    get_resolver().url_patterns  # noqa: B018 - imports the URLconf
    schema = api.get_openapi_schema()
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
