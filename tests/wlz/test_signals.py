"""Wlz signalen: real toewijzingen routed through the ingest, compared with the register, and
the resulting WLZSIGNAAL messages delivered to the gemeente's mailbox."""

from __future__ import annotations

from datetime import date

import pytest
from lxml import etree

from core.errors import NotAuthorised
from core.model import Channel, OrgKind
from core.principal import Principal
from plugins.wlz import signal_message
from plugins.wlz.errors import SignalSenderMissing
from plugins.wlz.model import Gebeurtenis, ProvisionSource
from tests.flow import messages
from tests.wlz.builders import bsns, provisions_csv, register_csv
from tests.wlz.hub import OPERATOR

CLIENT = "999900006"  # the client of the reference JW301, WMO301 and JW307
GEMEENTE = "0384"  # Afzender of the reference JW301 and WMO301
AANBIEDER = "42420001"  # their Ontvanger
OTHERS = bsns(3)
DAY = date(2026, 6, 1)
SIG = {"sig": signal_message.NAMESPACE}


@pytest.fixture
def signal_hub(hub, reference_data):
    hub.import_schemas(reference_data / "istandaarden" / "ijw" / "3.2" / "xsd")
    hub.import_schemas(reference_data / "istandaarden" / "iwmo" / "3.2" / "xsd")
    hub.add_partners()
    hub.add(OrgKind.GEMEENTE, GEMEENTE, services=("wmo", "jw", "wlz"))
    hub.add(OrgKind.AANBIEDER, AANBIEDER, services=("wmo", "jw"))
    hub.reference = reference_data / "istandaarden"
    return hub


def reference(hub, standard: str, name: str) -> bytes:
    release = "3.2"
    return (hub.reference / standard / release / "berichten" / f"{name}.xml").read_bytes()


def send_jw301(hub) -> None:
    outcome = hub.send(GEMEENTE, reference(hub, "ijw", "JW301"))
    assert outcome.accepted, outcome


def import_register(hub, tmp_path, name: str, rows) -> None:
    hub.services.register.import_file(OPERATOR, register_csv(tmp_path / name, rows))


def signal_documents(hub) -> list[etree._Element]:
    found = [m for m in hub.inbox(GEMEENTE) if m.message_type == "WLZSIGNAAL"]
    return [etree.fromstring(hub.fetch(GEMEENTE, m.id)) for m in reversed(found)]


def events(document: etree._Element) -> list[tuple[str, str]]:
    return [(s.findtext("sig:Gebeurtenis", namespaces=SIG), s.findtext("sig:Bsn", namespaces=SIG))
            for s in document.findall("sig:Signaal", SIG)]


def test_routed_jw301_records_provisions(signal_hub):
    send_jw301(signal_hub)

    provisions = signal_hub.wlz_store.provisions(GEMEENTE, CLIENT)

    assert [(p.referentie, p.bron, p.ingangsdatum, p.einddatum) for p in provisions] == [
        ("300201", ProvisionSource.TOEWIJZING, date(2026, 4, 1), date(2026, 7, 14)),
        ("300202", ProvisionSource.TOEWIJZING, date(2026, 4, 1), date(2026, 7, 19)),
    ]
    assert {p.wet.value for p in provisions} == {"JW"}


def test_routed_jw307_ends_the_toewijzing(signal_hub):
    send_jw301(signal_hub)
    stop = messages.with_header(reference(signal_hub, "ijw", "JW307"), {"Afzender": AANBIEDER, "Ontvanger": GEMEENTE})

    outcome = signal_hub.send(AANBIEDER, stop)

    assert outcome.accepted, outcome
    ends = {p.referentie: p.einddatum for p in signal_hub.wlz_store.provisions(GEMEENTE, CLIENT)}
    assert ends["300201"] == date(2026, 7, 17)


def test_later_wmo301_with_end_date_updates_provision(signal_hub):
    first = reference(signal_hub, "iwmo", "WMO301")
    assert signal_hub.send(GEMEENTE, first).accepted
    later = messages.with_header(first, {"BerichtIdentificatie/Identificatie": "123456789013"})
    later = later.replace(b"<wmo301:Einddatum>2023-12-31</wmo301:Einddatum>",
                          b"<wmo301:Einddatum>2023-10-31</wmo301:Einddatum>")

    assert signal_hub.send(GEMEENTE, later).accepted

    provisions = signal_hub.wlz_store.provisions(GEMEENTE, CLIENT)
    assert [(p.referentie, p.einddatum) for p in provisions] == [("101", date(2023, 10, 31))]


