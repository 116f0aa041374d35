"""The SM3 hash chain of the trail and `wangge verify-trail`."""

from io import StringIO

import pytest
from django.core.management import call_command

from wangge.events.choices import State
from wangge.events.models import TrailEntry
from wangge.events.services import perform
from wangge.events.trail import GENESIS, Break, sm3_hex, verify_trail


def test_sm3_matches_the_standard_test_vector():
    # GB/T 32905-2016, appendix A.1: SM3("abc").
    expected = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    assert sm3_hex(b"abc") == expected


@pytest.fixture
def walked(cast, report):
    """Two events; the first with a five-entry trail, the second with one entry."""
    event = report()
    operator = cast["village_1_operator"]
    perform(event.pk, "accept", operator, comment="受理，转执法")
    perform(event.pk, "dispatch", operator, lead_department=cast.department.pk)
    perform(event.pk, "sign", cast["department_handler"])
    perform(event.pk, "submit_result", cast["department_handler"], result="已清理")
    return event, report()


def chain(event):
    return list(TrailEntry.objects.filter(event=event).order_by("sequence"))


def test_an_untouched_trail_verifies_and_links_each_entry_to_the_previous(walked):
    event, other = walked
    entries = chain(event)
    assert [e.sequence for e in entries] == [1, 2, 3, 4, 5]
    assert entries[0].previous_hash == GENESIS
    assert all(b.previous_hash == a.entry_hash for a, b in zip(entries, entries[1:], strict=False))
    assert entries[-1].to_state == State.SUBMITTED
    assert verify_trail() == []


def test_an_edited_comment_is_found_at_its_entry(walked):
    event, _ = walked
    TrailEntry.objects.filter(event=event, sequence=2).update(comment="受理")
    assert verify_trail() == [Break(event.pk, 2, "edited")]


def test_an_edited_payload_or_actor_is_found(walked, cast):
    event, _ = walked
    TrailEntry.objects.filter(event=event, sequence=3).update(payload={"lead_department": 1})
    TrailEntry.objects.filter(event=event, sequence=4).update(actor=cast["county_operator"])
    assert verify_trail([event.pk]) == [Break(event.pk, 3, "edited")]


def test_a_deleted_middle_entry_is_found(walked):
    event, _ = walked
    TrailEntry.objects.filter(event=event, sequence=3).delete()
    assert verify_trail() == [Break(event.pk, 3, "deleted")]


def test_a_deleted_last_entry_is_found(walked):
    event, _ = walked
    TrailEntry.objects.filter(event=event, sequence=5).delete()
    assert verify_trail() == [Break(event.pk, 5, "deleted")]


def test_renumbering_after_a_deletion_is_still_found(walked):
    event, _ = walked
    TrailEntry.objects.filter(event=event, sequence=3).delete()
    for sequence in (4, 5):
        TrailEntry.objects.filter(event=event, sequence=sequence).update(sequence=sequence - 1)
    assert verify_trail() == [Break(event.pk, 3, "deleted")]


def test_swapped_sequences_are_found_as_reordered(walked):
    event, _ = walked
    entries = TrailEntry.objects.filter(event=event)
    entries.filter(sequence=3).update(sequence=99)
    entries.filter(sequence=4).update(sequence=3)
    entries.filter(sequence=99).update(sequence=4)
    assert verify_trail() == [Break(event.pk, 3, "reordered")]


def test_verify_trail_command_reports_breaks_with_a_failing_exit(walked):
    event, other = walked
    out = StringIO()
    call_command("verify_trail", stdout=out)
    assert "intact" in out.getvalue()

    TrailEntry.objects.filter(event=event, sequence=2).update(comment="改过")
    err = StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("verify_trail", stdout=StringIO(), stderr=err)
    assert exited.value.code == 1
    assert f"event={event.pk} sequence=2 reason=edited" in err.getvalue()
    call_command("verify_trail", "--event", str(other.pk), stdout=StringIO())
