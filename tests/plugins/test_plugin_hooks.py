"""One test per ``ggk_*`` hook, each through a throwaway plugin registered on a real plugin host.

Every hookspec in core/hookspecs.py needs at least one test here named
``test_<hook name>_...``; test_plugin_hookspecs.py fails when one is missing.
"""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from core import codes
from core.errors import Rejected
from core.hookspecs import hookimpl
from core.messagetypes import ServiceSpec, heen
from core.model import OrgKind, State
from core.plugins import PluginContext, PluginError, PluginHost
from tests.flow import messages, reference
from tests.flow.hub import organisation

GEMEENTE = "0384"  # Afzender of the WMO301 example
AANBIEDER = "42420001"  # its Ontvanger
PARTNER = "87654321"


class ServicePlugin:
    def __init__(self, spec: ServiceSpec):
        self.spec = spec

    @hookimpl
    def ggk_services(self) -> ServiceSpec:
        return self.spec


class FixedPartnerRouter:
    """Routes every WMO301 to one partner, whatever its header names."""

    def __init__(self):
        self.calls = []

    @hookimpl
    def ggk_route_message(self, message_type, header, sender):
        self.calls.append((message_type.code, header.get("Ontvanger"), sender))
        return PARTNER if message_type.code == "WMO301" else None


class CommentaarChecker:
    """Rejects a message whose body contains 'Client commentaar', and keeps every payload it read."""

    def __init__(self):
        self.payloads = []

    @hookimpl
    def ggk_check_message(self, message_type, header, payload):
        with payload.open() as stream:
            data = stream.read()
        self.payloads.append(data)
        if b"Client commentaar" in data:
            return Rejected(codes.IB234, "the Commentaar must not be the example text", params={"rule": "commentaar"})
        return None


class RoutedRecorder:
    def __init__(self):
        self.seen = []

    @hookimpl
    def ggk_message_routed(self, message, header, payload):
        with payload.open() as stream:
            self.seen.append((message, header, stream.read()))


class MessageOnlyObserver:
    """Takes only the argument it needs, as pluggy allows for any hook implementation."""

    def __init__(self):
        self.message_ids = []

    @hookimpl
    def ggk_message_routed(self, message):
        self.message_ids.append(message.id)


class FailingObserver:
    def __init__(self):
        self.calls = 0

    @hookimpl
    def ggk_message_routed(self, message, header, payload):
        self.calls += 1
        raise RuntimeError("observer failed on purpose")


class GreetingCommands:
    @hookimpl
    def ggk_cli_commands(self, cli):
        @cli.group("tst")
        def tst():
            """Commands of the test service."""

        @tst.command("hallo")
        @click.argument("naam")
        def hallo(naam):
            click.echo(f"hallo {naam}")


class StartedPlugin:
    """Returns, per host, an observer bound to the sink the composition root registered."""

    def __init__(self):
        self.contexts = []

    @hookimpl
    def ggk_plugin_started(self, context):
        self.contexts.append(context)
        return BoundObserver(context.resource("tst.sink"))


class BoundObserver:
    def __init__(self, sink: list):
        self.sink = sink

    @hookimpl
    def ggk_message_routed(self, message):
        self.sink.append(message.id)


def start(hub, **resources) -> None:
    """Start the hub's plugin host; its tests disable the built-in wlz plugin, which needs the resource wlz.store."""
    hub.plugins.start(PluginContext(hub.store, hub.payloads, hub.clock, hub.service, resources=resources))


def test_ggk_services_indexes_declared_types():
    spec = ServiceSpec("tst", "Test service", (heen("TST101", "tst", ("itst",), ("901",), OrgKind.GEMEENTE),))

    host = PluginHost(extra=[("tst", ServicePlugin(spec))]).load()

    assert host.services()["tst"] == spec
    assert host.message_type("tst101").code == "TST101"
    assert host.message_type("WMO301").service == "wmo"


def test_ggk_services_duplicate_service_stops_startup():
    spec = ServiceSpec("wmo", "A second Wmo", (heen("XWMO301", "wmo", ("iwmo",), ("999",), OrgKind.GEMEENTE),))
    host = PluginHost(extra=[("second-wmo", ServicePlugin(spec))])

    with pytest.raises(PluginError, match="'wmo'"):
        host.load()


