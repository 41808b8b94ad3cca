"""The Store contract: the in-memory fake, SQLite and PostgreSQL must behave alike.

Each test runs three times through the ``store_env`` fixture. Behaviour that only the
SQL store has is tested in tests/storage/.
"""

from __future__ import annotations

import uuid
from dataclasses import replace

import pytest

from core.errors import Conflict
from core.model import Channel, Delivery, Enrolment, Event, Freeze, Organisation, OrgKind, SchemaSet, State
from core.ports import MessageQuery, SchemaActivation
from tests.storage.support import T0, acceptance, at, message, rejection, retour_for

WMO301_NS = "http://www.istandaarden.nl/iwmo/3_2/wmo301/schema"
WMO302_NS = "http://www.istandaarden.nl/iwmo/3_2/wmo302/schema"
JW301_NS = "http://www.istandaarden.nl/ijw/3_2/jw301/schema"


def gemeente(code: str = "0384", **fields) -> Organisation:
    values = dict(
        code=code, kind=OrgKind.GEMEENTE, name=f"Gemeente {code}", oin="00000001001234567000",
        enrolments=[Enrolment("wmo", Channel.PORTAL), Enrolment("jw", Channel.WEBSERVICE)],
    )
    values.update(fields)
    return Organisation(**values)


def schema_set(namespaces: tuple[str, ...], imported_at=T0) -> SchemaSet:
    return SchemaSet(str(uuid.uuid4()), imported_at, "/imports/iwmo-3.2.zip", namespaces, "ab" * 32)


# -- organisations ------------------------------------------------------------------------


def test_organisation_round_trip(store_env):
    store, _ = store_env
    original = gemeente(active=False)

    store.add_organisation(original)

    assert store.get_organisation("0384") == original


def test_organisation_unknown_is_none(store_env):
    store, _ = store_env

    assert store.get_organisation("9999") is None


def test_organisation_added_twice_conflicts(store_env):
    store, _ = store_env
    store.add_organisation(gemeente())

    with pytest.raises(Conflict) as raised:
        store.add_organisation(gemeente(name="Other name"))

    assert raised.value.code == "GGK409"
    assert store.get_organisation("0384").name == "Gemeente 0384"


def test_organisation_save_replaces_fields_and_enrolments(store_env):
    store, _ = store_env
    store.add_organisation(gemeente())
    changed = gemeente(name="Gemeente Nieuw", oin="00000001009999999000", active=False,
                       enrolments=[Enrolment("jw", Channel.FILEDROP)])

    store.save_organisation(changed)

    assert store.get_organisation("0384") == changed


def test_organisation_save_to_no_enrolments(store_env):
    store, _ = store_env
    store.add_organisation(gemeente())

    store.save_organisation(gemeente(enrolments=[]))

    assert store.get_organisation("0384").enrolments == []


def test_organisations_listed_by_code(store_env):
    store, _ = store_env
    aanbieder = Organisation("42420001", OrgKind.AANBIEDER, "Zorg BV", [Enrolment("wmo", Channel.FILEDROP)])
    cak = Organisation("CAK", OrgKind.KETENPARTNER, "CAK")
    for organisation in (cak, gemeente("0599"), aanbieder, gemeente("0384")):
        store.add_organisation(organisation)

    listed = store.list_organisations()

    assert [o.code for o in listed] == ["0384", "0599", "42420001", "CAK"]
    assert listed[2] == aanbieder
    assert listed[3] == cak


def test_organisation_copy_is_detached(store_env):
    store, _ = store_env
    store.add_organisation(gemeente())

    fetched = store.get_organisation("0384")
    fetched.enrolments.append(Enrolment("wlz", Channel.PORTAL))

    assert store.get_organisation("0384") == gemeente()


# -- freezes ------------------------------------------------------------------------------


def test_freeze_set_and_listed(store_env):
    store, _ = store_env
    first = Freeze("WMO301", at(0), at(3600), "release change")
    second = Freeze("JW301", at(10))

    store.set_freeze(first)
    store.set_freeze(second)

    assert sorted(store.list_freezes(), key=lambda f: f.message_type) == [second, first]


