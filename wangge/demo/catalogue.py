"""The fixed facts of the demo jurisdiction: its names, departments and login cast."""

from dataclasses import dataclass

from wangge.accounts.models import Role
from wangge.regions.models import DedicatedSubject

# Published on purpose: the demo is for trying the platform, never for real data.
DEMO_PASSWORD = "Wangge@2026"  # noqa: S105
SEED = 1638

PROVINCE = ("210000000000", "辽宁省")
CITY = ("211400000000", "葫芦岛市")
COUNTY = ("211421000000", "绥中县")
DEFAULT_GRIDS = 1638
GRIDS_PER_VILLAGE = 6.5

# Real townships of 绥中县; their boundaries in the demo are synthetic.
TOWNS = [
    "绥中镇",
    "西甸子镇",
    "宽邦镇",
    "大王庙镇",
    "万家镇",
    "前所镇",
    "高岭镇",
    "前卫镇",
    "荒地镇",
    "塔山屯镇",
    "高台镇",
    "王宝镇",
    "沙河镇",
    "小庄子镇",
]
XIANG = [
    "李家堡乡",
    "西平坡满族乡",
    "葛家满族乡",
    "范家满族乡",
    "明水满族乡",
    "秋子沟乡",
    "加碑岩乡",
    "永安堡乡",
]

COUNTY_CENTRE = "绥中县综治中心"
# County departments that take dispatched events; 行政执法局 and 交通局 appear in the seeds.
DEPARTMENTS = [
    ("行政执法局", "dept_handler"),
    ("交通局", "dept_transport"),
    ("公安局", "dept_police"),
    ("城管局", "dept_urban"),
    ("林业局", "dept_forestry"),
    ("水利局", "dept_water"),
    ("住建局", "dept_housing"),
    ("民政局", "dept_civil"),
    ("生态环境分局", "dept_ecology"),
    ("教育局", "dept_education"),
    ("应急管理局", "dept_emergency"),
    ("市场监督管理局", "dept_market"),
]

DEDICATED_SUBJECTS = [
    DedicatedSubject.SCHOOL,
    DedicatedSubject.HOSPITAL,
    DedicatedSubject.MARKET,
    DedicatedSubject.ENTERPRISE,
]

OPERATOR_TOWNSHIP = "沙河镇"
SECOND_TOWNSHIP = "绥中镇"


@dataclass(frozen=True)
class DemoUser:
    username: str
    display_name: str
    role: str
    unit: str  # "county", "township", "village", "township_2", "village_2", a department, or ""


# Grid workers get their 一长三员 duties in the builder; the rest hold one role each.
CAST = [
    DemoUser("county_operator", "县综治中心操作员", Role.OPERATOR, "county"),
    DemoUser("township_operator", "沙河镇综治中心操作员", Role.OPERATOR, "township"),
    DemoUser("township_operator_2", "绥中镇综治中心操作员", Role.OPERATOR, "township_2"),
    DemoUser("village_operator", "村综治中心操作员", Role.OPERATOR, "village"),
    *[DemoUser(u, f"{name}处置人员", Role.DEPARTMENT_HANDLER, name) for name, u in DEPARTMENTS],
    DemoUser("grid_leader", "网格长", Role.GRID_WORKER, "village"),
    DemoUser("grid_worker", "网格员", Role.GRID_WORKER, "village"),
    DemoUser("grid_instructor", "网格指导员", Role.GRID_WORKER, "village"),
    DemoUser("grid_assistant", "网格协管员", Role.GRID_WORKER, "village"),
    DemoUser("grid_worker_2", "绥中镇网格员", Role.GRID_WORKER, "village_2"),
    DemoUser("leader", "县领导", Role.LEADER, "county"),
    DemoUser("sysadmin", "系统管理员", Role.SYSTEM_ADMIN, "county"),
    DemoUser("secadmin", "安全管理员", Role.SECURITY_ADMIN, "county"),
    DemoUser("auditadmin", "审计管理员", Role.AUDIT_ADMIN, "county"),
    DemoUser("citizen", "群众", Role.CITIZEN, ""),
]