def test_release_23_wmo301_records_provisions(signal_hub):
    signal_hub.import_schemas(signal_hub.reference / "iwmo" / "2.3" / "xsd")
    toewijzing = (signal_hub.reference / "iwmo" / "2.3" / "berichten" / "WMO301.xml").read_bytes()

    outcome = signal_hub.send(GEMEENTE, toewijzing)

    assert outcome.accepted, outcome
    provisions = signal_hub.wlz_store.provisions(GEMEENTE, "123456782")  # the client of this example
    assert [(p.referentie, p.ingangsdatum, p.einddatum) for p in provisions] == [
        ("101", date(2018, 7, 10), date(2021, 7, 9)), ("102", date(2018, 7, 10), date(2021, 7, 9))]


def test_new_indication_signals_gemeente_once(signal_hub, tmp_path):
    send_jw301(signal_hub)
    import_register(signal_hub, tmp_path, "r1.csv", [("B1", CLIENT, "VG", "2026-05-01", None),
                                                     ("B2", OTHERS[0], "VV", "2026-01-01", None)])

    first = signal_hub.services.signals.run(OPERATOR, DAY)
    second = signal_hub.services.signals.run(OPERATOR, DAY)

    assert first.signals == 1
    assert first.messages == 1
    assert second.signals == 0
    assert second.messages == 0
    documents = signal_documents(signal_hub)
    assert len(documents) == 1
    assert events(documents[0]) == [("START", CLIENT)]
    signal = documents[0].find("sig:Signaal", SIG)
    assert signal.findtext("sig:Indicatie/sig:Ingangsdatum", namespaces=SIG) == "2026-05-01"
    assert signal.find("sig:Indicatie/sig:Einddatum", SIG) is None
    assert [v.findtext("sig:Referentie", namespaces=SIG) for v in signal.iterfind(".//sig:Voorziening", SIG)] == [
        "300201", "300202"]


def test_signal_message_is_valid_and_from_ib(signal_hub, tmp_path):
    send_jw301(signal_hub)
    import_register(signal_hub, tmp_path, "r1.csv", [("B1", CLIENT, "VG", "2026-05-01", None)])
    signal_hub.services.signals.run(OPERATOR, DAY)

    message = [m for m in signal_hub.inbox(GEMEENTE) if m.message_type == "WLZSIGNAAL"][0]
    document = etree.fromstring(signal_hub.fetch(GEMEENTE, message.id))

    schema = etree.XMLSchema(etree.parse(str(signal_message.XSD)))
    assert schema.validate(document), schema.error_log
    assert message.sender == "IB"
    assert message.service == "wlz"
    assert document.findtext("sig:Header/sig:Ontvanger", namespaces=SIG) == GEMEENTE
    assert document.findtext("sig:Header/sig:BerichtIdentificatie/sig:Dagtekening", namespaces=SIG) == "2026-06-01"


def test_import_runs_signals_and_end_and_withdrawal_follow(signal_hub, tmp_path):
    send_jw301(signal_hub)
    signal_hub.clock.current = signal_hub.clock.current.replace(month=6, day=1)

    started = signal_hub.services.register.import_file(
        OPERATOR, register_csv(tmp_path / "r1.csv", [("B1", CLIENT, "VG", "2026-05-01", None)]))
    ended = signal_hub.services.register.import_file(
        OPERATOR, register_csv(tmp_path / "c1.csv", [("beeindigen", "B1", None, None, None, "2026-06-30")],
                               changes=True))
    withdrawn = signal_hub.services.register.import_file(
        OPERATOR, register_csv(tmp_path / "r2.csv", [("B2", OTHERS[0], "VV", "2026-01-01", None)]))

    assert [started.signals.signals, ended.signals.signals, withdrawn.signals.signals] == [1, 1, 1]
    assert [events(d) for d in signal_documents(signal_hub)] == [
        [("START", CLIENT)], [("EINDE", CLIENT)], [("VERVALLEN", CLIENT)]]
    kinds = [s.key.gebeurtenis for s in signal_hub.wlz_store.signals(GEMEENTE)]
    assert kinds == [Gebeurtenis.START, Gebeurtenis.EINDE, Gebeurtenis.VERVALLEN]


