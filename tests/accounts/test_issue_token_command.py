"""`wangge issue-token USERNAME NAME [--days N]` prints a working token once."""

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, ManagementUtility, call_command
from django.test import Client
from django.utils import timezone

from wangge.accounts.models import ApiToken, Role, User
from wangge.accounts.services import grant_role
from wangge.cli import command_argv


@pytest.fixture
def operator(db) -> User:
    user = User.objects.create_user(username="ops", password="Test-password-1")
    grant_role(user, Role.OPERATOR)
    return user


def _issue(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("issue_token", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def test_printed_token_authenticates_as_the_user(operator):
    token, note = _issue("ops", "12345 hotline")
    assert "\n" not in token and len(token) >= 40
    response = Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/api/me")
    assert response.status_code == 200
    assert response.json()["username"] == "ops"
    row = ApiToken.objects.get(user=operator)
    assert row.name == "12345 hotline" and row.expires_at is None
    assert token not in note, "the token must be printed once, on stdout only"


def test_days_sets_the_expiry(operator):
    before = timezone.now()
    _issue("ops", "short-lived", "--days", "7")
    expires_at = ApiToken.objects.get(user=operator).expires_at
    assert before + timedelta(days=7) <= expires_at <= timezone.now() + timedelta(days=7)


def test_each_call_issues_a_new_token(operator):
    first, _ = _issue("ops", "a")
    second, _ = _issue("ops", "a")
    assert first != second
    assert ApiToken.objects.filter(user=operator).count() == 2


@pytest.mark.parametrize(
    "args",
    [
        ("nobody", "x"),
        ("ops", "x", "--days", "0"),
        ("ops", "x", "--days", "-3"),
        ("ops", "   "),
        ("ops", "x" * 101),
    ],
)
def test_bad_arguments_are_refused_without_a_token(operator, args):
    with pytest.raises(CommandError):
        _issue(*args)
    assert not ApiToken.objects.exists()


def test_inactive_user_gets_no_token(operator):
    operator.is_active = False
    operator.save(update_fields=["is_active"])
    with pytest.raises(CommandError):
        _issue("ops", "x")
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(
    ("spelled", "module"),
    [("issue-token", "wangge.accounts"), ("export-openapi", "wangge.api")],
)
def test_console_script_accepts_hyphenated_names(spelled, module):
    """Resolved, not run: Django closes every DB connection after running a command."""
    argv = command_argv(["wangge", spelled, "ops", "--days", "1"])
    assert argv == ["wangge", spelled.replace("-", "_"), "ops", "--days", "1"]
    command = ManagementUtility(argv).fetch_command(argv[1])
    assert type(command).__module__.startswith(f"{module}.management.commands.")
