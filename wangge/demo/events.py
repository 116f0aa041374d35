"""Demo events: a seeded quarter of reports driven through the real closed loop.

Every event is created with report_event and moved with perform at backdated times, so
the trail's hash chains, the step clocks and every timestamp are the ones the workflow
itself writes; nothing here touches Event, EventPart, TrailEntry or Clock rows except to
clear the demo. Each event gets a plan (when, where, what, through which channel, how it
ends) and a story that plays the plan's actions one after the other. A story stops early
when its next action would fall after `now`, which leaves recent events open the way a
live system does; old events left open by their plan are the overdue ones supervision
cards. A showcase of hand-made plans guarantees every state, a reopened event and
unsatisfied ratings even in a small build.
"""

import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import accumulate

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from shapely import Point
from shapely.prepared import prep

from wangge.accounts.models import (
    GridAssignment,
    GridDuty,
    OrgUnit,
    Role,
    RoleGrant,
    UnitKind,
    User,
)
from wangge.demo import catalogue as c
from wangge.demo.categories import load_categories
from wangge.events.choices import Channel, Priority, Rating, State
from wangge.events.models import Category, Event, TrailEntry
from wangge.events.services import perform, report_event
from wangge.regions.codes import RegionLevel, prefix_range, significant_prefix
from wangge.regions.models import Grid, Region

DEFAULT_EVENTS = 2000
MAX_EVENTS = 100_000
HISTORY_DAYS = 90
KEY_PREFIX = "demo-"  # idempotency keys mark the demo's events, for --reset
STAFF_PREFIXES = ("op_", "gw_")  # per-centre operators and per-village grid workers
COUNTY_RANGE = prefix_range(significant_prefix(c.COUNTY[0], RegionLevel.COUNTY))

CHANNELS = {
    Channel.GRID_WORKER: 30,
    Channel.HOTLINE: 20,
    Channel.PUBLIC_APP: 14,
    Channel.MINI_PROGRAM: 10,
    Channel.QR_CODE: 6,
    Channel.OPERATOR: 6,
    Channel.VIDEO_PATROL: 6,
    Channel.ALARM: 4,
    Channel.OPEN311: 4,
}
PUBLIC = (Channel.PUBLIC_APP, Channel.MINI_PROGRAM, Channel.QR_CODE, Channel.OPEN311)
RETURN_VISIT = (Channel.HOTLINE, Channel.OPERATOR)  # rated by the centre's 回访
PRIORITIES = {Priority.NORMAL: 84, Priority.URGENT: 12, Priority.EMERGENCY: 4}
CATEGORIES = {
    "urban.street": 12,
    "urban.garbage": 10,
    "urban.lamp": 6,
    "urban": 3,
    "livelihood": 8,
    "livelihood.water": 5,
    "livelihood.road": 4,
    "livelihood.school": 2,
    "livelihood.market": 3,
    "dispute": 6,
    "hazard": 5,
    "policy": 5,
    "service": 5,
    "security": 4,
    "fire": 2,
    "ecology": 3,
    "forest_fire": 2,
    "news": 3,
}
TITLES = {
    "urban.street": ["商贩占用人行道经营", "早市摊位占道", "店外占道堆放货物"],
    "urban.garbage": ["路边垃圾堆放未清运", "垃圾箱满溢", "建筑垃圾乱倒"],
    "urban.lamp": ["路灯不亮", "路灯杆倾斜", "整条街路灯损坏"],
    "urban": ["井盖缺失", "违规张贴小广告", "绿化带被毁"],
    "livelihood": ["低保申请进度咨询", "老旧小区供暖不热", "小区物业不作为"],
    "livelihood.water": ["自来水管爆裂", "排水沟堵塞", "停水未通知"],
    "livelihood.road": ["村道坑洼", "公交站牌损坏", "路口缺少减速带"],
    "livelihood.school": ["校车接送问题", "学校周边交通拥堵"],
    "livelihood.market": ["农贸市场缺斤短两", "超市售卖过期食品"],
    "dispute": ["邻里宅基地纠纷", "土地承包纠纷", "家庭赡养纠纷", "拖欠工资纠纷"],
    "hazard": ["危房存在倒塌隐患", "电线私拉乱接", "河道护栏缺失"],
    "policy": ["医保缴费政策咨询", "惠农补贴发放咨询", "养老保险办理咨询"],
    "service": ["老年证办理", "残疾人补贴申领", "户籍证明开具"],
    "security": ["夜间聚众喧哗", "可疑人员出没", "电动车被盗"],
    "fire": ["楼道堆放杂物堵塞消防通道", "门市房违规住人", "烟道起火"],
    "ecology": ["企业夜间偷排废水", "秸秆露天焚烧", "养殖场异味扰民"],
    "forest_fire": ["林区烧荒", "上坟烧纸引发山火隐患", "林地发现烟点"],
    "news": ["村内开展防诈骗宣传", "网格内新开便民超市", "村民自发清理河道"],
}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐"
# How much longer than the median a department takes to sign and handle.
SLOWNESS = {
    "住建局": 2.4,
    "林业局": 1.8,
    "水利局": 1.5,
    "生态环境分局": 1.4,
    "城管局": 1.3,
    "民政局": 1.2,
    "交通局": 1.1,
    "公安局": 0.6,
    "应急管理局": 0.7,
    "市场监督管理局": 0.9,
}
PACE = {Priority.NORMAL: 1.0, Priority.URGENT: 0.3, Priority.EMERGENCY: 0.1}
RATINGS = {
    Rating.VERY_SATISFIED: 45,
    Rating.SATISFIED: 35,
    Rating.BASICALLY_SATISFIED: 12,
    Rating.UNSATISFIED: 6,
    Rating.VERY_UNSATISFIED: 2,
}
OPEN_OUTCOMES = {
    State.REPORTED: 10,
    State.ACCEPTED: 10,
    State.VERIFYING: 6,
    State.DISPATCHED: 14,
    State.HANDLING: 36,
    State.SUBMITTED: 10,
    State.SUSPENDED: 7,
    State.SHELVED: 7,
}
ENDED_OUTCOMES = {State.CLOSED: 88, State.REJECTED: 4, State.MERGED: 4, State.WITHDRAWN: 4}
DEAD = (State.MERGED, State.WITHDRAWN, State.REJECTED)
# Reports by hour of the day, cumulative: quiet nights, morning and afternoon peaks.
HOUR_WEIGHTS = list(accumulate([1] * 6 + [3, 6, 9, 9, 8, 7, 6, 8, 9, 8, 7, 6] + [4] * 6))


def pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


# ---------------------------------------------------------------- who acts


@dataclass
class Actors:
    operators: dict[int, User]  # centre unit id -> an operator of that centre
    workers: dict[int, User]  # village region id -> a grid worker of that village
    handlers: dict[int, User]  # department unit id -> a handler
    leader: User
    citizen: User | None


def _first_with_role(role: str) -> dict[int, User]:
    users = User.objects.filter(role_grants__role=role, unit__isnull=False).order_by("pk")
    found: dict[int, User] = {}
    for user in users:
        found.setdefault(user.unit_id, user)
    return found


def ensure_staff() -> None:
    """Give every demo centre an operator and every village a grid worker.

    Events land at the village centres, so each needs someone to act; the login cast
    covers two townships only. Staff log in with the demo password (the cast's hash is
    reused: hashing is slow) and are assigned to the grids of their village. Roles are
    granted in bulk: neither is an admin role, which is all grant_role guards.
    """
    centres = OrgUnit.objects.filter(kind=UnitKind.CENTRE, region__code__range=COUNTY_RANGE)
    operators = _first_with_role(Role.OPERATOR)
    workers = _first_with_role(Role.GRID_WORKER)
    cast = User.objects.filter(username__in=[m.username for m in c.CAST]).first()
    password = cast.password if cast else make_password(c.DEMO_PASSWORD)
    grants: list[RoleGrant] = []
    for centre in centres.select_related("region"):
        base = centre.name.removesuffix("综治中心").removesuffix("（示例）")
        wanted = [] if centre.pk in operators else [("op_", "操作员", Role.OPERATOR)]
        if centre.level == RegionLevel.VILLAGE and centre.pk not in workers:
            wanted.append(("gw_", "网格员", Role.GRID_WORKER))
        for prefix, title, role in wanted:
            user = User(
                username=f"{prefix}{centre.region.code}",
                display_name=f"{base}{title}",
                unit=centre,
                password=password,
            )
            grants.append(RoleGrant(user=user, role=role))
    User.objects.bulk_create([g.user for g in grants])
    RoleGrant.objects.bulk_create(grants)
    by_village = defaultdict(list)
    for grid_id, village_id in Grid.objects.filter(code__range=COUNTY_RANGE).values_list(
        "pk", "village_id"
    ):
        by_village[village_id].append(grid_id)
    GridAssignment.objects.bulk_create(
        GridAssignment(grid_id=grid_id, user=g.user, duty=GridDuty.WORKER)
        for g in grants
        if g.role == Role.GRID_WORKER
        for grid_id in by_village[g.user.unit.region_id]
    )