def test_freeze_set_again_replaces(store_env):
    store, _ = store_env
    store.set_freeze(Freeze("WMO301", at(0), at(3600), "release change"))
    replacement = Freeze("WMO301", at(60), None, None)

    store.set_freeze(replacement)

    assert store.list_freezes() == [replacement]


def test_freeze_cleared_once(store_env):
    store, _ = store_env
    store.set_freeze(Freeze("WMO301", at(0)))

    assert store.clear_freeze("WMO301") is True
    assert store.clear_freeze("WMO301") is False
    assert store.list_freezes() == []


# -- schema releases ----------------------------------------------------------------------


def test_schema_set_files_round_trip(store_env):
    store, _ = store_env
    release = schema_set((WMO301_NS, WMO302_NS))
    files = {"WMO301.xsd": b"<xs:schema/>", "basisschema.xsd": bytes(range(256))}

    store.add_schema_set(release, files)

    assert store.list_schema_sets() == [release]
    assert store.schema_files(release.id) == files


def test_schema_files_of_unknown_set_raise(store_env):
    store, _ = store_env

    with pytest.raises(KeyError):
        store.schema_files(str(uuid.uuid4()))


def test_schema_activations_in_recorded_order(store_env):
    store, _ = store_env
    older = schema_set((WMO301_NS, WMO302_NS), imported_at=at(0))
    newer = schema_set((WMO301_NS,), imported_at=at(100))

    store.add_schema_set(older, {"a.xsd": b"a"})
    store.add_schema_set(newer, {"b.xsd": b"b"})

    assert store.schema_activations() == [
        SchemaActivation(WMO301_NS, older.id, at(0)),
        SchemaActivation(WMO302_NS, older.id, at(0)),
        SchemaActivation(WMO301_NS, newer.id, at(100)),
    ]


def test_schema_generation_grows_per_activation(store_env):
    store, _ = store_env
    empty = store.schema_generation()

    store.add_schema_set(schema_set((WMO301_NS, WMO302_NS)), {"a.xsd": b"a"})
    after_first = store.schema_generation()
    store.add_schema_set(schema_set((JW301_NS,), imported_at=at(5)), {"b.xsd": b"b"})
    after_second = store.schema_generation()

    assert empty < after_first < after_second


# -- accepting ----------------------------------------------------------------------------


def test_accept_round_trips_every_field(store_env):
    store, payloads = store_env
    item = message(
        received_at=at(1.234567), filename="Toewijzing 301.xml", schema_set_id=str(uuid.uuid4()),
        xsd_versie="3.2.0", retour_codes=["0001", "0200"], heen_unknown=True, source_ref="portal:upload-7",
        retour_identificatie="R77", retour_dagtekening=at(86400).date(),
    )
    batch = [acceptance(payloads, item, content=b"<Bericht/>")]

    results = store.accept(batch)

    assert results == [None]
    assert store.get_message(item.id) == batch[0].message
    assert store.events(item.id) == batch[0].events


def test_accept_keeps_payload(store_env):
    store, payloads = store_env
    batch = [acceptance(payloads, message(), content=b"<Bericht>inhoud</Bericht>")]

    store.accept(batch)

    with payloads.open(batch[0].staged.sha256) as stream:
        assert stream.read() == b"<Bericht>inhoud</Bericht>"


def test_accept_empty_batch(store_env):
    store, _ = store_env

    assert store.accept([]) == []


def test_accept_duplicate_within_batch(store_env):
    store, payloads = store_env
    first = message(identificatie="ID1")
    twin = message(identificatie="ID1", received_at=at(1))
    other = message(identificatie="ID2")
    batch = [acceptance(payloads, m) for m in (first, twin, other)]

    results = store.accept(batch)

    assert results == [None, "duplicate", None]
    assert store.get_message(twin.id) is None
    assert store.events(twin.id) == []
    assert store.find_by_dedup_key(first.dedup_key).id == first.id
    with pytest.raises(KeyError):
        payloads.open(batch[1].staged.sha256)


