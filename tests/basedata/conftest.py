"""Base-data fixtures: imports run inline into a temporary media dir, sample records."""

import pytest

from tests.basedata import samples
from wangge.basedata import access
from wangge.basedata.categories import BUILTIN
from wangge.basedata.models import Permission
from wangge.basedata.services import create_record


@pytest.fixture(autouse=True)
def _inline_imports(settings, tmp_path):
    settings.WANGGE_JOB_RUNNER = "inline"
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def post_import(django_capture_on_commit_callbacks):
    """POST a file to the import endpoint and run the job its commit queues (a test's own
    transaction never commits): a refusal's answer, or the accepted job after the import."""

    def post(client, upload, category: str = "person"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"/api/basedata/{category}/imports", {"file": upload})
        if response.status_code != 202:
            return response
        assert response.json()["status"] == "queued", "the job ran before its commit"
        return client.get(f"/api/basedata/imports/{response.json()['id']}")

    return post


@pytest.fixture
def t1_grid(cast):
    return cast.jurisdiction.grids["t1_north"]


@pytest.fixture
def house(cast, t1_grid):
    values = {
        "code": "H-0001",
        "address": "一村一组 1 号",
        "use": "出租",
        "grid_code": t1_grid.code,
    }
    return create_record(BUILTIN["house"], cast["county_operator"], values)


@pytest.fixture
def person(cast, house):
    values = {
        "name": "张三丰",
        "kind": "户籍人口",
        "id_number": samples.MAN,
        "phone": samples.MOBILE,
        "house_code": house.code,
    }
    return create_record(BUILTIN["person"], cast["county_operator"], values)


@pytest.fixture
def revealer(cast):
    user = cast["county_operator"]
    access.grant(user, Permission.REVEAL)
    return user


@pytest.fixture
def special_access(cast):
    for name in ("county_operator", "township_1_operator", "township_2_operator", "leader"):
        access.grant(cast[name], Permission.SPECIAL_POPULATION)
    for name in ("grid_worker_1", "grid_worker_2", "village_1_operator"):
        access.grant(cast[name], Permission.SPECIAL_POPULATION)
