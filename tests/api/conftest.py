"""Shared helpers for API tests: a fast password hasher and the expected scope."""

import json
from uuid import uuid4

import pytest
from django.core.cache import cache

from wangge.regions.locate import VERSION_KEY
from wangge.regions.models import Grid, Region


@pytest.fixture(autouse=True)
def _own_grid_index_version(_fresh_cache):
    """Give each test its own grid-index version.

    Grid edits bump the version on commit, which never happens in a rolled-back
    test, so without this a later test could reuse an earlier test's in-process
    index, whose ids point at rows that are gone (a 500 on PostgreSQL, whose
    sequences are not rolled back).
    """
    cache.set(VERSION_KEY, uuid4().hex, timeout=None)


def region_subtree(root: Region | None) -> set[str]:
    """Codes of `root` and its descendants, found by walking parent links.

    Deliberately independent of wangge.accounts.scope (which uses code prefixes),
    so the scope tests compare two different derivations of the same answer.
    """
    if root is None:
        return set()
    parents = dict(Region.objects.values_list("code", "parent__code"))
    found = set()
    for code in parents:
        cursor = code
        while cursor is not None:
            if cursor == root.code:
                found.add(code)
                break
            cursor = parents[cursor]
    return found


def visible_grids(root: Region | None) -> set[str]:
    regions = region_subtree(root)
    return set(Grid.objects.filter(village__code__in=regions).values_list("code", flat=True))


def _reject_constant(word: str):
    raise AssertionError(f"response is not standard JSON: it contains {word}")


def standard_json(response):
    """The body parsed as standard JSON (no NaN or Infinity, which browsers reject)."""
    return json.loads(response.content, parse_constant=_reject_constant)


def assert_error_body(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = standard_json(response)
    assert set(body) == {"code", "message", "details"}, body
    assert isinstance(body["code"], str) and body["code"]
    assert isinstance(body["message"], str) and body["message"]
    if code is not None:
        assert body["code"] == code, body
    return body
