"""What the seed-story replays share: the demo's category tree and its departments, and
small HTTP helpers that fail loudly with the answer's body.

The test county has the demo county's code, so the demo's `load_categories` finds the
departments created here by name and sets them as the categories' defaults, with the
demo's step limits (SPEC §4) on every category.
"""

from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.conftest import Cast, make_user
from tests.events.api.conftest import jpeg_bytes
from wangge.accounts.models import OrgUnit, Role, UnitKind
from wangge.demo.categories import load_categories
from wangge.events.models import Category
from wangge.regions.codes import RegionLevel

# Departments of the stories beside the cast's 行政执法局, with their handler's username.
DEPARTMENTS = {
    "交通局": "transport_handler",
    "住建局": "housing_handler",
    "公安局": "police_handler",
}


@dataclass
class County:
    categories: dict[str, Category]
    departments: dict[str, OrgUnit]

    def category(self, code: str) -> int:
        return self.categories[code].pk

    def department(self, name: str) -> int:
        return self.departments[name].pk


def set_up_county(cast: Cast) -> County:
    """Add the story departments with one handler each (known to `as_user`), then the tree."""
    departments = {cast.department.name: cast.department}
    for name, username in DEPARTMENTS.items():
        unit = OrgUnit.objects.create(
            name=name,
            kind=UnitKind.DEPARTMENT,
            level=RegionLevel.COUNTY,
            region=cast.jurisdiction.county,
        )
        departments[name] = unit
        cast.users[username] = make_user(username, Role.DEPARTMENT_HANDLER, unit)
    categories = {c.code: c for c in load_categories()}
    return County(categories, departments)


def photo(name: str = "photo.jpg", gps: tuple[float, float] | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_bytes(gps=gps), "image/jpeg")


def act(client: Client, event_id: int, action: str, body: dict | None = None, photos=()) -> dict:
    """One workflow action over HTTP: JSON, or multipart when it carries photos."""
    url = f"/api/events/{event_id}/actions/{action}"
    if photos:
        response = client.post(url, {**(body or {}), "photos": list(photos)})
    else:
        response = client.post(url, body or {}, content_type="application/json")
    assert response.status_code == 200, (action, response.content.decode())
    return response.json()


def refused(client: Client, event_id: int, action: str, body: dict | None = None) -> tuple:
    """(status, code) of an action that must not go through."""
    response = client.post(
        f"/api/events/{event_id}/actions/{action}", body or {}, content_type="application/json"
    )
    assert response.status_code >= 400, (action, response.content.decode())
    return response.status_code, response.json()["code"]


def detail(client: Client, event_id: int) -> dict:
    response = client.get(f"/api/events/{event_id}")
    assert response.status_code == 200, response.content.decode()
    return response.json()


def listed_ids(client: Client, **filters) -> set[int]:
    response = client.get("/api/events", filters)
    assert response.status_code == 200, response.content.decode()
    return {row["id"] for row in response.json()["results"]}


def photo_actions(event: dict) -> list[str]:
    """The action of the trail entry each photo of an event detail hangs on, in order."""
    by_sequence = {entry["sequence"]: entry["action"] for entry in event["trail"]}
    items = sorted(event["attachments"], key=lambda item: item["id"])
    return [by_sequence[item["trail_sequence"]] for item in items]
