"""How an event's values are shown to people: state labels and masked reporter contact.

Shared by the API's answers, the tracking page and the web pages, so a reporter's name and
phone are masked the same way wherever they appear.
"""

from wangge.events.choices import State


def state_label(state: str) -> str:
    """The label as plain text (choice labels are lazy and not JSON-serialisable)."""
    return str(State(state).label) if state in State.values else state


def mask_name(name: str) -> str:
    """张三丰 -> 张**: the surname is enough to address the caller on a return visit."""
    name = name.strip()
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


def mask_phone(phone: str) -> str:
    """13812345678 -> 138****5678; short numbers keep only their last two digits."""
    phone = phone.strip()
    if len(phone) >= 8:
        return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
    return "*" * max(len(phone) - 2, 0) + phone[-2:] if phone else ""


def masked_contact(event) -> tuple[str, str]:
    """The reporter's name and phone as staff see them: masked, nothing if anonymous."""
    if event.is_anonymous:
        return "", ""
    return mask_name(event.reporter_name), mask_phone(event.reporter_phone)
