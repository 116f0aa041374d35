"""Demo base data: synthetic houses and people per grid, with the other "9" categories.

Every identifier is synthetic but valid: ID numbers carry 绥中县's region code, a real
birth date and a correct GB 11643 check character; credit codes pass GB 32100 and GB
11714. By default each grid gets a few households, which keeps `wangge demo` fast; the
`realistic` scale (`wangge demo-basedata --realistic`) gives each grid as many houses as
half its households, about 2.5 people each, like the county's real population density.
Rows are written through the import's bulk writer, encrypted and indexed as any import.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from wangge.basedata import models as m
from wangge.basedata import protection
from wangge.basedata.categories import BUILTIN
from wangge.basedata.importing import BulkWriter
from wangge.basedata.models.people import DEFAULT_VISIT_DAYS
from wangge.basedata.validators import (
    CREDIT_CHARSET,
    credit_check_char,
    id_check_char,
    org_code_check_char,
)
from wangge.regions.codes import RegionLevel, prefix_range, significant_prefix
from wangge.regions.models import Grid

COUNTY_CODE = "211421000000"
COUNTY_RANGE = prefix_range(significant_prefix(COUNTY_CODE, RegionLevel.COUNTY))
DEFAULT_HOUSES_PER_GRID = 2
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐于董萧程曹袁邓许傅沈曾彭吕苏卢"
    "蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国玉兰志强海燕宏亮春梅红梅德胜淑珍凤"
)
ORG_WORDS = ["农机", "果蔬", "海产", "建材", "物流", "养殖", "家政", "餐饮", "服装", "农资"]
CHUNK = 5000


@dataclass
class DemoCounts:
    houses: int = 0
    people: int = 0
    special: int = 0
    youth: int = 0
    organizations: int = 0
    key_places: int = 0
    disputes: int = 0
    schools: int = 0
    lines: int = 0
    by_kind: dict = field(default_factory=dict)


class Identities:
    """Unique, valid ID numbers and phone numbers from a seeded generator."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def id_number(self, born: date, male: bool) -> str:
        while True:
            sequence = self.rng.randrange(0, 500) * 2 + (1 if male else 0)
            first17 = f"211421{born:%Y%m%d}{sequence:03d}"
            if first17 not in self.used:
                self.used.add(first17)
                return first17 + id_check_char(first17)

    def mobile(self) -> str:
        return f"1{self.rng.choice('3578')}{self.rng.randrange(10**9):09d}"


def credit_code(rng: random.Random) -> str:
    body = "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY"[:10]) for _ in range(7))
    org8 = rng.choice("MN") + body
    org9 = org8 + org_code_check_char(org8)
    first17 = rng.choice(["91", "52", "53"]) + "211421" + org9
    assert all(ch in CREDIT_CHARSET for ch in first17)
    return first17 + credit_check_char(first17)


def clear_demo_basedata() -> None:
    """Everything base data holds in the demo county (it protects the demo's grids)."""
    low, high = COUNTY_RANGE
    for model in (
        m.SpecialPopulation,
        m.KeyYouth,
        m.Person,
        m.House,
        m.KeyPlaceInspection,
        m.KeyPlace,
        m.Dispute,
        m.Organization,
        m.SchoolArea,
        m.LineProtection,
        m.CustomRecord,
    ):
        model.objects.filter(region_code__gte=low, region_code__lte=high).delete()


