"""The grid-worker app's HTTP API, mounted under /api/field/: patrols and tasks (field.py),
visits, inspections, the diary and points (records.py)."""

from wangge.fieldwork.api.field import router

__all__ = ["router"]
