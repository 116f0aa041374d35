"""One record of every category in township 1 (and a few in township 2), with known
personal values, for the base-data page tests.

The clear values are listed in `Known.clear`; their masked forms are computed here by
hand (first six + eight stars + last four; first three + four stars + last four).
"""

from dataclasses import dataclass, field
from datetime import date

import pytest

from tests.basedata import samples
from wangge.basedata import access, custom
from wangge.basedata.categories import BUILTIN, get_category
from wangge.basedata.models import Permission
from wangge.basedata.services import create_record
from wangge.basedata.subrecords import add_party

READERS = [
    "county_operator",
    "township_1_operator",
    "village_1_operator",
    "grid_worker_1",
    "leader",
]
WRITERS = ["county_operator", "township_1_operator", "village_1_operator", "grid_worker_1"]
NOT_READERS = [
    "department_handler",
    "system_admin",
    "security_admin",
    "audit_admin",
    "citizen",
]
PHONES = {
    "org": "13700001111",
    "place": "13600002222",
    "school": "13500003333",
    "line": "13300004444",
    "guardian": "13200005555",
    "party": "15900006666",
    "dog": "18800007777",
}

T2_ID = samples.id_number(date(1970, 1, 1), 555)


def masked_id(value: str) -> str:
    return value[:6] + "********" + value[-4:]


def masked_phone(value: str) -> str:
    return value[:3] + "****" + value[-4:]


@dataclass
class Known:
    records: dict[str, object] = field(default_factory=dict)  # category key -> record
    other: dict[str, object] = field(default_factory=dict)  # township 2 records

    @property
    def clear(self) -> list[str]:
        return [
            samples.MAN,
            samples.WOMAN,
            samples.MOBILE,
            samples.OTHER_MOBILE,
            T2_ID,
            *PHONES.values(),
        ]

    @property
    def masked(self) -> list[str]:
        return [masked_id(samples.MAN), masked_phone(samples.MOBILE)]


@pytest.fixture(autouse=True)
def _inline_imports(settings, tmp_path):
    settings.WANGGE_JOB_RUNNER = "inline"
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def special_for_readers(cast):
    for name in READERS:
        access.grant(cast[name], Permission.SPECIAL_POPULATION)


@pytest.fixture
def known(cast, special_for_readers) -> Known:
    grids = cast.jurisdiction.grids
    t1, t2 = grids["t1_north"].code, grids["t2_north"].code
    op = cast["county_operator"]
    out = Known()

    def make(key: str, values: dict, where: dict | None = None):
        record = create_record(get_category(key), op, values)
        (where if where is not None else out.records)[key] = record
        return record

    house = make(
        "house",
        {
            "code": "H-T1-0001",
            "address": "一村一组 1 号",
            "use": "出租",
            "owner_name": "李四光",
            "owner_id_number": samples.WOMAN,
            "owner_phone": samples.OTHER_MOBILE,
            "grid_code": t1,
            "lon": 120.05,
            "lat": 40.07,
        },
    )
    make(
        "person",
        {
            "name": "张三丰",
            "kind": "户籍人口",
            "id_number": samples.MAN,
            "phone": samples.MOBILE,
            "address": "一村一组 1 号",
            "house_code": house.code,
        },
    )
    make(
        "special_population",
        {"person_id_number": samples.MAN, "kind": "社区矫正人员", "level": "一级（重点）"},
    )
    make(
        "key_youth",
        {
            "person_id_number": samples.MAN,
            "kind": "闲散青少年",
            "guardian_name": "张大山",
            "guardian_phone": PHONES["guardian"],
        },
    )
    make(
        "organization",
        {
            "name": "一村农机合作社",
            "kind": "社会组织",
            "credit_code": samples.CREDIT_CODES[0],
            "legal_representative": "王五",
            "contact_phone": PHONES["org"],
            "address": "一村",
            "grid_code": t1,
        },
    )
    make(
        "key_place",
        {
            "name": "一村加油站",
            "kind": "加油站",
            "address": "一村路口",
            "manager_name": "赵六",
            "manager_phone": PHONES["place"],
            "grid_code": t1,
            "lon": 120.06,
            "lat": 40.08,
        },
    )
    dispute = make(
        "dispute",
        {
            "title": "宅基地边界纠纷",
            "kind": "邻里纠纷",
            "occurred_on": "2026-01-05",
            "grid_code": t1,
        },
    )
    add_party(op, dispute.pk, {"role": "申请人", "name": "孙七", "phone": PHONES["party"]})
    make(
        "school_area",
        {
            "school_name": "一村小学",
            "address": "一村",
            "security_contact": "周八",
            "contact_phone": PHONES["school"],
            "grid_code": t1,
        },
    )
    make(
        "line_protection",
        {
            "name": "京哈铁路",
            "kind": "铁路",
            "section": "一村段",
            "responsible_name": "吴九",
            "responsible_phone": PHONES["line"],
            "grid_code": t1,
        },
    )
    custom.define_category(
        "dogs",
        "犬只登记",
        [
            {"key": "owner", "label": "犬主", "type": "name", "required": True},
            {"key": "owner_phone", "label": "犬主电话", "type": "phone"},
        ],
    )
    make("x-dogs", {"owner": "郑十", "owner_phone": PHONES["dog"], "grid_code": t1})
    make(
        "house",
        {"code": "H-T2-0001", "address": "二村二组 9 号", "use": "自住", "grid_code": t2},
        out.other,
    )
    make(
        "person",
        {"name": "钱二村", "kind": "流动人口", "id_number": T2_ID, "grid_code": t2},
        out.other,
    )
    return out


def all_category_keys() -> list[str]:
    return [*BUILTIN, "x-dogs"]
