"""The standard cast: one user per role, placed in the small test jurisdiction.

county_operator sees everything in the county; township_1_operator and
township_2_operator see only their own township; and so on. Tests ask for the
users they need by name.
"""

from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from tests.jurisdiction import Jurisdiction, build_jurisdiction
from wangge.accounts.models import OrgUnit, Role, UnitKind, User
from wangge.accounts.services import grant_role, issue_token
from wangge.regions.codes import RegionLevel

PASSWORD = "Test-password-1"


@dataclass
class Cast:
    jurisdiction: Jurisdiction
    county_centre: OrgUnit
    township_1_centre: OrgUnit
    township_2_centre: OrgUnit
    village_1_centre: OrgUnit
    department: OrgUnit
    users: dict[str, User]

    def __getitem__(self, name: str) -> User:
        return self.users[name]


def make_user(username: str, role: str | None, unit: OrgUnit | None, **extra) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, unit=unit, **extra)
    if role:
        grant_role(user, role)
    return user


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """The cast creates a dozen users; PBKDF2 would dominate the run time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """The language a request activated (LocaleMiddleware never deactivates it) must not
    leak into the next test of the same worker."""
    yield
    translation.deactivate()


@pytest.fixture
def jurisdiction(db) -> Jurisdiction:
    return build_jurisdiction()


@pytest.fixture
def cast(jurisdiction) -> Cast:
    j = jurisdiction
    county = OrgUnit.objects.create(
        name="绥中县综治中心", kind=UnitKind.CENTRE, level=RegionLevel.COUNTY, region=j.county
    )
    t1 = OrgUnit.objects.create(
        name="一号镇综治中心",
        kind=UnitKind.CENTRE,
        level=RegionLevel.TOWNSHIP,
        region=j.township_1,
        parent=county,
    )
    t2 = OrgUnit.objects.create(
        name="二号镇综治中心",
        kind=UnitKind.CENTRE,
        level=RegionLevel.TOWNSHIP,
        region=j.township_2,
        parent=county,
    )
    v1 = OrgUnit.objects.create(
        name="一村综治中心",
        kind=UnitKind.CENTRE,
        level=RegionLevel.VILLAGE,
        region=j.village_1,
        parent=t1,
    )
    dept = OrgUnit.objects.create(
        name="行政执法局", kind=UnitKind.DEPARTMENT, level=RegionLevel.COUNTY, region=j.county
    )
    users = {
        "county_operator": make_user("county_operator", Role.OPERATOR, county),
        "township_1_operator": make_user("township_1_operator", Role.OPERATOR, t1),
        "township_2_operator": make_user("township_2_operator", Role.OPERATOR, t2),
        "village_1_operator": make_user("village_1_operator", Role.OPERATOR, v1),
        "department_handler": make_user("department_handler", Role.DEPARTMENT_HANDLER, dept),
        "grid_worker_1": make_user("grid_worker_1", Role.GRID_WORKER, v1),
        "grid_worker_2": make_user("grid_worker_2", Role.GRID_WORKER, t2),
        "leader": make_user("leader", Role.LEADER, county),
        "system_admin": make_user("system_admin", Role.SYSTEM_ADMIN, county),
        "security_admin": make_user("security_admin", Role.SECURITY_ADMIN, county),
        "audit_admin": make_user("audit_admin", Role.AUDIT_ADMIN, county),
        "citizen": make_user("citizen", Role.CITIZEN, None),
    }
    return Cast(j, county, t1, t2, v1, dept, users)


@pytest.fixture
def as_user(cast):
    """A test client authenticated by API token as the named cast member."""

    def client_for(name: str) -> Client:
        token = issue_token(cast[name], "tests")
        return Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    return client_for


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix, tmp_path_factory, request
) -> None:
    """SQLite tests use a file database, not Django's shared in-memory one.

    With an in-memory database the live server of the browser tests shares the test
    thread's single connection across all its request threads, so a live stream, a page
    request and the test itself interleave inside one transaction. A file gives every
    thread its own connection, as in the product (WAL mode, see settings).
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        worker = getattr(request.config, "workerinput", {}).get("workerid", "main")
        path = tmp_path_factory.getbasetemp() / f"test_{worker}.sqlite3"
        database.setdefault("TEST", {})["NAME"] = str(path)
