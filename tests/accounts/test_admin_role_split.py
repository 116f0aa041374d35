"""Three-way admin split (三权分立): one user never holds two admin roles."""

import pytest
from django.db import IntegrityError, transaction

from wangge.accounts.models import ADMIN_ROLES, Role, RoleGrant, User
from wangge.accounts.services import RoleConflict, grant_role

ADMIN_PAIRS = [(a, b) for a in ADMIN_ROLES for b in ADMIN_ROLES if a != b]


@pytest.fixture
def user(db) -> User:
    return User.objects.create_user(username="somebody", password="Test-password-1")


@pytest.mark.parametrize(("first", "second"), ADMIN_PAIRS)
def test_service_refuses_a_second_admin_role(user, first, second):
    grant_role(user, first)
    with pytest.raises(RoleConflict):
        grant_role(user, second)
    assert set(user.role_grants.values_list("role", flat=True)) == {first}


@pytest.mark.parametrize(("first", "second"), ADMIN_PAIRS)
def test_database_refuses_a_second_admin_role(user, first, second):
    RoleGrant.objects.create(user=user, role=first)
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleGrant.objects.create(user=user, role=second)
    assert RoleGrant.objects.filter(user=user).count() == 1


@pytest.mark.parametrize("role", ADMIN_ROLES)
def test_granting_the_same_admin_role_again_is_harmless(user, role):
    grant_role(user, role)
    grant_role(user, role)
    assert list(user.role_grants.values_list("role", flat=True)) == [role]


def test_an_admin_role_combines_with_ordinary_roles(user):
    grant_role(user, Role.OPERATOR)
    grant_role(user, Role.SECURITY_ADMIN)
    grant_role(user, Role.LEADER)
    assert user.has_role(Role.SECURITY_ADMIN)
    assert user.role_set == {Role.OPERATOR, Role.SECURITY_ADMIN, Role.LEADER}


def test_refused_grant_leaves_cached_roles_accurate(user):
    grant_role(user, Role.AUDIT_ADMIN)
    assert user.has_role(Role.AUDIT_ADMIN)
    with pytest.raises(RoleConflict):
        grant_role(user, Role.SYSTEM_ADMIN)
    assert not user.has_role(Role.SYSTEM_ADMIN)


def test_different_users_may_each_hold_an_admin_role(db):
    for role in ADMIN_ROLES:
        grant_role(User.objects.create_user(username=f"admin-{role}"), role)
    assert RoleGrant.objects.filter(role__in=ADMIN_ROLES).count() == len(ADMIN_ROLES)
