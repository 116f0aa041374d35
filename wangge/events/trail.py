"""The tamper-evident trail (全程留痕): one SM3 hash chain per event.

entry_hash = SM3(previous_hash || canonical JSON of the entry's own fields), the first entry
chaining from GENESIS. Entries are only ever appended, by the action that writes them and
under that action's lock on the event row, so the sequence has no gaps and a later edit,
deletion or reordering of rows breaks the chain where it happened. Each action also bumps
`Event.version` once, so a trail shorter than `version + 1` has lost entries at its end.
"""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import groupby
from operator import attrgetter

from wangge.events.models import Event, TrailEntry

GENESIS = "0" * 64


def sm3_hex(data: bytes) -> str:
    """SM3 (GB/T 32905) from OpenSSL through hashlib.

    OpenSSL 3 ships SM3 in its default provider, which every supported platform's Python
    links against, so no extra dependency is needed; a build without it fails loudly here.
    """
    digest = hashlib.new("sm3")
    digest.update(data)
    return digest.hexdigest()


def canonical_fields(entry: TrailEntry) -> bytes:
    created = entry.created_at.astimezone(UTC).isoformat(timespec="microseconds")
    fields = {
        "event": entry.event_id,
        "sequence": entry.sequence,
        "action": entry.action,
        "actor": entry.actor_id,
        "actor_unit": entry.actor_unit_id,
        "from": entry.from_state,
        "to": entry.to_state,
        "comment": entry.comment,
        "payload": entry.payload,
        "created_at": created,
    }
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def entry_hash(previous_hash: str, entry: TrailEntry) -> str:
    return sm3_hex(previous_hash.encode("ascii") + canonical_fields(entry))


def append_entry(
    event: Event,
    *,
    action: str,
    actor,
    from_state: str,
    to_state: str,
    now: datetime,
    comment: str = "",
    payload: dict | None = None,
    first: bool = False,
) -> TrailEntry:
    """Write the next entry of the event's chain; the caller holds the event's row lock.

    `first` is for the entry that creates the event: nothing can precede it, so the chain's
    head is not read. A wrong `first` cannot go unnoticed: (event, sequence) is unique.
    """
    last = None
    if not first:
        last = (
            TrailEntry.objects.filter(event=event)
            .order_by("-sequence")
            .values_list("sequence", "entry_hash")
            .first()
        )
    sequence, previous = (last[0] + 1, last[1]) if last else (1, GENESIS)
    entry = TrailEntry(
        event=event,
        region_code=event.region_code,
        sequence=sequence,
        action=action,
        actor=actor,
        actor_unit_id=actor.unit_id if actor is not None else None,
        from_state=from_state,
        to_state=to_state,
        comment=comment,
        payload=payload or {},
        created_at=now,
        previous_hash=previous,
    )
    entry.entry_hash = entry_hash(previous, entry)
    entry.save()
    return entry


@dataclass(frozen=True)
class Break:
    """The first place an event's chain no longer holds."""

    event_id: int
    sequence: int
    reason: str  # "edited", "deleted" or "reordered"

    def __str__(self) -> str:
        return f"event {self.event_id} entry #{self.sequence}: {self.reason}"


def check_chain(event_id: int, version: int, entries: list[TrailEntry]) -> Break | None:
    known = {e.entry_hash for e in entries}
    previous = GENESIS
    for expected, entry in enumerate(entries, start=1):
        if entry.sequence != expected:
            return Break(event_id, expected, "deleted")
        if entry.previous_hash != previous:
            # It chains from another entry of this event (moved), or from one that is gone.
            reason = "reordered" if entry.previous_hash in known else "deleted"
            return Break(event_id, expected, reason)
        if entry_hash(previous, entry) != entry.entry_hash:
            return Break(event_id, expected, "edited")
        previous = entry.entry_hash
    if len(entries) < version + 1:
        return Break(event_id, len(entries) + 1, "deleted")
    return None


def verify_trail(event_ids: Iterable[int] | None = None) -> list[Break]:
    """Recompute every chain (or the given events'), returning each event's first break.

    Entries are streamed in chain order, so memory holds one event's chain at a time.
    """
    events = Event.objects.all()
    entries = TrailEntry.objects.order_by("event_id", "sequence")
    if event_ids is not None:
        ids = list(event_ids)
        events = events.filter(pk__in=ids)
        entries = entries.filter(event_id__in=ids)
    versions = dict(events.values_list("pk", "version"))
    breaks = {}
    seen = set()
    for event_id, chain in groupby(entries.iterator(chunk_size=2000), key=attrgetter("event_id")):
        seen.add(event_id)
        found = check_chain(event_id, versions.get(event_id, 0), list(chain))
        if found:
            breaks[event_id] = found
    for event_id in versions.keys() - seen:
        breaks[event_id] = Break(event_id, 1, "deleted")
    return [breaks[k] for k in sorted(breaks)]
