"""The one router every events API module registers its operations on."""

from ninja import Router

router = Router(tags=["events"])
