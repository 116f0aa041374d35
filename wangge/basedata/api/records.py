"""Records: search, categories, grid summary, then list/create/detail/update/delete/reveal."""

from typing import Any

from ninja import Query, Schema, Status

from wangge.accounts.models import Role
from wangge.api.permissions import roles
from wangge.basedata import access, custom, protection, search, services, subrecords
from wangge.basedata import models as m
from wangge.basedata.api.common import RecordOut, RecordPage, ValuesIn, category_or_404
from wangge.basedata.api.router import router
from wangge.basedata.categories import all_categories, custom_category
from wangge.basedata.fields import MASKED
from wangge.basedata.queries import filter_records
from wangge.errors import DomainError

MAX_PAGE_SIZE = 200


@router.get(
    "/basedata/search", response=list[RecordOut], summary="Search people, houses, organizations"
)
@roles(*access.READ_ROLES)
def search_records(request, q: str):
    """An ID number or phone is matched exactly through its keyed index; other text
    matches names (prefix) and addresses."""
    return search.search(request.auth, q)


class FieldOut(Schema):
    name: str
    label: str
    kind: str
    required: bool
    choices: list[list[str]]
    masked: bool


class CategoryOut(Schema):
    key: str
    label: str
    sensitive: bool
    custom: bool
    fields: list[FieldOut]


def _category_out(c) -> dict[str, Any]:
    return {
        "key": c.key,
        "label": c.label,
        "sensitive": c.sensitive,
        "custom": c.custom is not None,
        "fields": [
            {
                "name": s.name,
                "label": s.label,
                "kind": s.kind.value,
                "required": s.required,
                "choices": [list(pair) for pair in s.choices],
                "masked": s.kind in MASKED,
            }
            for s in c.fields
        ],
    }


@router.get(
    "/basedata/categories", response=list[CategoryOut], summary="The 9+X categories and fields"
)
@roles(*access.READ_ROLES, *access.DEFINE_ROLES)
def list_categories(request):
    return [_category_out(c) for c in all_categories()]


class DefinitionIn(Schema):
    code: str
    name: str
    fields: list[dict[str, Any]]
    sensitive: bool = False


@router.post(
    "/basedata/custom-categories", response={201: CategoryOut}, summary="Define an X category"
)
@roles(*access.DEFINE_ROLES)
def define_category(request, payload: DefinitionIn):
    definition = custom.define_category(
        payload.code, payload.name, payload.fields, payload.sensitive
    )
    return Status(201, _category_out(custom_category(definition)))


@router.get("/basedata/grids/{code}", summary="A grid's base-data counts (from the map)")
@roles(*access.READ_ROLES)
def grid_summary(request, code: str):
    return search.grid_summary(request.auth, code)


class PartyIn(Schema):
    role: str
    name: str
    id_number: str | None = None
    phone: str | None = None


@router.post("/basedata/dispute/{record_id}/parties", response={201: dict}, summary="Add a party")
@roles(*access.WRITE_ROLES)
def add_party(request, record_id: int, payload: PartyIn):
    party = subrecords.add_party(request.auth, record_id, payload.dict())
    return Status(201, {"id": party.pk})


class MediationIn(Schema):
    mediated_on: str
    content: str
    result: str


@router.post(
    "/basedata/dispute/{record_id}/mediations", response={201: dict}, summary="Record a mediation"
)
@roles(*access.WRITE_ROLES)
def add_mediation(request, record_id: int, payload: MediationIn):
    record = subrecords.record_mediation(request.auth, record_id, payload.dict())
    return Status(201, {"id": record.pk, "dispute_status": record.dispute.status})


class InspectionIn(Schema):
    inspected_on: str
    findings: str = ""
    hazards_found: bool = False
    rectified: bool = False


@router.post(
    "/basedata/key_place/{record_id}/inspections",
    response={201: dict},
    summary="Record a key-place inspection",
)
@roles(*access.WRITE_ROLES)
def add_inspection(request, record_id: int, payload: InspectionIn):
    inspection = subrecords.record_inspection(request.auth, record_id, payload.dict())
    return Status(201, {"id": inspection.pk})


