"""When a file has several faults, the earliest check in docs/errors.md decides its code."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core import codes
from core.ingest import IngestSettings
from core.model import Freeze
from tests.flow import messages, reference
from tests.flow.hub import build_hub, organisation

GEMEENTE = "0384"
AANBIEDER = "42420001"


@pytest.fixture
def toewijzing(hub):
    example = reference.example("iwmo", "3.2", "WMO301")
    hub.import_release(example.xsd_folder)
    hub.add(organisation(GEMEENTE, ("wmo",)), organisation(AANBIEDER, ("wmo",)))
    return example.read()


def test_unknown_sender_wins_over_empty_file(hub, toewijzing):
    outcome = hub.send("0999", b"")

    assert outcome.code == codes.IB213


def test_size_wins_over_unknown_namespace(tmp_path):
    hub = build_hub(tmp_path, settings=IngestSettings(max_size=10))
    hub.add(organisation(GEMEENTE, ("wmo",)))

    outcome = hub.send(GEMEENTE, b"<onbekend xmlns='urn:x'/>")

    assert outcome.code == codes.IB007


def test_byte_order_mark_wins_over_doctype(hub, toewijzing):
    data = b"\xef\xbb\xbf" + toewijzing.replace(b"?>", b"?>\n<!DOCTYPE wmo301:Bericht>", 1)

    outcome = hub.send(GEMEENTE, data)

    assert outcome.code == codes.GGK002


def test_freeze_wins_over_schema_error(hub, toewijzing):
    hub.store.set_freeze(Freeze("WMO301", since=hub.clock.now() - timedelta(minutes=1)))

    outcome = hub.send(GEMEENTE, messages.invalid_copy(toewijzing).data)

    assert outcome.code == codes.IB103


def test_schema_error_wins_over_wrong_sender(hub, toewijzing):
    outcome = hub.send(AANBIEDER, messages.invalid_copy(toewijzing).data)

    assert outcome.code == codes.STUF055


def test_wrong_sender_wins_over_unknown_recipient(hub, toewijzing):
    hub.store.organisations.pop(AANBIEDER)
    hub.add(organisation("0363", ("wmo",)))

    outcome = hub.send("0363", toewijzing)

    assert outcome.code == codes.IB234


def test_recipient_wins_over_duplicate(hub, toewijzing):
    first = hub.send(GEMEENTE, toewijzing)
    hub.store.save_organisation(organisation(AANBIEDER, ("jw",)))

    second = hub.send(GEMEENTE, toewijzing)

    assert first.accepted, first.detail
    assert second.code == codes.IB102