def test_ggk_services_duplicate_message_type_stops_startup():
    spec = ServiceSpec("tst", "Test service", (heen("WMO301", "tst", ("itst",), ("901",), OrgKind.GEMEENTE),))
    host = PluginHost(extra=[("tst", ServicePlugin(spec))])

    with pytest.raises(PluginError, match="WMO301"):
        host.load()


def test_ggk_services_type_of_other_service_stops_startup():
    spec = ServiceSpec("tst", "Test service", (heen("TST101", "wmo", ("itst",), ("901",), OrgKind.GEMEENTE),))
    host = PluginHost(extra=[("tst", ServicePlugin(spec))])

    with pytest.raises(PluginError, match="TST101"):
        host.load()


def test_ggk_route_message_routes_to_fixed_partner(hub_with, toewijzing):
    router = FixedPartnerRouter()
    hub = hub_with(router)
    hub.add(organisation(PARTNER, ("wmo",)))

    outcome = hub.send(GEMEENTE, toewijzing)

    assert outcome.accepted, outcome.detail
    assert outcome.recipient == PARTNER
    assert router.calls == [("WMO301", AANBIEDER, GEMEENTE)]


def test_ggk_route_message_none_falls_back_to_header(hub_with):
    router = FixedPartnerRouter()
    hub = hub_with(router)
    example = reference.example("iwmo", "3.2", "WMO305")
    parties = hub.prepare(example)

    outcome = hub.send(parties.sender, example.read())

    assert outcome.accepted, outcome.detail
    assert outcome.recipient == parties.recipient
    assert [call[0] for call in router.calls] == ["WMO305"]


def test_ggk_route_message_to_unknown_partner_is_ib210(hub_with, toewijzing):
    hub = hub_with(FixedPartnerRouter())

    outcome = hub.send(GEMEENTE, toewijzing)

    assert outcome.code == codes.IB210


def test_ggk_check_message_rejects_with_code(hub_with, toewijzing):
    checker = CommentaarChecker()
    hub = hub_with(checker)

    outcome = hub.send(GEMEENTE, toewijzing)

    assert outcome.code == codes.IB234
    assert outcome.params == {"rule": "commentaar"}
    assert checker.payloads == [toewijzing]
    assert hub.message(outcome.message_id).status == State.REJECTED


def test_ggk_check_message_none_lets_message_pass(hub_with, toewijzing):
    checker = CommentaarChecker()
    hub = hub_with(checker)
    changed = toewijzing.replace(b"Client commentaar", b"Graag snel starten")

    outcome = hub.send(GEMEENTE, changed)

    assert outcome.accepted, outcome.detail
    assert checker.payloads == [changed]


def test_ggk_check_message_runs_after_xsd(hub_with, toewijzing):
    checker = CommentaarChecker()
    hub = hub_with(checker)

    outcome = hub.send(GEMEENTE, messages.invalid_copy(toewijzing).data)

    assert outcome.code == codes.STUF055
    assert checker.payloads == []


def test_ggk_message_routed_observer_reads_payload(hub_with, toewijzing):
    recorder = RoutedRecorder()
    hub = hub_with(recorder)

    outcome = hub.send(GEMEENTE, toewijzing)

    assert len(recorder.seen) == 1
    message, header, data = recorder.seen[0]
    assert message.id == outcome.message_id
    assert message.recipient == AANBIEDER
    assert header.get("BerichtIdentificatie/Identificatie") == "123456789012"
    assert data == toewijzing


def test_ggk_message_routed_failing_observer_keeps_acceptance(hub_with, toewijzing):
    before, failing, after = RoutedRecorder(), FailingObserver(), RoutedRecorder()
    hub = hub_with(before, failing, after)

    outcome = hub.send(GEMEENTE, toewijzing)

    assert failing.calls == 1
    assert outcome.accepted
    assert hub.message(outcome.message_id).status == State.DELIVERED
    assert len(before.seen) == 1
    assert len(after.seen) == 1


