from io import StringIO
from pathlib import Path

from django.core.management import call_command

from wangge.events.workflow import ACTIONS, markdown_table

WORKFLOW_DOC = Path(__file__).resolve().parents[2] / "docs" / "WORKFLOW.md"


def test_the_committed_workflow_doc_matches_the_state_table():
    out = StringIO()
    call_command("workflow-table", stdout=out)
    assert out.getvalue() == markdown_table()
    assert WORKFLOW_DOC.read_text(encoding="utf-8") == out.getvalue(), (
        "docs/WORKFLOW.md is stale: run `wangge workflow-table > docs/WORKFLOW.md`"
    )
    for name in ACTIONS:
        assert f"| `{name}` |" in out.getvalue()