def _actors() -> Actors:
    def with_units(users: dict[int, User]) -> dict[int, User]:
        ids = [u.pk for u in users.values()]
        loaded = User.objects.select_related("unit__region").in_bulk(ids)
        return {key: loaded[u.pk] for key, u in users.items()}

    operators = with_units(_first_with_role(Role.OPERATOR))
    workers = {u.unit.region_id: u for u in with_units(_first_with_role(Role.GRID_WORKER)).values()}
    handlers = with_units(_first_with_role(Role.DEPARTMENT_HANDLER))
    leader = User.objects.select_related("unit__region").get(username="leader")
    citizen = User.objects.filter(username="citizen").first()
    return Actors(operators, workers, handlers, leader, citizen)


# ---------------------------------------------------------------- plans


@dataclass(frozen=True)
class Place:
    grid_id: int
    name: str
    village_id: int
    village_code: str
    township: str
    shape: object  # the grid's polygon


@dataclass
class Plan:
    index: int
    at: datetime
    place: Place
    category: Category
    priority: str
    channel: str
    outcome: str  # the State the story aims at
    self_handled: bool = False
    rating: str | None = None  # forced rating; None draws one
    reopen: bool = False


@dataclass
class World:
    """Everything plans are drawn from, loaded once."""

    places: dict[str, list[Place]]  # township name -> its grids
    township_weights: dict[str, float]
    categories: dict[str, Category]
    departments: dict[int, OrgUnit]
    township_centres: dict[str, OrgUnit]  # township region code -> centre
    days: list[datetime]
    day_weights: list[float]


def _world(rng: random.Random, now: datetime) -> World:
    grids = Grid.objects.filter(code__range=COUNTY_RANGE).select_related("village__parent")
    places: dict[str, list[Place]] = defaultdict(list)
    for grid in grids.order_by("code"):
        township = grid.village.parent.name
        places[township].append(
            Place(grid.pk, grid.name, grid.village_id, grid.village.code, township, grid.geometry)
        )
    weights = {}
    for name in places:
        # The county seat is busiest, towns (镇) busier than 乡.
        base = 6.0 if name == c.SECOND_TOWNSHIP else 2.0 if name.endswith("镇") else 1.0
        weights[name] = base * rng.uniform(0.6, 1.4)
    categories = {cat.code: cat for cat in Category.objects.select_related("default_department")}
    departments = {
        u.pk: u
        for u in OrgUnit.objects.filter(kind=UnitKind.DEPARTMENT, region__code__range=COUNTY_RANGE)
    }
    centres = OrgUnit.objects.filter(
        kind=UnitKind.CENTRE, level=RegionLevel.TOWNSHIP, region__code__range=COUNTY_RANGE
    ).select_related("region")
    townships = {u.region.code[:9]: u for u in centres}
    return World(places, weights, categories, departments, townships, *_calendar(now))


def _calendar(now: datetime) -> tuple[list[datetime], list[float]]:
    """The local midnights of the window with cumulative weights: weekdays and lately busier.

    Drawing a day is then one random call whatever the date, so the rest of the seeded
    sequence does not shift with the day the demo is built.
    """
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    days = [today - timedelta(days=k) for k in range(HISTORY_DAYS)]
    weights = [
        (0.7 if day.weekday() >= 5 else 1.0) * (1.3 - 0.3 * k / HISTORY_DAYS)
        for k, day in enumerate(days)
    ]
    return days, list(accumulate(weights))


def _moment(rng: random.Random, world: "World", now: datetime) -> datetime:
    day = rng.choices(world.days, cum_weights=world.day_weights)[0]
    hour = rng.choices(range(24), cum_weights=HOUR_WEIGHTS)[0]
    at = day + timedelta(hours=hour, minutes=rng.randrange(60), seconds=rng.randrange(60))
    return at if at < now else at - timedelta(days=1)


