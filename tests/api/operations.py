"""Enumerates every django-ninja operation of the live API, for meta-tests."""

import re
from dataclasses import dataclass

from ninja.operation import Operation

from wangge.routes import api

API_MOUNT = "/api"


@dataclass(frozen=True)
class Op:
    method: str
    path: str
    operation: Operation


def all_operations() -> list[Op]:
    """Every (method, full path) the API serves, from the routers as bound to the API.

    Bound routers (not the router templates) carry the auth each operation really
    runs with after inheritance from the API and its routers.
    """
    found = []
    for bound in api._get_bound_routers():
        for path, path_view in bound.path_operations.items():
            route = "/".join(p for p in (bound.prefix.strip("/"), path.strip("/")) if p)
            for operation in path_view.operations:
                for method in operation.methods:
                    found.append(Op(method.upper(), f"{API_MOUNT}/{route}", operation))
    return found


def sample_url(path: str, value: str = "1") -> str:
    """`path` with every {param} (typed or not) filled with `value`."""
    return re.sub(r"\{[^}]*\}", value, path)
