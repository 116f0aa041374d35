"""The OpenAPI document is served, browsable, and the committed copy is current."""

import io

from django.core.management import call_command
from django.test import Client

from tests.api.operations import all_operations
from wangge.api.openapi import COMMITTED_PATH, REGENERATE_HINT, render_openapi


def test_openapi_document_is_served_and_lists_every_operation(db):
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    served = {
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    }
    assert served == {(op.method, op.path) for op in all_operations()}


def test_interactive_docs_page_is_served(db):
    response = Client().get("/api/docs")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert b"/api/openapi.json" in response.content


def test_committed_openapi_document_matches_the_code(db):
    live = render_openapi()
    committed = COMMITTED_PATH.read_text(encoding="utf-8") if COMMITTED_PATH.exists() else ""
    assert committed == live, (
        f"{COMMITTED_PATH} is out of date with the API; regenerate it with "
        f"`{REGENERATE_HINT}` (or `.venv/bin/{REGENERATE_HINT}`) and commit the result."
    )


def test_rendering_is_stable_and_pretty(db):
    document = render_openapi()
    assert document == render_openapi()
    assert document.endswith("}\n") and document.startswith('{\n  "')


def test_export_command_writes_the_live_document(db, tmp_path):
    target = tmp_path / "out" / "openapi.json"
    call_command("export_openapi", "--output", str(target), stderr=io.StringIO())
    assert target.read_text(encoding="utf-8") == render_openapi()


def test_export_command_can_print_to_stdout(db):
    out = io.StringIO()
    call_command("export_openapi", "--output", "-", stdout=out)
    assert out.getvalue() == render_openapi()


def test_document_declares_the_error_body_for_every_operation(db):
    document = Client().get("/api/openapi.json").json()
    error = document["components"]["schemas"]["Error"]
    assert set(error["required"]) == set(error["properties"]) == {"code", "message", "details"}
    for path, item in document["paths"].items():
        for method, operation in item.items():
            refused = operation["responses"]["4XX"]["content"]["application/json"]["schema"]
            assert refused == {"$ref": "#/components/schemas/Error"}, (method, path)


def test_operation_ids_are_unique_and_named_by_app_and_handler(db):
    """`<app>_<handler>` unless an operation names itself, so moving a handler between
    modules of its app keeps the id that generated clients use as their method name."""
    document = Client().get("/api/openapi.json").json()
    ids = [op["operationId"] for item in document["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids))
    assert {"fieldwork_add_track_points", "fieldwork_add_points", "regions_list_grids"} <= set(ids)
