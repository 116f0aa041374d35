"""The committed OpenAPI document (docs/openapi.json) and how it is rendered.

The document is rendered deterministically (sorted keys, two-space indent,
trailing newline) so the drift test can compare text and a regenerated file
gives a readable diff.
"""

import json
from pathlib import Path

from django.conf import settings

from wangge.api.routes import api

COMMITTED_PATH = Path(settings.PACKAGE_DIR).parent / "docs" / "openapi.json"
REGENERATE_HINT = "wangge export-openapi"


def render_openapi() -> str:
    schema = api.get_openapi_schema()
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
