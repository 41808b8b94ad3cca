"""The Wlz plugin's hooks: its message types, the provisions list check, the observer of
routed toewijzingen and the ``ggk wlz`` commands."""

from __future__ import annotations

from dataclasses import replace

from core import codes
from core.errors import Rejected
from core.hookspecs import hookimpl
from core.messagetypes import HEEN_LAYOUT, HeaderLayout, ServiceSpec, heen
from core.model import OrgKind
from core.plugins import PluginContext
from plugins.wlz import provision_files, signal_message
from plugins.wlz.errors import InvalidRows, RowCollector
from plugins.wlz.model import SERVICE, SIGNAL_SENDER
from plugins.wlz.provisions import LIST_MESSAGE_TYPE
from plugins.wlz.services import WlzServices

STANDARD = "ggkwlz"  # takes the place of the iStandaarden standard name for the hub's own formats
RELEASE = "1_0"
LIST_LAYOUT = HeaderLayout(senders=HEEN_LAYOUT.senders, recipient=(), identity=HEEN_LAYOUT.identity)


def message_types():
    signal = replace(
        heen("WLZSIGNAAL", SERVICE, (STANDARD,), (signal_message.BERICHT_CODE,), OrgKind.KETENPARTNER,
             description="Wlz-signaal"),
        fixed_sender=SIGNAL_SENDER, namespace=signal_message.NAMESPACE, release=RELEASE,
        bundled_xsd=signal_message.XSD,
    )
    provision_list = replace(
        heen(LIST_MESSAGE_TYPE, SERVICE, (STANDARD,), ("952",), OrgKind.GEMEENTE, layout=LIST_LAYOUT,
             fixed_recipient=SIGNAL_SENDER, description="Lijst lopende en aangevraagde voorzieningen"),
        namespace=provision_files.NAMESPACE, release=RELEASE, bundled_xsd=provision_files.XSD,
    )
    return (signal, provision_list)


@hookimpl
def ggk_services() -> ServiceSpec:
    return ServiceSpec(code=SERVICE, name="Wlz registertoets en signalen", message_types=message_types())


@hookimpl
def ggk_check_message(message_type, header, payload):
    """Refuse a provisions list with a row the XSD cannot judge: the elfproef, dates, a LOPEND without start."""
    if message_type.code != LIST_MESSAGE_TYPE:
        return None
    gemeente = header.get("Afzender") or ""
    try:
        with payload.open() as stream:
            for _provision in provision_files.checked(provision_files.xml_provision_rows(stream), gemeente,
                                                      RowCollector()):
                pass
    except InvalidRows as invalid:
        first = invalid.errors[0]
        return Rejected(codes.STUF055, invalid.detail, line=first.line,
                        params={"errors": [error.as_dict() for error in invalid.errors]})
    return None


@hookimpl
def ggk_plugin_started(context: PluginContext):
    return WlzObserver(WlzServices.from_context(context))


@hookimpl
def ggk_cli_commands(cli):
    from plugins.wlz.cli import wlz

    cli.add_command(wlz)


class WlzObserver:
    """Records the provisions that routed messages tell of, for one hub."""

    def __init__(self, services: WlzServices):
        self.services = services

    @hookimpl
    def ggk_messages_routed(self, routed):
        self.services.provisions.messages_routed([(item.message, item.payload) for item in routed])
