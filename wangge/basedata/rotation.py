"""Key rotation: re-encrypt, in batches, every value not yet under the current SM4 key."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q

from wangge.basedata import models as m
from wangge.basedata import protection

# (model, ciphertext column, kind) for every protected column of the built-in models.
COLUMNS = [
    (m.Person, "id_number_cipher", "id_number"),
    (m.Person, "phone_cipher", "phone"),
    (m.House, "owner_id_number_cipher", "id_number"),
    (m.House, "owner_phone_cipher", "phone"),
    (m.KeyYouth, "guardian_phone_cipher", "phone"),
    (m.Organization, "contact_phone_cipher", "phone"),
    (m.KeyPlace, "manager_phone_cipher", "phone"),
    (m.DisputeParty, "id_number_cipher", "id_number"),
    (m.DisputeParty, "phone_cipher", "phone"),
    (m.SchoolArea, "contact_phone_cipher", "phone"),
    (m.LineProtection, "responsible_phone_cipher", "phone"),
]
BATCH = 1000


@dataclass
class RotationReport:
    current_key: str
    rewritten: int


def _stale(model, column: str, current: str):
    return model.objects.exclude(Q(**{column: ""}) | Q(**{f"{column}__startswith": f"{current}$"}))


def rotate(batch: int = BATCH) -> RotationReport:
    """Each batch is its own transaction, so a long rotation can stop and resume safely."""
    ring = protection.keyring()
    rewritten = 0
    for model, column, kind in COLUMNS:
        while True:
            with transaction.atomic():
                rows = list(
                    _stale(model, column, ring.current)
                    .select_for_update()
                    .order_by("pk")
                    .values_list("pk", column)[:batch]
                )
                for pk, stored in rows:
                    fresh = protection.encrypt(protection.decrypt(stored, kind, ring), kind, ring)
                    model.objects.filter(pk=pk).update(**{column: fresh})
            rewritten += len(rows)
            if len(rows) < batch:
                break
    rewritten += _rotate_custom(ring, batch)
    return RotationReport(ring.current, rewritten)


def _rotate_custom(ring: protection.Keyring, batch: int) -> int:
    """Custom records keep ciphertexts in JSON: rewrite those whose values use an old key."""
    rewritten = 0
    for category in m.CustomCategory.objects.all():
        kinds = {
            f["key"]: f["type"] for f in category.fields if f["type"] in ("id_number", "phone")
        }
        if not kinds:
            continue
        last = 0
        while True:
            with transaction.atomic():
                records = list(
                    m.CustomRecord.objects.select_for_update()
                    .filter(category=category, pk__gt=last)
                    .order_by("pk")[:batch]
                )
                for record in records:
                    changed = False
                    for key, kind in kinds.items():
                        stored = record.data.get(key)
                        if stored and protection.key_id_of(stored) != ring.current:
                            plain = protection.decrypt(stored, kind, ring)
                            record.data[key] = protection.encrypt(plain, kind, ring)
                            changed = True
                    if changed:
                        record.save(update_fields=["data"])
                        rewritten += 1
            if len(records) < batch:
                break
            last = records[-1].pk
    return rewritten
