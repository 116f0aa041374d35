"""Events built with the ORM, as in the supervision tests."""

from tests.supervision.conftest import make_event

__all__ = ["make_event"]