class ListQuery(Schema):
    grid: str | None = None
    house: str | None = None
    q: str | None = None
    page: int = 1
    page_size: int = 50


@router.get("/basedata/{category}", response=RecordPage, summary="List a category's records")
@roles(*access.READ_ROLES)
def list_records(request, category: str, query: Query[ListQuery]):
    cat = category_or_404(category)
    if not 1 <= query.page_size <= MAX_PAGE_SIZE or query.page < 1:
        raise DomainError("invalid_page", f"page ≥ 1，page_size 应在 1～{MAX_PAGE_SIZE} 之间。")
    qs = filter_records(cat, request.auth, grid=query.grid, house=query.house, q=query.q)
    start = (query.page - 1) * query.page_size
    rows = list(qs.order_by("id")[start : start + query.page_size])
    return {"count": qs.count(), "results": [services.record_out(cat, r) for r in rows]}


@router.post("/basedata/{category}", response={201: RecordOut}, summary="Create a record")
@roles(*access.WRITE_ROLES)
def create_record(request, category: str, payload: ValuesIn):
    cat = category_or_404(category)
    obj = services.create_record(cat, request.auth, payload.values)
    return Status(201, services.record_out(cat, services.get_record(cat, request.auth, obj.pk)))


def _detail(cat, obj) -> dict[str, Any]:
    out = services.record_out(cat, obj)
    if cat.model is m.House:
        out["residents"] = [
            {"id": p.pk, "name": protection.mask_name(p.name), "kind": p.kind}
            for p in obj.residents.order_by("id")
        ]
    if cat.model is m.Dispute:
        out["parties"] = [
            {"id": p.pk, "role": p.role, "name": protection.mask_name(p.name)}
            for p in obj.parties.order_by("id")
        ]
        out["mediations"] = [
            {
                "id": r.pk,
                "mediated_on": r.mediated_on.isoformat(),
                "result": r.result,
                "content": r.content,
            }
            for r in obj.mediations.all()
        ]
    if cat.model is m.KeyPlace:
        out["inspections"] = [
            {
                "id": i.pk,
                "inspected_on": i.inspected_on.isoformat(),
                "hazards_found": i.hazards_found,
                "rectified": i.rectified,
                "findings": i.findings,
            }
            for i in obj.inspections.all()
        ]
    return out


@router.get("/basedata/{category}/{record_id}", summary="One record, masked, with its links")
@roles(*access.READ_ROLES)
def get_record(request, category: str, record_id: int):
    cat = category_or_404(category)
    return _detail(cat, services.get_record(cat, request.auth, record_id))


@router.patch("/basedata/{category}/{record_id}", response=RecordOut, summary="Update fields")
@roles(*access.WRITE_ROLES)
def update_record(request, category: str, record_id: int, payload: ValuesIn):
    cat = category_or_404(category)
    services.update_record(cat, request.auth, record_id, payload.values)
    return services.record_out(cat, services.get_record(cat, request.auth, record_id))


@router.delete("/basedata/{category}/{record_id}", response={204: None}, summary="Delete")
@roles(Role.OPERATOR)
def delete_record(request, category: str, record_id: int):
    services.delete_record(category_or_404(category), request.auth, record_id)
    return Status(204, None)


class RevealIn(Schema):
    field: str
    reason: str


class RevealOut(Schema):
    field: str
    value: str


@router.post(
    "/basedata/{category}/{record_id}/reveal",
    response=RevealOut,
    summary="The clear value of one personal field (logged, needs the reveal permission)",
)
@roles(*access.READ_ROLES)
def reveal(request, category: str, record_id: int, payload: RevealIn):
    cat = category_or_404(category)
    value = services.reveal(cat, request.auth, record_id, payload.field, payload.reason)
    return {"field": payload.field, "value": value}
