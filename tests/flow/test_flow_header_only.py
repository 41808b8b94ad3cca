"""Header-only mode (``validation = "header"``): without an installed XSD the hub checks the header only."""

from __future__ import annotations

import pytest

from core import codes
from core.ingest import IngestSettings
from core.model import State
from tests.flow import messages, reference
from tests.flow.hub import build_hub, organisation


@pytest.fixture
def header_hub(tmp_path):
    return build_hub(tmp_path, settings=IngestSettings(validation="header"))


@pytest.fixture
def example():
    return reference.example("iwmo", "3.2", "WMO301")


def add_parties(hub, data: bytes) -> messages.Parties:
    parties = messages.parties(data)
    hub.add(organisation(parties.sender, ("wmo",)), organisation(parties.recipient, ("wmo",)))
    return parties


def validated_event(hub, message_id: str):
    events = hub.events_in(message_id, State.VALIDATED)
    assert len(events) == 1
    return events[0]


def test_header_mode_accepts_without_xsd(header_hub, example):
    parties = add_parties(header_hub, example.read())

    outcome = header_hub.send(parties.sender, example.read())

    assert outcome.accepted, outcome.detail
    assert outcome.recipient == parties.recipient
    assert header_hub.message(outcome.message_id).schema_set_id is None


def test_header_mode_validated_event_says_header_only(header_hub, example):
    parties = add_parties(header_hub, example.read())

    outcome = header_hub.send(parties.sender, example.read())

    detail = validated_event(header_hub, outcome.message_id).detail
    assert detail is not None
    assert "header" in detail
    assert "no XSD" in detail


def test_full_validation_event_has_no_note(hub, example):
    parties = add_parties(hub, example.read())
    hub.import_release(example.xsd_folder)

    outcome = hub.send(parties.sender, example.read())

    assert validated_event(hub, outcome.message_id).detail is None


def test_header_mode_uses_installed_xsd(header_hub, example):
    parties = add_parties(header_hub, example.read())
    header_hub.import_release(example.xsd_folder)
    changed = messages.invalid_copy(example.read())

    outcome = header_hub.send(parties.sender, changed.data)

    assert outcome.code == codes.STUF055
    assert outcome.line == changed.line


def test_header_mode_still_refuses_malformed_file(header_hub, example):
    parties = add_parties(header_hub, example.read())
    data = example.read()

    outcome = header_hub.send(parties.sender, data[: len(data) // 2])

    assert outcome.code == codes.STUF055


def test_header_mode_still_checks_sender(header_hub, example):
    parties = add_parties(header_hub, example.read())

    outcome = header_hub.send(parties.recipient, example.read())

    assert outcome.code == codes.IB234