def test_ggk_message_routed_observer_may_take_fewer_arguments(hub_with, toewijzing):
    observer = MessageOnlyObserver()
    hub = hub_with(observer)

    outcome = hub.send(GEMEENTE, toewijzing)

    assert observer.message_ids == [outcome.message_id]


def test_ggk_message_routed_skips_rejected_files(hub_with, toewijzing):
    recorder = RoutedRecorder()
    hub = hub_with(recorder)

    hub.send(GEMEENTE, messages.invalid_copy(toewijzing).data)
    hub.send(AANBIEDER, toewijzing)

    assert recorder.seen == []


def test_ggk_message_routed_once_per_message_in_batch(hub_with, toewijzing):
    recorder = RoutedRecorder()
    hub = hub_with(recorder)
    second = messages.with_header(toewijzing, {"BerichtIdentificatie/Identificatie": "123456789013"})

    outcomes = hub.send_many(GEMEENTE, [("een.xml", toewijzing), ("twee.xml", second)])

    assert [message.id for message, _, _ in recorder.seen] == [o.message_id for o in outcomes]


class BatchRecorder:
    def __init__(self, fail: bool = False):
        self.batches: list[list] = []
        self.fail = fail

    @hookimpl
    def ggk_messages_routed(self, routed):
        self.batches.append([(item.message.id, item.payload.open().read()) for item in routed])
        if self.fail:
            raise RuntimeError("observer broke")


def test_ggk_messages_routed_gets_one_call_per_batch(hub_with, toewijzing):
    recorder = BatchRecorder()
    hub = hub_with(recorder)
    second = messages.with_header(toewijzing, {"BerichtIdentificatie/Identificatie": "123456789013"})

    outcomes = hub.send_many(GEMEENTE, [("een.xml", toewijzing), ("twee.xml", second), ("drie.xml", b"geen xml")])

    assert len(recorder.batches) == 1
    assert [message_id for message_id, _ in recorder.batches[0]] == [o.message_id for o in outcomes[:2]]
    assert recorder.batches[0][0][1] == toewijzing


def test_ggk_messages_routed_failure_keeps_acceptance(hub_with, toewijzing):
    failing, per_message = BatchRecorder(fail=True), RoutedRecorder()
    hub = hub_with(failing, per_message)

    outcome = hub.send(GEMEENTE, toewijzing)

    assert outcome.accepted
    assert len(failing.batches) == 1
    assert len(per_message.seen) == 1


def test_ggk_cli_commands_adds_command():
    host = PluginHost(extra=[("tst", GreetingCommands())]).load()

    @click.group()
    def cli():
        """The root command."""

    host.add_cli_commands(cli)
    result = CliRunner().invoke(cli, ["tst", "hallo", "Utrecht"])

    assert result.exit_code == 0, result.output
    assert result.output == "hallo Utrecht\n"


def test_ggk_cli_commands_without_plugin_commands_leaves_group():
    host = PluginHost().load()

    @click.group()
    def cli():
        """The root command."""

    host.add_cli_commands(cli)

    assert "tst" not in cli.commands


def test_ggk_plugin_started_registers_bound_observer(hub_with, toewijzing):
    plugin = StartedPlugin()
    first_sink, second_sink = [], []
    first, second = hub_with(plugin, disabled=("wlz",)), hub_with(plugin, disabled=("wlz",))

    start(first, **{"tst.sink": first_sink})
    start(second, **{"tst.sink": second_sink})
    outcome = first.send(GEMEENTE, toewijzing)

    assert [context.store for context in plugin.contexts] == [first.store, second.store]
    assert first_sink == [outcome.message_id]
    assert second_sink == []
    assert first.plugins.context.resource("tst.sink") is first_sink


def test_ggk_plugin_started_missing_resource_stops_start(hub_with):
    hub = hub_with(StartedPlugin(), disabled=("wlz",))

    with pytest.raises(PluginError, match="throwaway-0 failed to start.*tst.sink"):
        start(hub)


def test_ggk_plugin_started_runs_once_per_host(hub_with):
    hub = hub_with(StartedPlugin(), disabled=("wlz",))
    start(hub, **{"tst.sink": []})

    with pytest.raises(PluginError, match="already started"):
        start(hub, **{"tst.sink": []})
