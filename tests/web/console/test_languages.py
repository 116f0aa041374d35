"""Each role's main pages speak one language: in English no Chinese outside user data, and
in Chinese no untranslated English chrome (issue 12, acceptance f).

The pages' visible text is scanned (not scripts, styles, attributes or select options).
What users and administrators typed — names of regions, grids, units and categories, event
titles, usernames, tracking codes — is data and is removed before the scan.
"""

import re
from html.parser import HTMLParser

from django.test import Client

from wangge.accounts.models import OrgUnit, User
from wangge.events.models import Category, Event
from wangge.events.services import perform
from wangge.regions.models import Grid, Region

CHINESE = re.compile(r"[\u3400-\u9fff]+")
ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")
# Product and format names that read the same in both languages.
NAMES = ("Excel", "PDF", "CSV")


class VisibleText(HTMLParser):
    HIDDEN = ("script", "style", "option", "template")

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs) -> None:
        self.hidden += tag in self.HIDDEN

    def handle_endtag(self, tag) -> None:
        self.hidden -= tag in self.HIDDEN

    def handle_data(self, data) -> None:
        if not self.hidden:
            self.parts.append(data)


def data_values() -> list[str]:
    """Everything users typed that pages show, longest first (so a name is removed whole)."""
    values = [
        *Region.objects.values_list("name", flat=True),
        *Grid.objects.values_list("name", flat=True),
        *OrgUnit.objects.values_list("name", flat=True),
        *Category.objects.values_list("name", flat=True),
        *Event.objects.values_list("title", flat=True),
        *Event.objects.values_list("tracking_code", flat=True),
        *User.objects.values_list("username", flat=True),
    ]
    return sorted({v for v in values if v}, key=len, reverse=True)


def visible_text(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    parser = VisibleText()
    parser.feed(response.content.decode())
    text = " ".join(parser.parts)
    for value in data_values():
        text = text.replace(value, " ")
    return text


def pages(cast, event: Event) -> dict[str, list[str]]:
    return {
        "county_operator": [
            "/console/",
            "/console/?state=live",
            "/console/board/",
            "/console/map/",
            "/console/hotline/",
            "/stats/",
            "/notices/",
            "/base/",
            "/base/person/",
            "/base/house/",
        ],
        "village_1_operator": [f"/console/events/{event.pk}/"],
        "leader": ["/leader/", f"/leader/events/{event.pk}/", "/stats/"],
        "department_handler": ["/department/", f"/department/events/{event.pk}/", "/notices/"],
        "grid_worker_1": ["/field/"],
    }


def client_in(cast, name: str, language: str) -> Client:
    client = Client()
    client.force_login(cast[name])
    client.cookies["django_language"] = language
    return client


def dispatched_event(cast, report) -> Event:
    event = report(title="井盖缺失")
    operator = cast["village_1_operator"]
    perform(event.pk, "accept", operator)
    perform(event.pk, "dispatch", operator, lead_department=cast.department.pk)
    return event


def test_english_pages_show_no_chinese_outside_user_data(cast, report):
    event = dispatched_event(cast, report)
    found = {}
    for name, urls in pages(cast, event).items():
        client = client_in(cast, name, "en")
        for url in urls:
            chinese = set(CHINESE.findall(visible_text(client, url)))
            if chinese:
                found[(name, url)] = sorted(chinese)
    assert found == {}


def test_chinese_pages_show_no_untranslated_english(cast, report):
    event = dispatched_event(cast, report)
    found = {}
    for name, urls in pages(cast, event).items():
        client = client_in(cast, name, "zh-hans")
        for url in urls:
            english = set(ENGLISH_WORD.findall(visible_text(client, url))) - set(NAMES)
            if english:
                found[(name, url)] = sorted(english)
    assert found == {}
