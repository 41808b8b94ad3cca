"""The Pgb plugin's hooks: declare the iPgb message types and check the content of a TKB or BAB."""

from __future__ import annotations

from core.errors import Rejected
from core.hookspecs import hookimpl
from core.messagetypes import MessageType, ServiceSpec
from core.ports import PayloadSource
from plugins.pgb import rules
from plugins.pgb.messagetypes import BAB, SERVICE, TKB, message_types

CONTENT_RULES = {TKB: rules.TKB_RULES, BAB: rules.BAB_RULES}


@hookimpl
def ggk_services() -> ServiceSpec:
    return ServiceSpec(code=SERVICE, name="Pgb trekkingsrecht (SVB)", message_types=message_types())


@hookimpl
def ggk_check_message(message_type: MessageType, payload: PayloadSource) -> Rejected | None:
    if message_type.service != SERVICE or message_type.code not in CONTENT_RULES:
        return None
    with payload.open() as stream:
        return rules.check_records(stream, message_type.namespace, CONTENT_RULES[message_type.code])