@transaction.atomic
def load_demo_basedata(
    houses_per_grid: int | None = DEFAULT_HOUSES_PER_GRID, seed: int = 1638
) -> DemoCounts:
    """Replace the demo county's base data. `houses_per_grid` None = realistic numbers."""
    clear_demo_basedata()
    rng = random.Random(seed)  # noqa: S311 (synthetic demo data)
    ids = Identities(rng)
    ring = protection.keyring()
    now = timezone.now()
    counts = DemoCounts()
    grids = list(Grid.objects.filter(code__range=COUNTY_RANGE).select_related("village"))
    house_writer = BulkWriter(BUILTIN["house"], now)
    houses: list[dict] = []
    for grid in grids:
        point = grid.geometry.representative_point()
        total = houses_per_grid if houses_per_grid is not None else max(1, grid.households // 2)
        for number in range(1, total + 1):
            owner_born = _birth(rng, 25, 80)
            male = rng.random() < 0.5
            owner_id = ids.id_number(owner_born, male)
            houses.append(
                {
                    "grid_id": grid.pk,
                    "region_code": grid.village.code,
                    "code": f"{grid.code}{number:04d}",
                    "address": f"{grid.village.name}{rng.randrange(1, 9)}组{number}号",
                    "use": rng.choices(["self_occupied", "rental", "vacant"], [80, 15, 5])[0],
                    "floor_area": round(rng.uniform(40, 180), 1),
                    "owner_name": _name(rng),
                    "owner_id_number_cipher": protection.encrypt(owner_id, "id_number", ring),
                    "owner_id_number_index": protection.blind_index(owner_id, "id_number", ring),
                    "lon": point.x + rng.uniform(-0.0005, 0.0005),
                    "lat": point.y + rng.uniform(-0.0005, 0.0005),
                }
            )
            if len(houses) >= CHUNK:
                house_writer.write(houses)
                counts.houses += len(houses)
                houses = []
    house_writer.write(houses)
    counts.houses += len(houses)
    _people(rng, ids, ring, now, counts)
    _places(rng, grids, counts)
    return counts


def _birth(rng: random.Random, youngest: int, oldest: int) -> date:
    today = date.today()  # noqa: DTZ011 (a calendar date)
    return today - timedelta(days=rng.randrange(youngest * 365, oldest * 365))


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _people(rng, ids: Identities, ring, now, counts: DemoCounts) -> None:
    low, high = COUNTY_RANGE
    writer = BulkWriter(BUILTIN["person"], now)
    batch: list[dict] = []
    kinds = ["registered", "migrant", "left_behind", "foreign"]
    houses = m.House.objects.filter(region_code__gte=low, region_code__lte=high)
    for house_id, grid_id, region_code, address in houses.values_list(
        "id", "grid_id", "region_code", "address"
    ).iterator(chunk_size=CHUNK):
        for _ in range(rng.choice((1, 2, 2, 3, 3, 4))):
            kind = rng.choices(kinds, [80, 14, 5, 1])[0]
            born, male = _birth(rng, 1, 90), rng.random() < 0.5
            row = {
                "grid_id": grid_id,
                "region_code": region_code,
                "house_id": house_id,
                "name": _name(rng),
                "kind": kind,
                "address": address,
                "ethnicity": rng.choices(["汉族", "满族", "蒙古族"], [80, 18, 2])[0],
            }
            if kind != "foreign":
                number, phone = ids.id_number(born, male), ids.mobile()
                row.update(
                    id_number_cipher=protection.encrypt(number, "id_number", ring),
                    id_number_index=protection.blind_index(number, "id_number", ring),
                    phone_cipher=protection.encrypt(phone, "phone", ring),
                    phone_index=protection.blind_index(phone, "phone", ring),
                    sex="male" if male else "female",
                    birth_date=born,
                )
            batch.append(row)
            if len(batch) >= CHUNK:
                writer.write(batch)
                counts.people += len(batch)
                batch = []
    writer.write(batch)
    counts.people += len(batch)
    _special(rng, counts)


def _special(rng: random.Random, counts: DemoCounts) -> None:
    low, high = COUNTY_RANGE
    today = date.today()  # noqa: DTZ011
    people = m.Person.objects.filter(region_code__gte=low, region_code__lte=high).exclude(
        id_number_index=""
    )
    special, youth = [], []
    for pk, grid_id, region_code, born in people.values_list(
        "id", "grid_id", "region_code", "birth_date"
    ).iterator(chunk_size=CHUNK):
        draw = rng.random()
        if draw < 0.01 and born and (today - born).days > 18 * 365:
            level = rng.choice(list(m.ManagementLevel))
            days = DEFAULT_VISIT_DAYS[level]
            last = today - timedelta(days=rng.randrange(0, days * 2))
            special.append(
                m.SpecialPopulation(
                    person_id=pk,
                    grid_id=grid_id,
                    region_code=region_code,
                    kind=rng.choice(list(m.SpecialKind)[:5]),
                    level=level,
                    visit_days=days,
                    last_visited_on=last,
                    next_visit_due=last + timedelta(days=days),
                )
            )
        elif draw < 0.015 and born and (today - born).days < 18 * 365:
            youth.append(
                m.KeyYouth(
                    person_id=pk,
                    grid_id=grid_id,
                    region_code=region_code,
                    kind=rng.choice(list(m.KeyYouthKind)[:5]),
                    guardian_name=_name(rng),
                )
            )
    m.SpecialPopulation.objects.bulk_create(special, batch_size=CHUNK)
    m.KeyYouth.objects.bulk_create(youth, batch_size=CHUNK)
    counts.special, counts.youth = len(special), len(youth)


def _places(rng: random.Random, grids: list[Grid], counts: DemoCounts) -> None:
    today = date.today()  # noqa: DTZ011
    orgs, places, disputes, lines = [], [], [], []
    for i, grid in enumerate(grids):
        where = {"grid_id": grid.pk, "region_code": grid.village.code}
        village = grid.village.name
        if i % 3 == 0:
            word = rng.choice(ORG_WORDS)
            orgs.append(
                m.Organization(
                    name=f"绥中县{village}{word}{rng.choice(['合作社', '有限公司', '协会'])}",
                    kind=rng.choice(list(m.OrgKind)),
                    credit_code=credit_code(rng),
                    legal_representative=_name(rng),
                    address=f"{village}{rng.randrange(1, 99)}号",
                    employees=rng.randrange(3, 120),
                    has_party_org=rng.random() < 0.3,
                    **where,
                )
            )
        if i % 4 == 0:
            kind = rng.choice(list(m.KeyPlaceKind)[:7])
            places.append(
                m.KeyPlace(name=f"{village}{kind.label}", kind=kind, address=village, **where)
            )
        if i % 40 == 0:
            lines.append(
                m.LineProtection(
                    name=rng.choice(["京哈铁路", "G1 京哈高速", "秦沈客专", "66kV 绥前线"]),
                    kind=rng.choice(list(m.LineKind)),
                    section=f"{village}段",
                    length_km=round(rng.uniform(0.5, 6), 1),
                    **where,
                )
            )
        occurred = today - timedelta(days=rng.randrange(1, 90))
        disputes.append(
            m.Dispute(
                title=f"{village}{rng.choice(list(m.DisputeKind)).label}",
                kind=rng.choice(list(m.DisputeKind)),
                occurred_on=occurred,
                **where,
            )
        )
    m.Organization.objects.bulk_create(orgs, batch_size=CHUNK)
    m.KeyPlace.objects.bulk_create(places, batch_size=CHUNK)
    m.LineProtection.objects.bulk_create(lines, batch_size=CHUNK)
    m.Dispute.objects.bulk_create(disputes, batch_size=CHUNK)
    _mediate(rng, counts)
    schools = [
        m.SchoolArea(
            school_name=f"{v.name}小学",
            address=v.name,
            students=rng.randrange(60, 900),
            grid_id=g.pk,
            region_code=v.code,
        )
        for v, g in {grid.village: grid for grid in grids}.items()
    ]
    m.SchoolArea.objects.bulk_create(schools, batch_size=CHUNK)
    counts.organizations, counts.key_places, counts.schools, counts.lines = (
        len(orgs),
        len(places),
        len(schools),
        len(lines),
    )


def _mediate(rng: random.Random, counts: DemoCounts) -> None:
    """Most disputes get a mediation; about 85 % of the finished ones succeed."""
    low, high = COUNTY_RANGE
    disputes = list(m.Dispute.objects.filter(region_code__gte=low, region_code__lte=high))
    records = []
    for dispute in disputes:
        if rng.random() < 0.2:
            continue
        result = rng.choices(["success", "failure", "continue"], [70, 12, 18])[0]
        mediated = dispute.occurred_on + timedelta(days=rng.randrange(0, 10))
        mediated = min(mediated, date.today())  # noqa: DTZ011
        records.append(
            m.MediationRecord(
                dispute=dispute, mediated_on=mediated, content="组织双方调解", result=result
            )
        )
        dispute.status = {"success": "resolved", "failure": "failed"}.get(result, "mediating")
        dispute.closed_on = mediated if result != "continue" else None
    m.MediationRecord.objects.bulk_create(records, batch_size=CHUNK)
    m.Dispute.objects.bulk_update(disputes, ["status", "closed_on"], batch_size=CHUNK)
    counts.disputes = len(disputes)
