"""Tracking by code: the public timeline as text, rating after closure, withdrawal."""

from tests.web.public.conftest import T1_NORTH
from wangge.events.choices import Channel, Rating, State
from wangge.events.services import report_event


def test_the_timeline_shows_the_report_as_text_and_no_staff_detail(client, closed):
    page = client.get(f"/public/track/{closed.tracking_code}/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "直接答复" in page and "已结案" in page
    assert "已答复" not in page and "village_1_operator" not in page
    assert 'id="rating-form"' in page


def test_codes_are_case_insensitive_and_unknown_codes_are_404(client, closed):
    lower = client.get(f"/public/track/{closed.tracking_code.lower()}/")
    assert lower.status_code == 200
    assert client.get("/public/track/NOPE2345NOPE/").status_code == 404
    assert client.get("/public/track/%3Cscript%3E/").status_code == 404
    lookup = client.get("/public/track/", {"code": f" {closed.tracking_code.lower()} "})
    assert lookup["Location"] == f"/public/track/{closed.tracking_code}/"


def test_rating_after_closure_once(client, closed):
    url = f"/public/track/{closed.tracking_code}/"
    response = client.post(url, {"action": "evaluate", "rating": Rating.SATISFIED, "comment": "好"})
    assert response.status_code == 302
    closed.refresh_from_db()
    assert closed.rating == Rating.SATISFIED
    page = client.get(url).content.decode()
    assert 'id="rating-form"' not in page and "满意" in page
    again = client.post(url, {"action": "evaluate", "rating": Rating.UNSATISFIED})
    assert again.status_code == 400
    closed.refresh_from_db()
    assert closed.rating == Rating.SATISFIED


def test_no_rating_before_closure_and_bad_ratings_are_refused(client, cast, policy):
    event = report_event(
        channel=Channel.PUBLIC_APP, category=policy, title="t", lon=T1_NORTH[0], lat=T1_NORTH[1]
    ).event
    url = f"/public/track/{event.tracking_code}/"
    assert 'id="rating-form"' not in client.get(url).content.decode()
    assert client.post(url, {"action": "evaluate", "rating": "satisfied"}).status_code == 400
    assert client.post(url, {"action": "reopen"}).status_code == 400
    event.refresh_from_db()
    assert event.state == State.REPORTED and event.rating == ""


def test_bad_rating_value_is_a_400(client, closed):
    url = f"/public/track/{closed.tracking_code}/"
    assert client.post(url, {"action": "evaluate", "rating": "great"}).status_code == 400
    closed.refresh_from_db()
    assert closed.rating == ""


def test_the_reporter_may_withdraw_before_acceptance(client, cast, policy):
    event = report_event(
        channel=Channel.PUBLIC_APP, category=policy, title="t", lon=T1_NORTH[0], lat=T1_NORTH[1]
    ).event
    url = f"/public/track/{event.tracking_code}/"
    assert client.post(url, {"action": "withdraw"}).status_code == 302
    event.refresh_from_db()
    assert event.state == State.WITHDRAWN


def test_tracking_shares_the_apis_abuse_limit(client, closed, settings):
    settings.WANGGE_RATE_LIMITS = {"public_track": (2, 600)}
    assert client.get(f"/api/track/{closed.tracking_code}").status_code == 200
    assert client.get(f"/public/track/{closed.tracking_code}/").status_code == 200
    assert client.get(f"/public/track/{closed.tracking_code}/").status_code == 429