def test_accept_duplicate_across_batches(store_env):
    store, payloads = store_env
    first = message(identificatie="ID1")
    store.accept([acceptance(payloads, first)])
    twin = message(identificatie="ID1", received_at=at(1))
    other = message(identificatie="ID2")

    results = store.accept([acceptance(payloads, twin), acceptance(payloads, other)])

    assert results == ["duplicate", None]
    assert store.get_message(twin.id) is None
    assert store.get_message(other.id) is not None


def test_accept_retour_links_heen(store_env):
    store, payloads = store_env
    heen = message()
    store.accept([acceptance(payloads, heen)])
    retour = retour_for(heen, received_at=at(60))
    item = acceptance(payloads, retour, heen=heen)

    assert store.accept([item]) == [None]

    stored_heen = store.get_message(heen.id)
    assert stored_heen.retour_id == retour.id
    assert store.events(heen.id)[-1] == item.heen_event
    assert store.get_message(retour.id).heen_id == heen.id


def test_accept_heen_and_retour_in_one_batch(store_env):
    store, payloads = store_env
    heen = message()
    retour = retour_for(heen, received_at=at(1))
    batch = [acceptance(payloads, heen), acceptance(payloads, retour, heen=heen)]

    assert store.accept(batch) == [None, None]

    assert store.get_message(heen.id).retour_id == retour.id
    assert [e.state for e in store.events(heen.id)][-1] == State.RETOUR_RECEIVED


def test_second_retour_is_duplicate(store_env):
    store, payloads = store_env
    heen = message()
    store.accept([acceptance(payloads, heen)])
    store.accept([acceptance(payloads, retour_for(heen), heen=heen)])
    late = retour_for(heen, received_at=at(5))

    assert store.accept([acceptance(payloads, late, heen=heen)]) == ["duplicate"]
    assert store.get_message(heen.id).retour_id != late.id
    assert [e.state for e in store.events(heen.id)].count(State.RETOUR_RECEIVED) == 1


def test_find_heen_by_link_key(store_env):
    store, payloads = store_env
    heen = message()
    retour = retour_for(heen)
    store.accept([acceptance(payloads, heen), acceptance(payloads, retour, heen=heen)])

    assert store.find_heen(heen.link_key).id == heen.id
    assert store.find_heen("WMO301|0384|unknown|2026-12-01") is None


def test_find_heen_ignores_rejected(store_env):
    store, payloads = store_env
    heen = message()
    store.record_rejections([rejection(payloads, heen)])

    assert store.find_heen(heen.link_key) is None


def test_find_by_source_ref(store_env):
    store, payloads = store_env
    accepted = message(source_ref="webservice:ref-1")
    refused = message(source_ref="webservice:ref-2")
    store.accept([acceptance(payloads, accepted)])
    store.record_rejections([rejection(payloads, refused)])

    assert store.find_by_source_ref("webservice:ref-1").id == accepted.id
    assert store.find_by_source_ref("webservice:ref-2").status == State.REJECTED
    assert store.find_by_source_ref("webservice:ref-3") is None


def test_find_by_dedup_key_unknown(store_env):
    store, _ = store_env

    assert store.find_by_dedup_key("H|0384|414|none|2026-12-01") is None


# -- rejections ---------------------------------------------------------------------------


def test_rejection_recorded_with_history_and_payload(store_env):
    store, payloads = store_env
    item = rejection(payloads, message(), code="IB216")

    store.record_rejections([item])

    stored = store.get_message(item.message.id)
    assert stored == item.message
    assert stored.status == State.REJECTED
    assert stored.reject_code == "IB216"
    assert store.events(item.message.id) == item.events
    with payloads.open(item.staged.sha256) as stream:
        assert stream.read() == item.staged.read_bytes()


def test_rejection_without_payload(store_env):
    store, _ = store_env
    item = rejection(None, message(payload_hash=None, size=0))

    store.record_rejections([item])

    assert store.get_message(item.message.id).payload_hash is None


def test_rejection_does_not_block_dedup_key(store_env):
    store, payloads = store_env
    refused = message(identificatie="ID1")
    store.record_rejections([rejection(payloads, refused)])
    resent = message(identificatie="ID1", received_at=at(10))

    assert store.accept([acceptance(payloads, resent)]) == [None]
    assert store.find_by_dedup_key(resent.dedup_key).id == resent.id


