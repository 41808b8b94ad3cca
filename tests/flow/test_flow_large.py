"""Files above the stream threshold are validated by libxml2's streaming reader (``xmllint --stream``).

The large file is the iWmo 3.2 Declaratie example (WMO323) with its Client repeated to
4 MiB: above the default 2 MiB threshold, and above 65,535 lines, where 16-bit line
counters would wrap.
"""

from __future__ import annotations

import shutil

import pytest

from core import codes, streaming
from tests.flow import messages, reference
from tests.flow.hub import organisation

LARGE_SIZE = 4 * 1024 * 1024

pytestmark = pytest.mark.skipif(
    shutil.which("xmllint") is None, reason="xmllint is not installed (Debian package libxml2-utils)"
)


@pytest.fixture
def declaratie(hub):
    """The WMO323 example, with its release installed and its parties enrolled."""
    example = reference.example("iwmo", "3.2", "WMO323")
    return example.read(), hub.prepare(example)


@pytest.fixture(scope="module")
def large_declaratie() -> bytes:
    example = reference.example("iwmo", "3.2", "WMO323")
    return messages.repeat_element(example.read(), "Client", LARGE_SIZE)


@pytest.fixture
def streamed(monkeypatch) -> list:
    """Record each call of the streaming validator; the real validator still runs."""
    calls = []
    real_validate = streaming.validate

    def recording_validate(path, xsd_path):
        calls.append(xsd_path)
        return real_validate(path, xsd_path)

    monkeypatch.setattr(streaming, "validate", recording_validate)
    return calls


def test_large_declaratie_is_accepted_by_streaming(hub, declaratie, large_declaratie, streamed):
    _, parties = declaratie

    outcome = hub.send(parties.sender, large_declaratie, "declaratie-groot.xml")

    assert len(large_declaratie) > 3 * 1024 * 1024
    assert large_declaratie.count(b"\n") > 65_535
    assert outcome.accepted, outcome.detail
    assert outcome.recipient == parties.recipient
    assert len(streamed) == 1
    assert streamed[0] is not None and streamed[0].name.lower() == "wmo323.xsd"
    assert hub.message(outcome.message_id).size == len(large_declaratie)


def test_small_declaratie_is_validated_in_process(hub, declaratie, streamed):
    data, parties = declaratie

    outcome = hub.send(parties.sender, data)

    assert outcome.accepted, outcome.detail
    assert streamed == []


def test_invalid_value_deep_in_large_file_is_stuf055(hub, declaratie, large_declaratie, streamed):
    _, parties = declaratie
    changed = messages.invalid_deep(large_declaratie)

    outcome = hub.send(parties.sender, changed.data)

    assert changed.line > 65_535
    assert outcome.code == codes.STUF055
    assert outcome.line == changed.line
    assert outcome.column == changed.column
    assert len(streamed) == 1


def test_truncated_large_file_is_stuf055(hub, declaratie, large_declaratie, streamed):
    _, parties = declaratie
    truncated = large_declaratie[: len(large_declaratie) * 3 // 4]

    outcome = hub.send(parties.sender, truncated)

    assert outcome.code == codes.STUF055
    assert outcome.line == truncated.count(b"\n") + 1
    assert len(streamed) == 1


def test_large_file_of_uninstalled_release_is_ggk005(hub, large_declaratie, streamed):
    parties = messages.parties(large_declaratie)
    hub.add(organisation(parties.sender, ("wmo",)), organisation(parties.recipient, ("wmo",)))

    outcome = hub.send(parties.sender, large_declaratie)

    assert outcome.code == codes.GGK005
    assert streamed == []



def test_large_file_without_xmllint_is_still_checked(hub, declaratie, large_declaratie, monkeypatch):
    _, parties = declaratie
    monkeypatch.setattr(streaming.shutil, "which", lambda name: None)
    invalid = large_declaratie.replace(b"<wmo323:Bsn>", b"<wmo323:Bsn>x", 1)

    accepted = hub.send(parties.sender, large_declaratie, "declaratie-groot.xml")
    rejected = hub.send(parties.sender, invalid, "declaratie-fout.xml")

    assert accepted.accepted, accepted.detail
    assert rejected.code == codes.STUF055
