"""Search: exact ID number and phone through the keyed index, names and addresses, scoped."""

from tests.basedata import samples


def _ids(response):
    assert response.status_code == 200, response.content
    return [(r["category"], r["id"]) for r in response.json()]


def test_search_by_exact_id_number_phone_name_and_address(as_user, person, house):
    client = as_user("county_operator")
    assert _ids(client.get("/api/basedata/search", {"q": samples.MAN})) == [("person", person.pk)]
    assert _ids(client.get("/api/basedata/search", {"q": samples.MAN.lower()})) == [
        ("person", person.pk)
    ]
    assert _ids(client.get("/api/basedata/search", {"q": samples.MOBILE})) == [
        ("person", person.pk)
    ]
    assert _ids(client.get("/api/basedata/search", {"q": "张三"})) == [("person", person.pk)]
    assert ("house", house.pk) in _ids(client.get("/api/basedata/search", {"q": "一组"}))
    assert _ids(client.get("/api/basedata/search", {"q": samples.WOMAN})) == []


def test_search_answers_are_masked(as_user, person):
    response = as_user("county_operator").get("/api/basedata/search", {"q": samples.MAN})
    assert samples.MAN.encode() not in response.content
    assert samples.MOBILE.encode() not in response.content
    assert "张三丰".encode() not in response.content


def test_search_stays_in_scope(as_user, person):
    assert (
        _ids(as_user("township_2_operator").get("/api/basedata/search", {"q": samples.MAN})) == []
    )