def _outcome(rng: random.Random, age: timedelta, category: Category, self_handled: bool) -> str:
    days = age.total_seconds() / 86400
    open_share = 0.7 if days < 2 else 0.35 if days < 7 else 0.12 if days < 30 else 0.06
    if rng.random() < open_share:
        outcome = pick(rng, OPEN_OUTCOMES)
        if outcome == State.VERIFYING and not category.needs_verification:
            outcome = State.ACCEPTED
        if category.direct_answer:
            outcome = State.REPORTED
        return State.SUBMITTED if self_handled else outcome
    return State.CLOSED if self_handled else pick(rng, ENDED_OUTCOMES)


def _random_plan(index: int, rng: random.Random, world: World, now: datetime) -> Plan:
    township = pick(rng, world.township_weights)
    place = rng.choice(world.places[township])
    category = world.categories[pick(rng, CATEGORIES)]
    channel = Channel.GRID_WORKER if category.code == "news" else pick(rng, CHANNELS)
    priority = pick(rng, PRIORITIES)
    if category.code in ("fire", "forest_fire", "security") and rng.random() < 0.4:
        priority = rng.choice([Priority.URGENT, Priority.EMERGENCY])
    self_handled = (
        channel == Channel.GRID_WORKER
        and not category.direct_answer
        and not category.needs_verification
        and rng.random() < 0.3
    )
    at = _moment(rng, world, now)
    outcome = _outcome(rng, now - at, category, self_handled)
    return Plan(index, at, place, category, priority, channel, outcome, self_handled)


def _showcase(rng: random.Random, world: World, now: datetime) -> list[Plan]:
    """Hand-made plans, old enough to finish, so a small demo still shows every case."""
    seat = world.places.get(c.SECOND_TOWNSHIP) or next(iter(world.places.values()))
    cases = [
        (State.CLOSED, "urban.street", Channel.PUBLIC_APP, {"rating": Rating.SATISFIED}),
        (State.MERGED, "urban.street", Channel.PUBLIC_APP, {}),
        (State.CLOSED, "urban.lamp", Channel.PUBLIC_APP, {"rating": Rating.UNSATISFIED}),
        (State.CLOSED, "urban.garbage", Channel.QR_CODE, {"rating": Rating.VERY_UNSATISFIED}),
        (
            State.CLOSED,
            "livelihood.water",
            Channel.MINI_PROGRAM,
            {"rating": Rating.UNSATISFIED, "reopen": True},
        ),
        (State.CLOSED, "policy", Channel.HOTLINE, {"rating": Rating.VERY_SATISFIED}),
        (State.CLOSED, "urban.garbage", Channel.GRID_WORKER, {"self_handled": True}),
        (State.REPORTED, "urban.street", Channel.VIDEO_PATROL, {}),
        (State.ACCEPTED, "livelihood", Channel.HOTLINE, {}),
        (State.VERIFYING, "hazard", Channel.GRID_WORKER, {}),
        (State.DISPATCHED, "urban.garbage", Channel.MINI_PROGRAM, {}),
        (State.HANDLING, "urban.lamp", Channel.PUBLIC_APP, {}),
        (State.SUBMITTED, "livelihood.road", Channel.OPERATOR, {}),
        (State.REJECTED, "service", Channel.OPEN311, {}),
        (State.WITHDRAWN, "security", Channel.PUBLIC_APP, {}),
        (State.SUSPENDED, "dispute", Channel.HOTLINE, {}),
        (State.SHELVED, "ecology", Channel.ALARM, {}),
    ]
    plans = []
    for index, (outcome, code, channel, extra) in enumerate(cases):
        place = seat[index % len(seat)]
        at = now - timedelta(days=80 - index * 2, hours=rng.uniform(0, 8))
        if outcome == State.MERGED:
            place, at = plans[0].place, plans[0].at + timedelta(hours=3)
        plans.append(
            Plan(
                index,
                at,
                place,
                world.categories[code],
                Priority.NORMAL,
                channel,
                outcome,
                **extra,
            )
        )
    return plans


def make_plans(count: int, rng: random.Random, world: World, now: datetime) -> list[Plan]:
    showcase = _showcase(rng, world, now)[:count]
    plans = showcase + [
        _random_plan(index, rng, world, now) for index in range(len(showcase), count)
    ]
    return sorted(plans, key=lambda p: (p.at, p.index))


# ---------------------------------------------------------------- stories