# -- history ------------------------------------------------------------------------------


def test_add_event_appends_in_order(store_env):
    store, payloads = store_env
    item = acceptance(payloads, message())
    store.accept([item])
    note = Event(item.message.id, at(30), State.RETOUR_RECEIVED, detail="retour x", actor="hub")

    store.add_event(note)

    assert store.events(item.message.id) == item.events + [note]
    assert store.get_message(item.message.id).status == State.DELIVERED


def test_add_event_with_status(store_env):
    store, payloads = store_env
    item = acceptance(payloads, message())
    store.accept([item])

    store.add_event(Event(item.message.id, at(30), State.PUSHED, actor="push"), status=State.PUSHED)

    assert store.get_message(item.message.id).status == State.PUSHED
    assert store.events(item.message.id)[-1].state == State.PUSHED


def test_add_event_unknown_message_raises(store_env):
    store, _ = store_env

    with pytest.raises(KeyError):
        store.add_event(Event(str(uuid.uuid4()), at(0), State.PUSHED))


def test_events_of_unknown_message_empty(store_env):
    store, _ = store_env

    assert store.events(str(uuid.uuid4())) == []


# -- mailbox listings ---------------------------------------------------------------------


def _mailbox(store, payloads) -> dict[str, object]:
    """Accept a small mailbox for aanbieder 42420001 and one rejection, and return the messages by name."""
    found = {
        "wmo_old": message(received_at=at(10), identificatie="A1"),
        "wmo_new": message(received_at=at(30), identificatie="A2"),
        "jw": message(received_at=at(20), identificatie="A3", service="jw", message_type="JW301", bericht_code="436"),
        "other_sender": message(received_at=at(25), identificatie="A4", sender="0599", identity_party="0599"),
        "other_recipient": message(received_at=at(15), identificatie="A5", recipient="42420002"),
    }
    store.accept([acceptance(payloads, m) for m in found.values()])
    found["rejected"] = message(received_at=at(40), identificatie="A6")
    store.record_rejections([rejection(payloads, found["rejected"])])
    return found


def _ids(messages) -> list[str]:
    return [m.id for m in messages]


def test_recipient_listing_newest_first_without_rejected(store_env):
    store, payloads = store_env
    box = _mailbox(store, payloads)

    listed = store.list_messages(MessageQuery("42420001"))

    assert _ids(listed) == [box[n].id for n in ("wmo_new", "other_sender", "jw", "wmo_old")]


def test_sender_listing_includes_rejected(store_env):
    store, payloads = store_env
    box = _mailbox(store, payloads)

    listed = store.list_messages(MessageQuery("0384", role="sender"))

    expected = ["rejected", "wmo_new", "jw", "other_recipient", "wmo_old"]
    assert _ids(listed) == [box[n].id for n in expected]
    assert listed[0].status == State.REJECTED


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"services": ("jw",)}, ["jw"]),
        ({"services": ("wmo", "jw")}, ["wmo_new", "other_sender", "jw", "wmo_old"]),
        ({"services": ()}, []),
        ({"message_type": "WMO301"}, ["wmo_new", "other_sender", "wmo_old"]),
        ({"partner": "0599"}, ["other_sender"]),
        ({"status": State.DELIVERED}, ["wmo_new", "other_sender", "jw", "wmo_old"]),
        ({"status": State.DOWNLOADED}, []),
        ({"status": State.REJECTED}, []),
        ({"since": at(20)}, ["wmo_new", "other_sender", "jw"]),
        ({"until": at(20)}, ["wmo_old"]),
        ({"since": at(11), "until": at(30)}, ["other_sender", "jw"]),
        ({"identificatie": "A3"}, ["jw"]),
        ({"limit": 2}, ["wmo_new", "other_sender"]),
    ],
)
def test_recipient_listing_filters(store_env, filters, expected):
    store, payloads = store_env
    box = _mailbox(store, payloads)

    listed = store.list_messages(MessageQuery("42420001", **filters))

    assert _ids(listed) == [box[n].id for n in expected]


