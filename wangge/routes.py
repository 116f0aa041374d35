"""The composition root of the HTTP API: mounts every app's router on the one API instance.

It sits above every app (beside the URLconf, which imports it), so the HTTP core in
wangge/api/ never imports an app's router and the apps' routers import only that core.
"""

from wangge.accounts.api import router as accounts_router
from wangge.api.core import api
from wangge.assessment.api import router as assessment_router
from wangge.basedata.api import router as basedata_router
from wangge.basedata.api.map import router as basedata_map_router
from wangge.events.api import router as events_router
from wangge.events.api.map import router as map_router
from wangge.fieldwork.api import router as fieldwork_router
from wangge.notices.api import router as notices_router
from wangge.regions.api import router as regions_router
from wangge.supervision.api import router as supervision_router

__all__ = ["api"]

api.add_router("/", regions_router)
api.add_router("/", accounts_router)
api.add_router("/", notices_router)
api.add_router("/", supervision_router)
api.add_router("/", events_router)
api.add_router("/", assessment_router)
api.add_router("/", fieldwork_router)
api.add_router("/", map_router)
api.add_router("/", basedata_router)
api.add_router("/", basedata_map_router)