class Truncated(Exception):
    """The story's next action would happen after `now`: the event stays where it is."""


def _delay(rng: random.Random, median_minutes: float, pace: float = 1.0) -> timedelta:
    """Lognormal around the median, capped so a story cannot run for months."""
    minutes = min(rng.lognormvariate(0, 0.7), 5.0) * median_minutes * pace
    return timedelta(minutes=max(minutes, 1.0))


def _point(rng: random.Random, place: Place) -> tuple[float, float]:
    shape = place.shape
    prepared = prep(shape)
    min_x, min_y, max_x, max_y = shape.bounds
    for _ in range(200):
        lon, lat = rng.uniform(min_x, max_x), rng.uniform(min_y, max_y)
        if prepared.contains(Point(lon, lat)):
            return lon, lat
    point = shape.representative_point()
    return point.x, point.y


@dataclass
class Story:
    plan: Plan
    event: Event
    actors: Actors
    world: World
    rng: random.Random
    end: datetime
    at: datetime = field(init=False)

    def __post_init__(self) -> None:
        self.at = self.event.created_at

    # Who acts now.
    @property
    def centre(self) -> User:
        return self.actors.operators[self.event.centre_id]

    @property
    def worker(self) -> User:
        return self.actors.workers[self.event.region_id]

    def handler(self, department: OrgUnit) -> User:
        return self.actors.handlers[department.pk]

    @property
    def pace(self) -> float:
        return PACE[self.plan.priority]

    def act(self, action: str, actor: User | None, delay: timedelta, **fields) -> None:
        at = self.at + delay
        if at > self.end:
            raise Truncated
        if actor is None:
            fields["tracking_code"] = self.event.tracking_code
        self.event = perform(self.event.pk, action, actor, now=at, **fields).event
        self.at = at

    def reporter(self) -> User | None:
        """The reporter acting in person: by account if they have one, else by tracking code."""
        citizen = self.actors.citizen
        return citizen if citizen and self.event.reporter_id == citizen.pk else None


def play(story: Story, merge_target: int | None) -> None:
    plan, rng = story.plan, story.rng
    outcome = plan.outcome
    if outcome == State.REPORTED:
        return
    if plan.self_handled:
        if outcome != State.SUBMITTED:
            _check(story)
        return
    if outcome == State.WITHDRAWN:
        story.act("withdraw", story.reporter(), _delay(rng, 60), reason="问题已自行解决")
        return
    if outcome == State.MERGED and merge_target:
        story.act("merge", story.centre, _delay(rng, 20), target_event=merge_target)
        return
    if outcome in (State.REJECTED, State.MERGED):
        story.act("reject", story.centre, _delay(rng, 20), reason="不属于受理范围，已告知来电人。")
        return
    _route(story)
    if plan.category.direct_answer:
        story.act("answer", story.centre, _delay(rng, 90), answer="已电话答复，相关政策已告知。")
        _evaluate(story)
        return
    late = 6 if rng.random() < 0.12 else 1
    story.act("accept", story.centre, _delay(rng, 15, story.pace * late))
    if outcome == State.ACCEPTED:
        return
    if plan.category.needs_verification:
        story.act("request_verification", story.centre, _delay(rng, 5), instruction="请现场核实")
        if outcome == State.VERIFYING:
            return
        story.act("verify", story.worker, _delay(rng, 180, story.pace), findings="情况属实。")
    if outcome == State.SUSPENDED and rng.random() < 0.3:
        story.act("suspend", story.centre, _delay(rng, 120), reason="等待当事人补充材料")
        return
    _dispatch(story)
    if outcome == State.DISPATCHED:
        return
    _handle(story, outcome)


def _route(story: Story) -> None:
    """Hotline events mostly go down to the township; a few village events go up."""
    event, rng = story.event, story.rng
    township = story.world.township_centres[event.region_code[:9]]
    if event.channel == Channel.HOTLINE and event.centre_id != township.pk:
        if rng.random() < 0.6:
            story.act("delegate", story.centre, _delay(rng, 10), target_centre=township.pk)
    elif event.centre.level == RegionLevel.VILLAGE and rng.random() < 0.05:
        story.act("escalate", story.centre, _delay(rng, 30), reason="本级无法解决，请求上级协调。")