def test_sender_listing_partner_is_recipient(store_env):
    store, payloads = store_env
    box = _mailbox(store, payloads)

    listed = store.list_messages(MessageQuery("0384", role="sender", partner="42420002"))

    assert _ids(listed) == [box["other_recipient"].id]


def test_listing_pages_by_keyset(store_env):
    store, payloads = store_env
    # Pairs share a received_at, so the id must break the tie between pages.
    items = [message(received_at=at(i // 2), identificatie=f"P{i}") for i in range(7)]
    store.accept([acceptance(payloads, m) for m in items])
    expected = sorted(items, key=lambda m: (m.received_at, m.id), reverse=True)

    pages, before = [], None
    for _ in range(4):
        page = store.list_messages(MessageQuery("42420001", limit=3, before=before))
        pages.append(page)
        if page:
            before = (page[-1].received_at, page[-1].id)

    assert [len(p) for p in pages] == [3, 3, 1, 0]
    assert _ids(m for page in pages for m in page) == _ids(expected)


def test_listing_other_organisation_empty(store_env):
    store, payloads = store_env
    _mailbox(store, payloads)

    assert store.list_messages(MessageQuery("1680")) == []


# -- mailbox counts -----------------------------------------------------------------------


def _counted(counts) -> dict[tuple, int]:
    return {(c.service, c.status, c.period): c.count for c in counts}


def test_recipient_counts_by_service_and_status(store_env):
    store, payloads = store_env
    box = _mailbox(store, payloads)
    store.mark_downloaded(box["wmo_old"].id, Event(box["wmo_old"].id, at(50), State.DOWNLOADED))

    counts = store.count_messages(MessageQuery("42420001"))

    assert _counted(counts) == {
        ("wmo", State.DELIVERED, None): 2,
        ("wmo", State.DOWNLOADED, None): 1,
        ("jw", State.DELIVERED, None): 1,
    }


def test_sender_counts_include_rejected(store_env):
    store, payloads = store_env
    _mailbox(store, payloads)

    counts = store.count_messages(MessageQuery("0384", role="sender"))

    assert _counted(counts) == {
        ("wmo", State.DELIVERED, None): 3,
        ("wmo", State.REJECTED, None): 1,
        ("jw", State.DELIVERED, None): 1,
    }


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"services": ("jw",)}, {("jw", State.DELIVERED, None): 1}),
        ({"services": ()}, {}),
        ({"status": State.DOWNLOADED}, {}),
        ({"status": State.REJECTED}, {}),
        ({"partner": "0599"}, {("wmo", State.DELIVERED, None): 1}),
        ({"since": at(20), "until": at(30)}, {("wmo", State.DELIVERED, None): 1, ("jw", State.DELIVERED, None): 1}),
        ({"before": (at(20), "0"), "limit": 1}, {("wmo", State.DELIVERED, None): 3, ("jw", State.DELIVERED, None): 1}),
    ],
)
def test_counts_follow_listing_filters_but_not_page(store_env, filters, expected):
    store, payloads = store_env
    _mailbox(store, payloads)

    counts = store.count_messages(MessageQuery("42420001", **filters))

    assert _counted(counts) == expected


def test_counts_per_period(store_env):
    store, payloads = store_env
    _mailbox(store, payloads)  # inbox of 42420001 received at 10, 20, 25 and 30 seconds

    counts = store.count_messages(MessageQuery("42420001"), periods=(at(15), at(25), at(31)))

    assert _counted(counts) == {
        ("jw", State.DELIVERED, 0): 1,
        ("wmo", State.DELIVERED, 1): 2,
    }


def test_counts_period_boundaries_half_open(store_env):
    store, payloads = store_env
    _mailbox(store, payloads)

    counts = store.count_messages(MessageQuery("42420001"), periods=(at(20), at(25), at(30)))

    assert _counted(counts) == {("jw", State.DELIVERED, 0): 1, ("wmo", State.DELIVERED, 1): 1}


def test_counts_single_boundary_empty(store_env):
    store, payloads = store_env
    _mailbox(store, payloads)

    assert store.count_messages(MessageQuery("42420001"), periods=(at(0),)) == []