def test_new_end_date_is_a_new_change(signal_hub, tmp_path):
    send_jw301(signal_hub)
    import_register(signal_hub, tmp_path, "r1.csv", [("B1", CLIENT, "VG", "2026-05-01", "2026-06-15")])
    signal_hub.services.signals.run(OPERATOR, DAY)
    import_register(signal_hub, tmp_path, "r2.csv", [("B1", CLIENT, "VG", "2026-05-01", "2026-06-20")])

    report = signal_hub.services.signals.run(OPERATOR, DAY)

    assert report.signals == 1
    assert [events(d) for d in signal_documents(signal_hub)] == [
        [("START", CLIENT), ("EINDE", CLIENT)], [("EINDE", CLIENT)]]


def test_no_signal_without_overlap_or_after_provision_ended(signal_hub, tmp_path):
    send_jw301(signal_hub)  # provisions run 2026-04-01 to 2026-07-19
    import_register(signal_hub, tmp_path, "r1.csv", [("B1", CLIENT, "VG", "2026-08-01", None)])

    overlapping_none = signal_hub.services.signals.run(OPERATOR, DAY)
    after_end = signal_hub.services.signals.run(OPERATOR, date(2026, 8, 2))

    assert overlapping_none.signals == 0
    assert after_end.signals == 0
    assert signal_documents(signal_hub) == []


def test_uploaded_list_provides_requested_provisions(signal_hub, tmp_path):
    signal_hub.add(OrgKind.GEMEENTE, "0363", services=("wlz",))
    import_register(signal_hub, tmp_path, "r1.csv", [("B1", OTHERS[1], "LG", "2026-09-01", None),
                                                     ("B2", OTHERS[2], "VV", "2020-01-01", "2021-01-01")])
    rows = [{"bsn": OTHERS[1], "wet": "WMO", "status": "AANGEVRAAGD"},
            {"bsn": OTHERS[2], "wet": "JW", "status": "AANGEVRAAGD"}]
    signal_hub.services.provisions.import_list(Principal.organisation_software("0363", Channel.CLI), "0363",
                                               provisions_csv(tmp_path / "lijst.csv", rows))

    report = signal_hub.services.signals.run(OPERATOR, DAY)

    assert report.by_gemeente == {"0363": 1}
    signals = signal_hub.wlz_store.signals("0363")
    assert [(s.key.bsn, s.key.gebeurtenis) for s in signals] == [(OTHERS[1], Gebeurtenis.START)]
    assert signals[0].voorzieningen[0].bron == ProvisionSource.LIJST


def test_rejected_signal_message_is_sent_by_next_run(signal_hub, tmp_path):
    send_jw301(signal_hub)
    import_register(signal_hub, tmp_path, "r1.csv", [("B1", CLIENT, "VG", "2026-05-01", None)])
    signal_hub.container.freezes().freeze(OPERATOR, "WLZSIGNAAL", None, "test")

    frozen = signal_hub.services.signals.run(OPERATOR, DAY)
    signal_hub.container.freezes().unfreeze(OPERATOR, "WLZSIGNAAL")
    thawed = signal_hub.services.signals.run(OPERATOR, DAY)

    assert frozen.signals == 1
    assert [r["code"] for r in frozen.rejected] == ["IB103"]
    assert thawed.signals == 0
    assert thawed.messages == 1
    assert [events(d) for d in signal_documents(signal_hub)] == [[("START", CLIENT)]]


def test_run_needs_ib_and_an_operator(hub):
    with pytest.raises(SignalSenderMissing) as raised:
        hub.services.signals.run(OPERATOR, DAY)
    hub.add_partners()
    hub.add(OrgKind.GEMEENTE, GEMEENTE)

    with pytest.raises(NotAuthorised):
        hub.services.signals.run(Principal.organisation_software(GEMEENTE, Channel.CLI), DAY)
    assert raised.value.code == "WLZ007"
    assert hub.services.signals.run(Principal.organisation_software("CIZ", Channel.CLI), DAY).signals == 0