def _dispatch(story: Story) -> None:
    rng, world = story.rng, story.world
    lead = story.plan.category.default_department
    others = [d for d in world.departments.values() if d.pk != lead.pk]
    late = 5 if rng.random() < 0.1 else 1
    if rng.random() < 0.04:
        wrong = rng.choice(others)
        story.act("dispatch", story.centre, _delay(rng, 45, late), lead_department=wrong.pk)
        story.act("return", story.handler(wrong), _delay(rng, 120), reason="不属于本部门职责。")
        late = 1
    fields: dict = {"lead_department": lead.pk, "instruction": "请按时限处置并反馈。"}
    if rng.random() < 0.08:
        fields["assist_departments"] = [rng.choice(others).pk]
    if rng.random() < 0.06:
        copy = [d.pk for d in others if d.pk not in fields.get("assist_departments", [])]
        fields["copy_departments"] = [rng.choice(copy)]
    story.act("dispatch", story.centre, _delay(rng, 45, story.pace * late), **fields)


def _handle(story: Story, outcome: str) -> None:
    rng = story.rng
    parts = list(story.event.parts.select_related("department"))
    lead = next(p.department for p in parts if p.role == "lead")
    assists = [p.department for p in parts if p.role == "assist"]
    slow = SLOWNESS.get(lead.name, 1.0)
    story.act("sign", story.handler(lead), _delay(rng, 120, story.pace * slow))
    for department in assists:
        story.act("sign", story.handler(department), _delay(rng, 60))
    if outcome == State.SHELVED:
        explanation = "涉及历史遗留问题，需列入明年专项资金解决。"
        story.act("request_shelve", story.handler(lead), _delay(rng, 2880), explanation=explanation)
        story.act("approve_shelve", story.actors.leader, _delay(rng, 1440))
        return
    if outcome == State.SUSPENDED:
        story.act("suspend", story.centre, _delay(rng, 600), reason="等待司法鉴定结果")
        return
    handling = _delay(rng, 1800, story.pace * slow)
    if rng.random() < 0.06:
        story.act(
            "request_extension",
            story.handler(lead),
            handling * 0.6,
            days=rng.randint(2, 5),
            reason="需协调多个部门，申请延期。",
        )
        if rng.random() < 0.7:
            story.act("approve_extension", story.centre, _delay(rng, 60))
        else:
            story.act("deny_extension", story.centre, _delay(rng, 60), reason="请按原时限完成。")
        handling = handling * 0.6
    if outcome == State.HANDLING:
        return
    for department in assists:
        story.act("submit_result", story.handler(department), handling * 0.5, result="已配合处置。")
    story.act("submit_result", story.handler(lead), handling, result="已处置完毕，现场已恢复。")
    if outcome == State.SUBMITTED:
        return
    if rng.random() < 0.08:
        story.act(
            "check_fail", story.centre, _delay(rng, 240, story.pace), reason="现场未整改到位。"
        )
        story.act("submit_result", story.handler(lead), handling * 0.5, result="已返工整改。")
    _check(story)
    _evaluate(story)


def _check(story: Story) -> None:
    """By the centre, or sometimes a grid worker: never the worker who fixed it himself."""
    by_worker = story.rng.random() < 0.2 and story.event.reporter_id != story.worker.pk
    checker = story.worker if by_worker else story.centre
    story.act("check_pass", checker, _delay(story.rng, 240, story.pace), comment="经核查已办结。")


def _rater(story: Story) -> tuple[bool, User | None]:
    """Whether the event is rated, and by whom: the reporter or the centre's return visit."""
    channel = story.event.channel
    if channel in RETURN_VISIT:
        return story.rng.random() < 0.9, story.centre
    if channel in PUBLIC:
        return story.rng.random() < 0.8, story.reporter()
    return False, None


def _evaluate(story: Story) -> None:
    plan, rng = story.plan, story.rng
    rated, rater = _rater(story)
    if plan.rating is None and not rated:
        return
    rating = plan.rating or pick(rng, RATINGS)
    delay = _delay(rng, 1440)
    if not plan.reopen:
        story.act("evaluate", rater, delay, rating=rating, comment=_rating_comment(rating))
        return
    if rater is not None and rater.has_role(Role.OPERATOR):
        story.act("evaluate", rater, delay, rating=rating, comment="回访不满意。")
        story.act("reopen", story.centre, _delay(rng, 60), reason="回访不满意，重办。")
    else:
        story.act("evaluate", rater, delay, rating=rating, reopen=True, comment="问题又出现了。")
    lead = story.event.parts.get(role="lead").department
    slow = SLOWNESS.get(lead.name, 1.0)
    story.act("submit_result", story.handler(lead), _delay(rng, 1440, slow), result="已重新处置。")
    _check(story)
    story.act("evaluate", rater, _delay(rng, 1440), rating=Rating.SATISFIED, comment="重办后满意。")


