"""The HTTP face of the closed loop: intake, lists, detail, actions and public tracking.

Handlers stay thin: they check the request's shape, call report_event / perform from
wangge/events/services.py and shape the answer. The action operations are generated from
the state table (workflow.ACTIONS), one per action, so each has its own request schema in
the OpenAPI document and a new action appears here without code changes.

Reporter contact is masked in every answer. Intake endpoints and the actions that take
photos (`photos` in the state table) accept JSON or, to attach photos, multipart/form-data with
the same fields plus `photos` files. Originals are downloaded through the API (files.py);
only metadata-free public copies have a media URL (media.py).
"""

from wangge.events.api import actions, files, intake, reading
from wangge.events.api.router import router

__all__ = ["actions", "files", "intake", "reading", "router"]
