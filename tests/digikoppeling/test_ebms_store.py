"""Contract of ``SqlEbmsStore`` on SQLite and PostgreSQL, and its tables against migration 0003."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from adapters.soap.ports import (
    Alert, Finish, InboundRecord, InboundState, OutboxItem, OutboxKind, OutboxState, StufReference,
)
from adapters.storage.cpa_store import CpaRow
from adapters.storage.ebms_store import SqlEbmsStore
from adapters.storage.ebms_tables import DIGIKOPPELING_TABLES
from adapters.storage.tables import Base

T0 = datetime(2026, 6, 1, 8, 0, tzinfo=timezone.utc)
OWN_TABLES = DIGIKOPPELING_TABLES | {CpaRow.__tablename__}


@pytest.fixture
def store(engine) -> SqlEbmsStore:
    return SqlEbmsStore(engine)


def inbound(message_id: str = "m1@peer", content: str = "a" * 64, cpa_id: str = "cpa-1") -> InboundRecord:
    return InboundRecord(cpa_id=cpa_id, message_id=message_id, organisation="0384", service="urn:osb:services:ggk:1.0",
                         action="ggk_Di01", content_sha256=content, received_at=T0)


def reference(referentienummer: str = "ref-1", ebms_message_id: str = "m1@peer", **fields) -> StufReference:
    values = dict(organisation="0384", referentienummer=referentienummer, direction="in", created_at=T0,
                  ebms_message_id=ebms_message_id)
    values.update(fields)
    return StufReference(**values)


def signal(**fields) -> OutboxItem:
    values = dict(id=str(uuid.uuid4()), kind=OutboxKind.SIGNAL, organisation="0384", created_at=T0, cpa_id="cpa-1",
                  ebms_message_id=f"{uuid.uuid4()}@hub", content_type="text/xml", body=b"<ack/>", due_at=T0)
    values.update(fields)
    return OutboxItem(**values)


def test_tables_match_migration(engine):
    def own(item, name, type_, reflected, compare_to):
        table = item if type_ == "table" else getattr(item, "table", None)
        return table is not None and table.name in OWN_TABLES

    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "include_object": own})
        differences = compare_metadata(context, Base.metadata)

    assert differences == []


def test_finish_inserts_processed_record(store):
    store.finish_inbound(inbound(), Finish("cpa-1", "m1@peer", T0, core_message_id="msg-1"))

    stored = store.find_inbound("cpa-1", "m1@peer")
    assert stored.state == InboundState.PROCESSED
    assert stored.core_message_id == "msg-1"
    assert stored.received_at == T0


def test_finish_twice_keeps_first_record(store):
    store.finish_inbound(inbound(), Finish("cpa-1", "m1@peer", T0))

    store.finish_inbound(dataclasses.replace(inbound(), received_at=T0 + timedelta(minutes=5)),
                         Finish("cpa-1", "m1@peer", T0 + timedelta(minutes=5)))

    assert store.find_inbound("cpa-1", "m1@peer").received_at == T0


def test_reference_of_other_message_is_returned_as_taken(store):
    store.finish_inbound(inbound(), Finish("cpa-1", "m1@peer", T0, reference=reference(message_id="msg-1")))

    taken = store.finish_inbound(inbound("m2@peer"), Finish("cpa-1", "m2@peer", T0,
                                                            reference=reference(ebms_message_id="m2@peer",
                                                                                message_id="msg-2")))

    assert taken.ebms_message_id == "m1@peer"
    assert store.find_reference("0384", "ref-1").message_id == "msg-1"
    assert store.find_inbound("cpa-1", "m2@peer").state == InboundState.PROCESSED


def test_same_message_stores_reference_again(store):
    finish = Finish("cpa-1", "m1@peer", T0, reference=reference(message_id="msg-1"))
    store.finish_inbound(inbound(), finish)

    assert store.finish_inbound(inbound(), finish) is None


def test_same_referentienummer_of_other_zender_is_free(store):
    store.finish_inbound(inbound(), Finish("cpa-1", "m1@peer", T0, reference=reference()))
    other = dataclasses.replace(reference(ebms_message_id="m2@peer"), organisation="0599")

    assert store.finish_inbound(inbound("m2@peer"), Finish("cpa-1", "m2@peer", T0, reference=other)) is None

    assert [item.organisation for item in store.references_to("ref-1")] == ["0384", "0599"]


def test_finish_sets_state_reference_and_outbox(store):
    ack = signal(ref_to_message_id="m1@peer")
    finish = Finish("cpa-1", "m1@peer", T0 + timedelta(seconds=1), core_message_id="msg-1",
                    reference=reference(message_id="msg-1", heen_message_id="heen-1"), outbox=(ack,))

    store.finish_inbound(inbound(), finish)
    store.finish_inbound(inbound(), finish)

    stored = store.find_inbound("cpa-1", "m1@peer")
    assert stored.state == InboundState.PROCESSED
    assert stored.core_message_id == "msg-1"
    assert store.reference_of_message("msg-1").referentienummer == "ref-1"
    assert store.reference_of_message("msg-1").heen_message_id == "heen-1"
    assert store.find_by_ebms_id(ack.ebms_message_id) == ack


def test_finish_records_fo01_code(store):
    store.finish_inbound(inbound(), Finish("cpa-1", "m1@peer", T0, fo01_code="IB009"))

    assert store.find_inbound("cpa-1", "m1@peer").fo01_code == "IB009"


def test_find_inbound_elsewhere(store):
    store.finish_inbound(inbound(cpa_id="cpa-2"), Finish("cpa-2", "m1@peer", T0))

    assert store.find_inbound_elsewhere("cpa-1", "m1@peer")
    assert not store.find_inbound_elsewhere("cpa-2", "m1@peer")


def test_add_reference_keeps_first_per_message(store):
    first = store.add_reference(reference("ref-a", None, message_id="msg-9", direction="out"))
    second = store.add_reference(reference("ref-b", None, message_id="msg-9", direction="out"))

    assert second == first
    assert store.reference_of_message("msg-9").referentienummer == "ref-a"


def test_claim_outbox_leases_due_items(store):
    due = signal()
    later = signal(due_at=T0 + timedelta(hours=1))
    store.finish_inbound(inbound(), Finish("cpa-1", "m1@peer", T0, outbox=(due, later)))

    claimed = store.claim_outbox("w1", T0, 60, 10)
    again = store.claim_outbox("w2", T0 + timedelta(seconds=30), 60, 10)
    after_lease = store.claim_outbox("w2", T0 + timedelta(seconds=61), 60, 10)

    assert [item.id for item in claimed] == [due.id]
    assert again == []
    assert [item.id for item in after_lease] == [due.id]


def test_record_send_releases_and_reschedules(store):
    item = signal()
    store.finish_inbound(inbound(), Finish("cpa-1", "m1@peer", T0, outbox=(item,)))
    store.claim_outbox("w1", T0, 60, 10)

    sent = store.record_send(item.id, T0 + timedelta(seconds=1), "timed out", OutboxState.SENT, T0 + timedelta(minutes=1))

    assert sent.sends == 1
    assert sent.first_sent_at == T0 + timedelta(seconds=1)
    assert sent.last_error == "timed out"
    assert store.claim_outbox("w2", T0 + timedelta(seconds=2), 60, 10) == []
    assert [i.id for i in store.claim_outbox("w2", T0 + timedelta(minutes=1), 60, 10)] == [item.id]


def test_acknowledge_finishes_item(store):
    item = signal()
    store.finish_inbound(inbound(), Finish("cpa-1", "m1@peer", T0, outbox=(item,)))

    acknowledged = store.acknowledge(item.ebms_message_id, T0 + timedelta(seconds=3))
    late_send = store.record_send(item.id, T0 + timedelta(seconds=4), None, OutboxState.SENT, T0)

    assert acknowledged.state == OutboxState.ACKNOWLEDGED
    assert acknowledged.finished
    assert late_send.state == OutboxState.ACKNOWLEDGED
    assert store.acknowledge("unknown@peer", T0) is None
    assert store.claim_outbox("w1", T0 + timedelta(days=1), 60, 10) == []


def test_queue_again_makes_sent_signal_due(store):
    item = signal()
    store.queue_again(item, T0)
    store.claim_outbox("w1", T0, 60, 10)
    store.record_send(item.id, T0, None, OutboxState.DONE, None)

    store.queue_again(dataclasses.replace(item, id=str(uuid.uuid4())), T0 + timedelta(minutes=2))

    claimed = store.claim_outbox("w1", T0 + timedelta(minutes=2), 60, 10)
    assert [i.id for i in claimed] == [item.id]
    assert claimed[0].state == OutboxState.PENDING
    assert claimed[0].sends == 1


def test_queue_again_during_send_keeps_item_due(store):
    item = signal()
    store.queue_again(item, T0)
    store.claim_outbox("w1", T0, 60, 10)

    store.queue_again(dataclasses.replace(item, id=str(uuid.uuid4())), T0 + timedelta(seconds=1))
    sent = store.record_send(item.id, T0 + timedelta(seconds=2), None, OutboxState.DONE, None)

    assert sent.state == OutboxState.PENDING
    assert sent.sends == 1
    assert [i.id for i in store.claim_outbox("w2", T0 + timedelta(seconds=3), 60, 10)] == [item.id]


def test_delivery_item_is_inserted_once(store):
    item = OutboxItem(id="delivery-1", kind=OutboxKind.DELIVERY, organisation="42420001", created_at=T0,
                      message_id="msg-1", ebms_message_id="e1@hub", conversation_id="c1", stamped_at=T0)

    first = store.delivery_item(item)
    second = store.delivery_item(dataclasses.replace(item, ebms_message_id="e2@hub"))

    assert first == item
    assert second.ebms_message_id == "e1@hub"
    assert store.claim_outbox("w1", T0 + timedelta(days=1), 60, 10) == []


def test_fail_stores_alert(store):
    item = store.delivery_item(OutboxItem(id="delivery-2", kind=OutboxKind.DELIVERY, organisation="42420001",
                                          created_at=T0, message_id="msg-2", ebms_message_id="e3@hub"))
    alert = Alert(str(uuid.uuid4()), T0, "42420001", "undeliverable", "no acknowledgement", "msg-2", "e3@hub")

    failed = store.fail(item.id, T0, "no acknowledgement", alert)

    assert failed.state == OutboxState.FAILED
    assert store.alerts("42420001") == [alert]
    assert store.alerts("0384") == []
    assert store.alerts() == [alert]


def test_stuf_version_override(store):
    assert store.stuf_version("0384") is None

    store.set_stuf_version("0384", "ggk0310", T0, "operator@-/cli")
    store.set_stuf_version("0384", "ggk0210", T0, "operator@-/cli")
    assert store.stuf_version("0384") == "ggk0210"

    store.set_stuf_version("0384", None, T0, "operator@-/cli")
    assert store.stuf_version("0384") is None


def test_finish_keeps_reference_the_worker_gave_the_message(store):
    generated = store.add_reference(reference("ref-out", None, message_id="msg-1", direction="out"))

    taken = store.finish_inbound(inbound(), Finish("cpa-1", "m1@peer", T0, core_message_id="msg-1",
                                                   reference=reference(message_id="msg-1")))

    assert taken == generated
    assert store.reference_of_message("msg-1").referentienummer == "ref-out"
    assert store.find_inbound("cpa-1", "m1@peer").state == InboundState.PROCESSED
