"""Mounts every domain app's router on the API; imported once by the URLconf."""

from wangge.accounts.api import router as accounts_router
from wangge.api.core import api
from wangge.assessment.api import router as assessment_router
from wangge.regions.api import router as regions_router

api.add_router("/", regions_router)
api.add_router("/", accounts_router)
api.add_router("/", assessment_router)