def test_counts_other_organisation_empty(store_env):
    store, payloads = store_env
    _mailbox(store, payloads)

    assert store.count_messages(MessageQuery("1680")) == []


# -- downloads ----------------------------------------------------------------------------


def test_first_download_sets_downloaded_at(store_env):
    store, payloads = store_env
    item = message()
    store.accept([acceptance(payloads, item)])
    first = Event(item.id, at(100), State.DOWNLOADED, actor="user:7@42420001/portal")
    second = Event(item.id, at(200), State.DOWNLOADED, actor="user:8@42420001/portal")

    store.mark_downloaded(item.id, first)
    store.mark_downloaded(item.id, second)

    stored = store.get_message(item.id)
    assert stored.downloaded_at == at(100)
    assert stored.status == State.DOWNLOADED
    assert store.events(item.id)[-2:] == [first, second]


def test_download_unknown_message_raises(store_env):
    store, _ = store_env

    with pytest.raises(KeyError):
        store.mark_downloaded(str(uuid.uuid4()), Event("x", at(0), State.DOWNLOADED))


# -- push deliveries ----------------------------------------------------------------------


def _with_deliveries(store, payloads, count: int, channel=Channel.WEBSERVICE, recipient="42420001"):
    items = [acceptance(payloads, message(received_at=at(i), identificatie=f"D{i}", recipient=recipient),
                        push=(channel,)) for i in range(count)]
    store.accept(items)
    return [item.deliveries[0] for item in items]


def test_accept_creates_pending_deliveries(store_env):
    store, payloads = store_env
    created = _with_deliveries(store, payloads, 2)

    pending = store.pending_deliveries()

    assert sorted(pending, key=lambda d: d.id) == sorted(created, key=lambda d: d.id)
    assert all(d.attempts == 0 for d in pending)


def test_pending_deliveries_by_recipient(store_env):
    store, payloads = store_env
    mine = _with_deliveries(store, payloads, 1)
    _with_deliveries(store, payloads, 1, recipient="42420002")

    assert store.pending_deliveries("42420001") == mine


def test_claim_leases_due_deliveries_of_channel(store_env):
    store, payloads = store_env
    webservice = _with_deliveries(store, payloads, 3)
    _with_deliveries(store, payloads, 1, channel=Channel.FILEDROP)

    claimed = store.claim_deliveries(Channel.WEBSERVICE, "worker-1", at(60), 30, 10)

    assert sorted(d.id for d in claimed) == sorted(d.id for d in webservice)
    assert all(d.attempts == 1 for d in claimed)
    assert all(d.channel == Channel.WEBSERVICE for d in claimed)


def test_claim_respects_limit(store_env):
    store, payloads = store_env
    _with_deliveries(store, payloads, 5)

    first = store.claim_deliveries(Channel.WEBSERVICE, "worker-1", at(60), 30, 2)
    second = store.claim_deliveries(Channel.WEBSERVICE, "worker-2", at(60), 30, 10)

    assert len(first) == 2
    assert len(second) == 3
    assert not {d.id for d in first} & {d.id for d in second}


def test_claim_skips_deliveries_not_yet_due(store_env):
    store, payloads = store_env
    _with_deliveries(store, payloads, 1)

    assert store.claim_deliveries(Channel.WEBSERVICE, "worker-1", at(-1), 30, 10) == []


def test_leased_delivery_returns_after_lease_ends(store_env):
    store, payloads = store_env
    [delivery] = _with_deliveries(store, payloads, 1)
    store.claim_deliveries(Channel.WEBSERVICE, "worker-1", at(60), 30, 10)

    during_lease = store.claim_deliveries(Channel.WEBSERVICE, "worker-2", at(89), 30, 10)
    after_lease = store.claim_deliveries(Channel.WEBSERVICE, "worker-2", at(90), 30, 10)

    assert during_lease == []
    assert after_lease == [replace(delivery, attempts=2)]


