"""The Django admin is the configuration console: every page loads for a superuser, in
Chinese, and the configuration models can be searched and filtered."""

from datetime import date

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from tests.web.screen_support import categories, report
from wangge.accounts.models import GridAssignment, GridDuty, OrgUnit, Role, RoleGrant, User
from wangge.accounts.services import issue_token
from wangge.assessment.models import ScoringRule
from wangge.events.choices import LimitUnit, Priority, Step
from wangge.events.models import Category, Holiday, StepLimit, SupervisionRule
from wangge.notices.models import Notice

CONFIGURATION = (Category, OrgUnit, User, SupervisionRule, Holiday, ScoringRule)


@pytest.fixture
def superuser(cast):
    return User.objects.create_superuser("root", "root@example.org", "x")


@pytest.fixture
def one_of_each(cast):
    """At least one row of every registered model, so change pages are exercised too."""
    street, _ = categories()
    StepLimit.objects.create(
        category=street,
        priority=Priority.NORMAL,
        step=Step.HANDLE,
        amount=3,
        unit=LimitUnit.WORKING_DAYS,
    )
    event = report(street)
    grid = cast.jurisdiction.grids["t1_north"]
    GridAssignment.objects.create(grid=grid, user=cast["grid_worker_1"], duty=GridDuty.WORKER)
    issue_token(cast["county_operator"], "tests")
    Holiday.objects.create(date=date(2026, 10, 1), name="国庆节")
    SupervisionRule.objects.create(step=Step.HANDLE, yellow_after_days=1, red_after_days=3)
    ScoringRule.objects.create(name="2026 年度考核")
    Notice.objects.create(
        recipient=cast["county_operator"], title="新事件", event=event, created_at=timezone.now()
    )
    return event


def test_every_admin_page_loads_for_a_superuser_in_chinese(client, superuser, one_of_each):
    client.force_login(superuser)
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    assert "网格化治理平台 · 系统配置" in index.content.decode()
    visited = 0
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        name = f"admin:{meta.app_label}_{meta.model_name}"
        changelist = client.get(
            reverse(f"{name}_changelist"), {"q": "1"} if model_admin.search_fields else {}
        )
        assert changelist.status_code == 200, name
        if model_admin.has_add_permission(_request(superuser)):
            add = client.get(reverse(f"{name}_add"))
            assert add.status_code == 200, name
            assert "增加" in add.content.decode(), name
        row = model.objects.first()
        if row is not None:
            assert client.get(reverse(f"{name}_change", args=[row.pk])).status_code == 200, name
            visited += 1
    assert visited >= len(CONFIGURATION)


def _request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def test_configuration_models_can_be_searched_and_filtered():
    for model in CONFIGURATION:
        model_admin = admin.site._registry[model]
        assert model_admin.list_display and model_admin.list_display != ("__str__",), model
        assert model_admin.search_fields or model_admin.list_filter, model


def test_categories_edit_their_step_limits_inline():
    inlines = [inline.model for inline in admin.site._registry[Category].inlines]
    assert StepLimit in inlines


def test_a_user_gets_roles_inline_but_never_two_admin_roles(client, superuser, cast):
    user = cast["citizen"]
    client.force_login(superuser)
    url = reverse("admin:accounts_user_change", args=[user.pk])
    form = {
        "username": user.username,
        "date_joined_0": "2026-10-01",
        "date_joined_1": "08:00:00",
        "is_active": "on",
        "role_grants-TOTAL_FORMS": "3",
        "role_grants-INITIAL_FORMS": "1",
        "role_grants-MIN_NUM_FORMS": "0",
        "role_grants-MAX_NUM_FORMS": "1000",
        "role_grants-0-id": str(user.role_grants.get().pk),
        "role_grants-0-user": str(user.pk),
        "role_grants-0-role": Role.CITIZEN,
    }
    two_admins = form | {
        "role_grants-1-user": str(user.pk),
        "role_grants-1-role": Role.SYSTEM_ADMIN,
        "role_grants-2-user": str(user.pk),
        "role_grants-2-role": Role.AUDIT_ADMIN,
    }
    refused = client.post(url, two_admins)
    assert refused.status_code == 200
    assert "三权分立" in refused.content.decode()
    assert set(RoleGrant.objects.filter(user=user).values_list("role", flat=True)) == {Role.CITIZEN}

    one_admin = form | {"role_grants-1-user": str(user.pk), "role_grants-1-role": Role.SYSTEM_ADMIN}
    one_admin["role_grants-TOTAL_FORMS"] = "2"
    assert client.post(url, one_admin).status_code == 302
    assert set(RoleGrant.objects.filter(user=user).values_list("role", flat=True)) == {
        Role.CITIZEN,
        Role.SYSTEM_ADMIN,
    }
