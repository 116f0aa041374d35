"""The standard cast: one user per role, placed in the small test jurisdiction.

county_operator sees everything in the county; township_1_operator and
township_2_operator see only their own township; and so on. Tests ask for the
users they need by name.

Each worker builds the jurisdiction and the cast once and every test that asks gets the
same rows inserted again into its own transaction (tests/rows.py explains why and how).
"""

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client, override_settings
from django.utils import translation

from tests.demo.conftest import SMALL_GRIDS
from tests.jurisdiction import Jurisdiction, build_jurisdiction
from tests.rows import AddedRows, recording
from wangge.accounts.models import OrgUnit, Role, UnitKind, User
from wangge.accounts.services import grant_role, issue_token
from wangge.events import reference
from wangge.regions import locate
from wangge.regions.codes import RegionLevel
from wangge.regions.models import Grid, Region

PASSWORD = "Test-password-1"
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DEMO_EVENTS = 150


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
    """Tests create users and log them in; PBKDF2 would dominate the run time."""
    settings.PASSWORD_HASHERS = FAST_HASHERS


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


def build_cast(j: Jurisdiction) -> Cast:
    """Through the services, as the product makes them; run once per worker (standard_rows)."""
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


REGIONS = [f.name for f in fields(Jurisdiction) if f.name != "grids"]
UNITS = [f.name for f in fields(Cast) if f.name not in ("jurisdiction", "users")]


@dataclass(frozen=True)
class StandardRows:
    """The jurisdiction's and the cast's rows, and which primary key plays which part."""

    jurisdiction: AddedRows
    cast: AddedRows
    regions: dict[str, int]
    grids: dict[str, int]
    units: dict[str, int]
    users: dict[str, int]


@pytest.fixture(scope="session", autouse=True)
def standard_rows(django_db_setup, django_db_blocker) -> StandardRows:
    """Build the jurisdiction and the cast once per worker, keeping only their rows.

    Autouse, so it runs first in every worker: built later it could land inside a
    module's open transaction (tests/assessment's demo) and record the demo's rows too.
    """
    fast = override_settings(PASSWORD_HASHERS=FAST_HASHERS)
    with django_db_blocker.unblock():
        with fast, recording() as added_since_last:
            j = build_jurisdiction()
            jurisdiction_rows = added_since_last()
            cast = build_cast(j)
            rows = StandardRows(
                jurisdiction=jurisdiction_rows,
                cast=added_since_last(),
                regions={name: getattr(j, name).pk for name in REGIONS},
                grids={name: grid.pk for name, grid in j.grids.items()},
                units={name: getattr(cast, name).pk for name in UNITS},
                users={name: user.pk for name, user in cast.users.items()},
            )
        rows.jurisdiction.reserve_keys()
        rows.cast.reserve_keys()
    return rows


def _forget_process_snapshots() -> None:
    """Rows inserted without save() send no signal; make every process snapshot (grid
    index, workflow reference) reload on its next read, whatever read it before."""
    cache.delete_many([locate.VERSION_KEY, reference.VERSION_KEY])


@pytest.fixture
def jurisdiction(db, standard_rows) -> Jurisdiction:
    standard_rows.jurisdiction.insert()
    _forget_process_snapshots()
    regions = Region.objects.select_related("parent").in_bulk(standard_rows.regions.values())
    grids = Grid.objects.select_related("village").in_bulk(standard_rows.grids.values())
    return Jurisdiction(
        **{name: regions[pk] for name, pk in standard_rows.regions.items()},
        grids={name: grids[pk] for name, pk in standard_rows.grids.items()},
    )


@pytest.fixture
def cast(jurisdiction, standard_rows) -> Cast:
    standard_rows.cast.insert()
    _forget_process_snapshots()
    units = OrgUnit.objects.select_related("region").in_bulk(standard_rows.units.values())
    users = User.objects.select_related("unit__region").in_bulk(standard_rows.users.values())
    return Cast(
        jurisdiction,
        **{name: units[pk] for name, pk in standard_rows.units.items()},
        users={name: users[pk] for name, pk in standard_rows.users.items()},
    )


@dataclass(frozen=True)
class DemoRows:
    """The rows of `wangge demo` (small) and what the command printed while building them."""

    rows: AddedRows
    output: str


@pytest.fixture(scope="session")
def demo_rows(django_db_setup, django_db_blocker) -> DemoRows:
    """The small demo with its events, built by the command once per worker.

    Building it costs tens of seconds, so each module that reads it inserts these rows
    instead (`inserted_demo`). Grouping those modules on one xdist worker would save the
    other worker's build, but --dist loadgroup ignores its marks under pytest 9.2
    (pytest-dev/pytest-xdist#1386).
    """
    output = io.StringIO()
    with django_db_blocker.unblock():
        if connection.in_atomic_block:
            raise RuntimeError("build the demo rows before any module opens a transaction")
        with recording() as added_since_last:
            _forget_process_snapshots()
            call_command("demo", grids=SMALL_GRIDS, events=DEMO_EVENTS, stdout=output)
            rows = added_since_last()
        rows.reserve_keys()
    return DemoRows(rows, output.getvalue())


@contextmanager
def inserted_demo(demo_rows: DemoRows, django_db_blocker) -> Iterator[None]:
    """The demo's rows for a module, rolled back at its end.

    Each test's own `db` transaction nests inside as a savepoint, so a test that changes
    the demo leaves it as it was for the next.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        demo_rows.rows.insert()
        _forget_process_snapshots()
        yield
        transaction.set_rollback(True)


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