def test_completed_delivery_never_handed_out_again(store_env):
    store, payloads = store_env
    [delivery] = _with_deliveries(store, payloads, 1)
    store.claim_deliveries(Channel.WEBSERVICE, "worker-1", at(60), 30, 10)
    pushed = Event(delivery.message_id, at(61), State.PUSHED, actor="worker-1")

    store.complete_delivery(delivery.id, pushed)

    assert store.claim_deliveries(Channel.WEBSERVICE, "worker-2", at(1000), 30, 10) == []
    assert store.pending_deliveries() == []
    assert store.events(delivery.message_id)[-1] == pushed


def test_retried_delivery_due_again_at_retry_time(store_env):
    store, payloads = store_env
    [delivery] = _with_deliveries(store, payloads, 1)
    store.claim_deliveries(Channel.WEBSERVICE, "worker-1", at(60), 300, 10)
    failed = Event(delivery.message_id, at(61), State.PUSH_FAILED, detail="HTTP 503", actor="worker-1")

    store.retry_delivery(delivery.id, at(120), failed)

    assert store.claim_deliveries(Channel.WEBSERVICE, "worker-2", at(119), 30, 10) == []
    assert store.claim_deliveries(Channel.WEBSERVICE, "worker-2", at(120), 30, 10) == [replace(delivery, attempts=2)]
    assert store.events(delivery.message_id)[-1] == failed


def test_delivery_unknown_id_raises(store_env):
    store, _ = store_env
    event = Event(str(uuid.uuid4()), at(0), State.PUSHED)

    with pytest.raises(KeyError):
        store.complete_delivery(str(uuid.uuid4()), event)
    with pytest.raises(KeyError):
        store.retry_delivery(str(uuid.uuid4()), at(10), event)


def test_delivery_fields_round_trip(store_env):
    store, payloads = store_env
    item = acceptance(payloads, message(recipient="42420009"), push=(Channel.FILEDROP, Channel.WEBSERVICE))
    store.accept([item])

    pending = sorted(store.pending_deliveries("42420009"), key=lambda d: d.channel.value)

    assert pending == [
        Delivery(item.deliveries[0].id, item.message.id, "42420009", Channel.FILEDROP, 0),
        Delivery(item.deliveries[1].id, item.message.id, "42420009", Channel.WEBSERVICE, 0),
    ]



def test_completed_push_delivery_sets_message_status(store_env):
    store, payloads = store_env
    [delivery] = _with_deliveries(store, payloads, 1, channel=Channel.FILEDROP)
    [claimed] = store.claim_deliveries(Channel.FILEDROP, "worker", at(10), 60, 10)

    store.complete_delivery(claimed.id, Event(delivery.message_id, at(11), State.PUSHED, detail="file drop in/"))

    assert store.get_message(delivery.message_id).status == State.PUSHED
    assert store.events(delivery.message_id)[-1].state == State.PUSHED


def test_push_after_download_keeps_downloaded_status(store_env):
    store, payloads = store_env
    [delivery] = _with_deliveries(store, payloads, 1, channel=Channel.FILEDROP)
    store.mark_downloaded(delivery.message_id, Event(delivery.message_id, at(5), State.DOWNLOADED))
    [claimed] = store.claim_deliveries(Channel.FILEDROP, "worker", at(10), 60, 10)

    store.complete_delivery(claimed.id, Event(delivery.message_id, at(11), State.PUSHED))

    assert store.get_message(delivery.message_id).status == State.DOWNLOADED


def test_sender_listing_can_include_unrecognised_rejections(store_env):
    store, payloads = store_env
    unknown = message(received_at=at(1), identificatie="U1")
    unknown.service = None
    unknown.message_type = None
    store.record_rejections([rejection(payloads, unknown, code="StUF055")])
    store.record_rejections([rejection(payloads, message(received_at=at(2), identificatie="W1"), code="IB216")])

    narrow = store.list_messages(MessageQuery(organisation=unknown.sender, role="sender", services=("wmo",)))
    wide = store.list_messages(MessageQuery(organisation=unknown.sender, role="sender", services=("wmo",),
                                            include_unrecognised=True))

    assert unknown.id not in _ids(narrow)
    assert unknown.id in _ids(wide)
    assert len(wide) == len(narrow) + 1