def _rating_comment(rating: str) -> str:
    unhappy = rating in (Rating.UNSATISFIED, Rating.VERY_UNSATISFIED)
    return "处理结果不理想。" if unhappy else "处理及时，很满意。"


# ---------------------------------------------------------------- loading


def _report(plan: Plan, rng: random.Random, actors: Actors, world: World) -> Event:
    lon, lat = _point(rng, plan.place)
    code = plan.category.code
    reporter = None
    if plan.channel == Channel.GRID_WORKER:
        reporter = actors.workers[plan.place.village_id]
    elif plan.channel == Channel.OPERATOR:
        # Entered by the township centre on a caller's behalf: it stays there (routing rule 2).
        reporter = actors.operators[world.township_centres[plan.place.village_code[:9]].pk]
    elif plan.channel == Channel.PUBLIC_APP and actors.citizen and rng.random() < 0.1:
        reporter = actors.citizen
    anonymous = plan.channel in PUBLIC and rng.random() < 0.1
    caller = not anonymous and plan.channel not in (Channel.VIDEO_PATROL, Channel.ALARM)
    title = rng.choice(TITLES[code])
    return report_event(
        channel=plan.channel,
        category=plan.category,
        title=title,
        lon=lon,
        lat=lat,
        reporter=reporter,
        description=f"{plan.place.name}附近：{title}，请尽快处理。",
        priority=plan.priority,
        address=f"{plan.place.name}附近",
        reporter_name=f"{rng.choice(SURNAMES)}{rng.choice('先生女士')}" if caller else "",
        reporter_phone=f"1{rng.choice('3589')}{rng.randrange(10**9):09d}" if caller else "",
        is_anonymous=anonymous,
        idempotency_key=f"{KEY_PREFIX}{plan.index:06d}",
        self_handled=plan.self_handled,
        result="已现场处置完毕。" if plan.self_handled else "",
        now=plan.at,
    ).event


def demo_events() -> QuerySet:
    return Event.objects.filter(idempotency_key__startswith=KEY_PREFIX)


def _merge_target(plan: Plan, live: dict[int, list[int]]) -> int | None:
    """The latest earlier event of the same village still alive: the duplicate's original."""
    candidates = live.get(plan.place.village_id)
    return candidates[-1] if candidates else None


@transaction.atomic
def load_demo_events(
    count: int = DEFAULT_EVENTS, seed: int = c.SEED, now: datetime | None = None
) -> Counter:
    """Load the category tree, staff and `count` events ending before `now`; states counted.

    Call it after the grids are committed: report_event locates through the grid index,
    which is rebuilt when the grid version changes on commit.
    """
    if not 0 <= count <= MAX_EVENTS:
        raise ValueError(f"事件数应在 0～{MAX_EVENTS} 之间。")
    load_categories()
    if count == 0:
        return Counter()
    now = now or timezone.now()
    rng = random.Random(seed)  # noqa: S311 - seeded on purpose: two builds are identical
    ensure_staff()
    actors = _actors()
    world = _world(rng, now)
    live: dict[int, list[int]] = defaultdict(list)
    states: Counter = Counter()
    for plan in make_plans(count, rng, world, now):
        event = _report(plan, rng, actors, world)
        story = Story(plan, event, actors, world, rng, now)
        try:
            play(story, _merge_target(plan, live))
        except Truncated:
            pass
        if story.event.state not in DEAD:
            live[plan.place.village_id].append(story.event.pk)
        states[State(story.event.state)] += 1
    return states


def clear_demo_events() -> None:
    """Delete the demo's events with their trails, and the demo staff.

    The trail is append-only for the platform; only clearing the demo removes it.
    """
    events = demo_events()
    TrailEntry.objects.filter(event__in=events).delete()
    events.update(merged_into=None)
    events.delete()
    codes = Region.objects.filter(code__range=COUNTY_RANGE).values_list("code", flat=True)
    User.objects.filter(username__in=[p + code for code in codes for p in STAFF_PREFIXES]).delete()
