"""What each kind of notice says, in the project's language and translatable at display time.

A notice stores its `kind` and the `params` its sentence needs (event code and title, who
acted, the note they wrote ...). The title and body are rendered once in Chinese when the
notice is written (for the outside channels and the admin), and again in the reader's
language when a page shows it, so an English session reads English. A row whose kind is
unknown here (written before kinds existed) shows its stored text.

Params named in `Message.translated` hold Chinese labels (a step, a card level) that are
translated themselves before they are put into the sentence.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_noop as _noop


@dataclass(frozen=True)
class Message:
    title: str
    body: str
    translated: tuple[str, ...] = ()


MESSAGES: dict[str, Message] = {
    "dispatched": Message(
        _noop("新派遣：%(title)s"), _noop("%(actor)s派遣事件 %(code)s 给本部门办理。%(note)s")
    ),
    "delegated": Message(
        _noop("下派事件：%(title)s"), _noop("%(actor)s将事件 %(code)s 下派给本中心。%(note)s")
    ),
    "escalated": Message(
        _noop("上级中心接收：%(title)s"), _noop("%(actor)s将事件 %(code)s 上报给本中心。%(note)s")
    ),
    "taken_over": Message(
        _noop("事件被提级办理：%(title)s"),
        _noop("%(actor)s已接手事件 %(code)s，本中心不再办理。%(note)s"),
    ),
    "directed": Message(
        _noop("上级指令：%(title)s"), _noop("%(actor)s就事件 %(code)s 向本中心下达指令。%(note)s")
    ),
    "returned": Message(
        _noop("部门退回：%(title)s"), _noop("%(actor)s退回了事件 %(code)s。%(note)s")
    ),
    "rework": Message(
        _noop("核查不通过，请返工：%(title)s"), _noop("%(actor)s核查事件 %(code)s 未通过。%(note)s")
    ),
    "reopened": Message(_noop("事件重办：%(title)s"), _noop("事件 %(code)s 已重新交办。%(note)s")),
    "verify_requested": Message(
        _noop("请核实：%(title)s"), _noop("%(actor)s请您核实事件 %(code)s。%(note)s")
    ),
    "extension_requested": Message(
        _noop("延期申请待审批：%(title)s"), _noop("%(actor)s为事件 %(code)s 申请延期。%(note)s")
    ),
    "extension_approved": Message(
        _noop("延期已批准：%(title)s"), _noop("%(actor)s批准了事件 %(code)s 的延期申请。%(note)s")
    ),
    "extension_denied": Message(
        _noop("延期被驳回：%(title)s"), _noop("%(actor)s驳回了事件 %(code)s 的延期申请。%(note)s")
    ),
    "shelve_requested": Message(
        _noop("挂账申请待审批：%(title)s"), _noop("%(actor)s为事件 %(code)s 申请挂账。%(note)s")
    ),
    "urged": Message(
        _noop("催办：%(title)s"), _noop("%(actor)s催办事件 %(code)s，请抓紧办理。%(note)s")
    ),
    "supervised": Message(_noop("督办：%(title)s"), _noop("%(actor)s督办事件 %(code)s。%(note)s")),
    "instructed": Message(
        _noop("领导批示：%(title)s"), _noop("%(actor)s对事件 %(code)s 作出批示：%(note)s")
    ),
    "instruction_replied": Message(
        _noop("批示已回复：%(title)s"), _noop("%(actor)s回复了您对事件 %(code)s 的批示：%(note)s")
    ),
    "warning": Message(
        _noop("时限预警：%(title)s"),
        _noop("事件 %(code)s 的%(step)s环节将于%(due)s到期，请抓紧办理。"),
        translated=("step",),
    ),
    "card": Message(
        _noop("%(level)s：%(title)s"),
        _noop("事件 %(code)s 的%(step)s环节已于%(due)s到期未办结，现予%(level)s。"),
        translated=("step", "level"),
    ),
    "card_deducted": Message(
        _noop("%(level)s：%(title)s"),
        _noop(
            "事件 %(code)s 的%(step)s环节已于%(due)s到期未办结，现予%(level)s，扣 %(points)s 分。"
        ),
        translated=("step", "level"),
    ),
}


def _fill(template: str, message: Message, params: dict) -> str:
    values = {
        key: gettext(value) if key in message.translated else value for key, value in params.items()
    }
    try:
        return gettext(template) % values
    except (KeyError, TypeError, ValueError):
        return template  # params missing from an old row: show the sentence's frame


def render(kind: str, params: dict) -> tuple[str, str] | None:
    """(title, body) in the active language, or None for an unknown kind."""
    message = MESSAGES.get(kind)
    if message is None:
        return None
    return _fill(message.title, message, params), _fill(message.body, message, params)


def render_stored(kind: str, params: dict) -> tuple[str, str]:
    """(title, body) in the project's language, as stored in the row."""
    with translation.override(settings.LANGUAGE_CODE):
        rendered = render(kind, params)
    if rendered is None:
        raise ValueError(f"unknown notice kind {kind!r}")
    return rendered
