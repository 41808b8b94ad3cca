"""The hooks a ggk service plugin implements. Every hook is named ``ggk_...``.

Plugins are found through the entry point group ``ggk.plugins``; the built-in services
(wmo, jw, pgb, wlz) register exactly like a third party's plugin. Core calls these hooks
only through ``core.plugins.PluginHost``, never through ``pm.hook`` directly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from core.errors import Rejected
    from core.header import Header
    from core.messagetypes import MessageType, ServiceSpec
    from core.model import Message
    from core.plugins import PluginContext
    from core.plugins import Routed
    from core.ports import PayloadSource

PROJECT = "ggk"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def ggk_services() -> "ServiceSpec":
    """Declare the service this plugin provides, with all its message types.

    Called once when the plugin host starts. Every registered plugin returns one
    ``ServiceSpec``; a service code or a message type code declared twice stops start-up.
    """


@hookspec(firstresult=True)
def ggk_route_message(message_type: "MessageType", header: "Header", sender: str) -> str | None:
    """Choose the recipient of a validated message whose layout cannot name it alone.

    Called during ingest after the header is read and the sender checked, before the
    recipient is looked up; not called for a retour whose heen the hub holds, because that
    retour goes back to the heen's sender. ``message_type`` is the file's declared type,
    ``header`` its header values by path, and ``sender`` the code of the organisation that
    handed the file in. Return the recipient's organisation code, or None to fall back to
    the message type's ``fixed_recipient`` and then its header layout. The first non-None
    result wins.
    """


@hookspec(firstresult=True)
def ggk_check_message(
    message_type: "MessageType", header: "Header", payload: "PayloadSource"
) -> "Rejected | None":
    """Check the content of a schema-valid message beyond what its XSD can express.

    Called during ingest after XSD validation and the sender checks, before routing.
    ``message_type`` is the file's declared type, ``header`` its header values by path, and
    ``payload.open()`` reads the file again. Return a ``Rejected`` with the field's code (or
    a documented ggk code) to refuse the message, or None to let it pass. The first
    rejection returned wins.
    """


@hookspec
def ggk_message_routed(message: "Message", header: "Header", payload: "PayloadSource") -> None:
    """Observe a message the hub has accepted and put in its recipient's mailbox.

    Called after the acceptance is committed, once per message, for every plugin.
    ``message`` is the accepted message with its recipient and links, ``header`` its header
    values by path, and ``payload.open()`` reads the stored file. An implementation may
    name fewer arguments. An exception in one observer is logged with the message id and
    does not stop the other observers; the message stays accepted. The result is ignored.
    An observer that writes to a database should implement ``ggk_messages_routed``
    instead, to write a whole batch in one transaction.
    """


@hookspec
def ggk_messages_routed(routed: "list[Routed]") -> None:
    """Observe a batch of messages the hub has accepted, in one call.

    Called once per committed batch (one group commit of ingest), before the per-message
    ``ggk_message_routed`` calls, for every plugin. ``routed`` lists each accepted message
    as a ``core.plugins.Routed`` with ``message``, ``header`` and ``payload``, in the order
    they were handed in. The Wlz service records the provisions of routed toewijzingen
    here. An exception is logged with the message ids and does not stop other observers;
    the messages stay accepted. The result is ignored.
    """


@hookspec
def ggk_cli_commands(cli: Any) -> None:
    """Add the plugin's own commands to the command-line interface.

    Called once when the ``ggk`` command starts; ``cli`` is the root click group. A
    plugin adds a group under its service code (``ggk wlz ...``). The result is ignored.
    """


@hookspec
def ggk_plugin_started(context: "PluginContext") -> Any:
    """Hand a plugin the hub's components once the composition root has built them.

    Called once per plugin host by ``PluginHost.start(context)``, after ``ggk_services``
    and before the first message is handed in. ``context`` is a ``PluginContext`` with
    the store, payload store, clock, ingest service, setting values and the named
    resources the composition root registered (such as ``wlz.store``). Return None, or
    an object whose ``@hookimpl`` methods the host registers for this host only, so a
    plugin keeps state per hub (for example an observer bound to its store) instead of
    in module globals. Its ``ggk_services`` and ``ggk_plugin_started`` are never
    called. An exception stops start-up with a ``PluginError`` naming the plugin.
    """
