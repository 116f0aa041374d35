"""Intake: public, staff and 12345 hotline reports, with photos and idempotency keys."""

import hashlib
from typing import Annotated

from ninja import File, Header, Status, UploadedFile

from wangge.accounts.models import Role
from wangge.api.forms import FormOrJson
from wangge.api.permissions import public, roles
from wangge.common.ratelimit import check_rate
from wangge.errors import DomainError, Forbidden
from wangge.events.api.router import router
from wangge.events.api.schemas import (
    HotlineIntakeIn,
    IntakeOut,
    PublicIntakeIn,
    StaffIntakeIn,
    StaffIntakeOut,
)
from wangge.events.choices import Channel
from wangge.events.display import state_label
from wangge.events.services import report_event

CHANNELS_BY_ROLE = {
    Role.GRID_WORKER: {Channel.GRID_WORKER},
    Role.OPERATOR: {Channel.OPERATOR, Channel.HOTLINE, Channel.VIDEO_PATROL},
}
Photos = File[list[UploadedFile]]
PUBLIC_KEY_MIN_LENGTH = 16


def _idempotency_key(namespace: str, key: str | None, min_length: int = 1) -> str | None:
    """Namespaced and hashed, so one client's key can never name another channel's event.

    Public clients share one namespace and a resend returns the tracking code, so their keys
    must be long enough to be unguessable (a UUID is).
    """
    if not key:
        return None
    if not min_length <= len(key) <= 200 or "\x00" in key:
        raise DomainError(
            "invalid_input",
            f"Idempotency-Key 须为 {min_length}～200 个字符（建议使用 UUID）。",
            {"min_length": min_length},
        )
    return hashlib.sha256(f"{namespace}\x00{key}".encode()).hexdigest()


def _intake(request, key: str | None, photos, **fields) -> Status:
    """Report with the photos (or answer the earlier report for this key): 201 or 200."""
    auth = getattr(request, "auth", None)
    user = auth if getattr(auth, "is_authenticated", False) else None
    intake = report_event(reporter=user, idempotency_key=key, photos=photos or (), **fields)
    event = intake.event
    return Status(
        200 if intake.duplicate else 201,
        {
            "id": event.pk,
            "version": event.version,
            "tracking_code": event.tracking_code,
            "state": event.state,
            "state_label": state_label(event.state),
            "created_at": event.created_at,
            "attachments": len(intake.attachments),
            "duplicate": intake.duplicate,
        },
    )


@router.post(
    "/public/events",
    response={201: IntakeOut, 200: IntakeOut},
    auth=None,
    summary="Report an event without an account (public app, QR code, mini-program)",
)
@public
def public_intake(
    request,
    payload: Annotated[PublicIntakeIn, FormOrJson(...)],
    photos: Photos = None,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
):
    """Rate-limited per client address. Keep the returned tracking code: it is the only
    way to follow, withdraw or rate the report. Resending with the same Idempotency-Key
    returns the first report (200) instead of creating another."""
    check_rate(request, "public_intake")
    key = _idempotency_key("public", idempotency_key, min_length=PUBLIC_KEY_MIN_LENGTH)
    return _intake(request, key, photos, **payload.dict())


@router.post(
    "/events",
    response={201: StaffIntakeOut, 200: StaffIntakeOut},
    summary="Report an event as staff (grid worker patrol, operator entry for a caller)",
)
@roles(Role.GRID_WORKER, Role.OPERATOR)
def staff_intake(
    request,
    payload: Annotated[StaffIntakeIn, FormOrJson(...)],
    photos: Photos = None,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
):
    """Grid workers report on channel grid_worker and may report a problem already fixed
    (self_handled with result); operators enter calls (operator, hotline, video_patrol)
    with the caller's name and phone."""
    user = request.auth
    allowed = set().union(*(CHANNELS_BY_ROLE[r] for r in CHANNELS_BY_ROLE if user.has_role(r)))
    if payload.channel not in allowed and not user.is_superuser:
        raise Forbidden("forbidden", "您的角色不能使用该渠道上报。", {"channel": payload.channel})
    key = _idempotency_key(f"user:{user.pk}", idempotency_key)
    return _intake(request, key, photos, **payload.dict())


@router.post(
    "/hotline/events",
    response={201: StaffIntakeOut, 200: StaffIntakeOut},
    summary="Intake from the 12345 hotline system (machine user, token auth)",
)
@roles(Role.OPERATOR)
def hotline_intake(request, payload: HotlineIntakeIn):
    """For the external 12345 system: a machine user holding the operator role at the county
    centre calls with its API token (Authorization: Bearer ...). The external case id is the
    idempotency key, so resending a case returns the event made the first time."""
    fields = payload.dict()
    case_id = fields.pop("external_case_id")
    fields["reporter_name"] = fields.pop("caller_name")
    fields["reporter_phone"] = fields.pop("caller_phone")
    key = _idempotency_key("hotline", case_id)
    return _intake(request, key, None, channel=Channel.HOTLINE, **fields)
