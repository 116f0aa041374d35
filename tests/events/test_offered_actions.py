"""A page offers an action only when the state table's guards would accept it: the buttons
follow the same conditions `perform` checks, so no offered button is bound to be refused."""

from tests.events.test_flows import at, to_closed
from wangge.events.choices import Channel, Rating
from wangge.events.queries import available_actions
from wangge.events.services import perform


def offered(event, user) -> set[str]:
    event.refresh_from_db()
    return {spec.name for spec in available_actions(event, user)}


def test_reopen_is_offered_only_after_an_unsatisfied_rating(cast, report):
    operator = cast["village_1_operator"]
    pleased, displeased = report(), report()
    for event in (pleased, displeased):
        to_closed(event, cast)
    assert "reopen" not in offered(pleased, operator)  # not rated yet
    perform(
        pleased.pk, "evaluate", None, tracking_code=pleased.tracking_code, rating=Rating.SATISFIED
    )
    perform(
        displeased.pk,
        "evaluate",
        None,
        tracking_code=displeased.tracking_code,
        rating=Rating.UNSATISFIED,
    )
    assert "reopen" not in offered(pleased, operator)
    assert "reopen" in offered(displeased, operator)


def test_the_grid_worker_is_not_offered_the_check_of_his_own_fix(cast, report):
    worker = cast["grid_worker_1"]
    event = report(
        channel=Channel.GRID_WORKER, reporter=worker, self_handled=True, result="当场清理"
    )
    assert not {"check_pass", "check_fail"} & offered(event, worker)
    assert {"check_pass", "check_fail"} <= offered(event, cast["village_1_operator"])


def test_escalate_is_not_offered_at_the_top_centre(cast, report):
    event = report()
    assert "escalate" in offered(event, cast["village_1_operator"])
    perform(event.pk, "escalate", cast["village_1_operator"], now=at(0.1), reason="村级无法解决")
    perform(event.pk, "escalate", cast["township_1_operator"], now=at(0.2), reason="镇级无法解决")
    assert "escalate" not in offered(event, cast["county_operator"])


def test_dispatch_waits_for_the_verification_its_category_needs(cast, categories, report):
    event = report(category=categories.hazard)
    operator = cast["village_1_operator"]
    perform(event.pk, "accept", operator, now=at(0.1))
    assert "dispatch" not in offered(event, operator)
    perform(event.pk, "request_verification", operator)
    perform(event.pk, "verify", cast["grid_worker_1"], findings="现场确有隐患")
    assert "dispatch" in offered(event, operator)
    plain = report()
    perform(plain.pk, "accept", operator, now=at(0.1))
    assert "dispatch" in offered(plain, operator)  # no verification needed
