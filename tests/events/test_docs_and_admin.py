from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.utils import translation

from wangge.accounts.models import User
from wangge.events.models import TrailEntry
from wangge.events.workflow import ACTIONS, markdown_table

WORKFLOW_DOC = Path(__file__).resolve().parents[2] / "docs" / "WORKFLOW.md"


def test_the_committed_workflow_doc_matches_the_state_table():
    out = StringIO()
    call_command("workflow_table", stdout=out)
    assert out.getvalue() == markdown_table()
    assert WORKFLOW_DOC.read_text(encoding="utf-8") == out.getvalue(), (
        "docs/WORKFLOW.md is stale: run `wangge workflow-table > docs/WORKFLOW.md`"
    )
    for name in ACTIONS:
        assert f"| `{name}` |" in out.getvalue()


def test_the_workflow_doc_does_not_follow_the_active_language():
    """A request or test that switched to English must not change the generated doc."""
    with translation.override("en"):
        assert markdown_table() == WORKFLOW_DOC.read_text(encoding="utf-8")


def test_admin_lists_categories_as_a_tree_and_keeps_the_trail_read_only(
    client, cast, categories, report
):
    admin = User.objects.create_superuser("root", password="x-Test-password-1")
    client.force_login(admin)
    event = report()
    entry = TrailEntry.objects.get(event=event)

    page = client.get("/admin/events/category/")
    assert page.status_code == 200
    assert "　占道经营" in page.content.decode()
    assert client.get(f"/admin/events/category/{categories.street.pk}/change/").status_code == 200
    assert client.get(f"/admin/events/trailentry/{entry.pk}/change/").status_code == 200
    assert client.get("/admin/events/trailentry/add/").status_code == 403
    assert client.get("/admin/events/event/add/").status_code == 403
    assert client.get(f"/admin/events/trailentry/{entry.pk}/delete/").status_code == 403
    posted = client.post(f"/admin/events/trailentry/{entry.pk}/change/", {"comment": "改"})
    assert posted.status_code == 403
    assert TrailEntry.objects.get(pk=entry.pk).comment == entry.comment
