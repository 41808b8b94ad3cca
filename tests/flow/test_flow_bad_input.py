"""Files the hub cannot take in: each gets its documented code, and the hub keeps working.

Every case runs on a hub that already accepted one Toewijzing. After the bad file, that
message is unchanged and the next good file is accepted.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest

from core import codes
from core.ingest import IngestSettings, Submission
from core.model import Event, Message, State
from tests.flow import messages, reference
from tests.flow.hub import build_hub, organisation, principal_of

GEMEENTE = "0384"
AANBIEDER = "42420001"
STUF_ENVELOPE = "stuf-ggk/ggk0210_v2.1.04_versie3/ggk0210/voorbeeldberichten/envelopHeenbericht-ggk_Di01_v21-tekst.xml"
EBMS_ENVELOPE = "digikoppeling/messages/EbMSMessage.xml"


class CountingStream(io.BytesIO):
    """An upload stream that counts how many bytes the hub read from it."""

    def __init__(self, data: bytes):
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk


def toewijzing_data() -> bytes:
    return reference.example("iwmo", "3.2", "WMO301").read()


def renumbered(data: bytes, identificatie: str) -> bytes:
    return messages.with_header(data, {"BerichtIdentificatie/Identificatie": identificatie})


@dataclass
class Earlier:
    """A message accepted before the bad file, as it was right after its acceptance."""

    message: Message
    events: list[Event]


@pytest.fixture
def earlier(hub) -> Earlier:
    """Install iWmo 3.2 on ``hub``, enrol both parties and accept one Toewijzing."""
    example = reference.example("iwmo", "3.2", "WMO301")
    hub.import_release(example.xsd_folder)
    hub.add(organisation(GEMEENTE, ("wmo",)), organisation(AANBIEDER, ("wmo",)))
    outcome = hub.send(GEMEENTE, example.read())
    assert outcome.accepted, outcome.detail
    return Earlier(hub.message(outcome.message_id), hub.store.events(outcome.message_id))


def assert_still_working(hub, earlier: Earlier) -> None:
    assert hub.message(earlier.message.id) == earlier.message
    assert hub.store.events(earlier.message.id) == earlier.events
    outcome = hub.send(GEMEENTE, renumbered(toewijzing_data(), "NAFOUT000001"))
    assert outcome.accepted, outcome.detail


def not_xml(data: bytes) -> bytes:
    return b"Dit is geen XML maar een tekstbestand.\n"


def iso_8859_1(data: bytes) -> bytes:
    text = data.decode("utf-8").replace('encoding="UTF-8"', 'encoding="ISO-8859-1"')
    return text.replace("Client commentaar", "Cli\u00ebnt commentaar").encode("iso-8859-1")


def latin_1_bytes_declared_utf_8(data: bytes) -> bytes:
    return data.replace(b"Client commentaar", "Cli\u00ebnt commentaar".encode("iso-8859-1"))


def utf_8_bom(data: bytes) -> bytes:
    return b"\xef\xbb\xbf" + data


def utf_16(data: bytes) -> bytes:
    return data.decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")


def empty(data: bytes) -> bytes:
    return b""


def stuf_envelope(data: bytes) -> bytes:
    return reference.reference_file(STUF_ENVELOPE).read_bytes()


def ebms_envelope(data: bytes) -> bytes:
    return reference.reference_file(EBMS_ENVELOPE).read_bytes()


def unknown_message_name(data: bytes) -> bytes:
    return data.replace(b"/iwmo/3_2/wmo301/schema", b"/iwmo/3_2/wmo399/schema")


def unknown_release(data: bytes) -> bytes:
    return data.replace(b"/iwmo/3_2/wmo301/schema", b"/iwmo/9_9/wmo301/schema")


def other_root_element(data: bytes) -> bytes:
    return data.replace(b"wmo301:Bericht", b"wmo301:Berichten")


def truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


BAD_FILES = [
    pytest.param(not_xml, codes.STUF055, id="not-xml"),
    pytest.param(iso_8859_1, codes.GGK002, id="iso-8859-1-declared"),
    pytest.param(latin_1_bytes_declared_utf_8, codes.GGK002, id="latin-1-bytes-in-utf-8"),
    pytest.param(utf_8_bom, codes.GGK002, id="utf-8-bom"),
    pytest.param(utf_16, codes.GGK002, id="utf-16"),
    pytest.param(empty, codes.GGK001, id="empty"),
    pytest.param(stuf_envelope, codes.GGK004, id="stuf-envelope"),
    pytest.param(ebms_envelope, codes.GGK004, id="ebms-envelope"),
    pytest.param(unknown_message_name, codes.GGK004, id="unknown-message-type"),
    pytest.param(other_root_element, codes.GGK004, id="root-not-bericht"),
    pytest.param(unknown_release, codes.GGK005, id="unknown-release"),
    pytest.param(truncated, codes.STUF055, id="truncated"),
]


@pytest.mark.parametrize(("spoil", "code"), BAD_FILES)
def test_bad_file_is_rejected_with_code(hub, earlier, spoil, code):
    data = spoil(toewijzing_data())

    outcome = hub.send(GEMEENTE, data, "kapot.xml")

    assert outcome.code == code, outcome.detail
    assert hub.message(outcome.message_id).status == State.REJECTED
    assert hub.message(outcome.message_id).reject_code == code


@pytest.mark.parametrize(("spoil", "code"), BAD_FILES)
def test_hub_keeps_working_after_bad_file(hub, earlier, spoil, code):
    hub.send(GEMEENTE, spoil(toewijzing_data()), "kapot.xml")

    assert_still_working(hub, earlier)


def test_truncated_file_names_last_line(hub, earlier):
    data = truncated(toewijzing_data())

    outcome = hub.send(GEMEENTE, data)

    assert outcome.code == codes.STUF055
    assert outcome.line == data.count(b"\n") + 1
    assert outcome.column is not None


def test_unknown_release_names_release(hub, earlier):
    outcome = hub.send(GEMEENTE, unknown_release(toewijzing_data()))

    assert outcome.code == codes.GGK005
    assert outcome.params["release"] == "iWmo 9.9"
    assert "iWmo 9.9" in outcome.detail


def test_release_not_installed_names_release(hub, earlier):
    example = reference.example("iwmo", "2.3", "WMO301")

    outcome = hub.send(GEMEENTE, example.read())

    assert outcome.code == codes.GGK005
    assert outcome.params["release"] == "iWmo 2.3"
    assert "iWmo 2.3" in outcome.detail
    assert_still_working(hub, earlier)


def test_declared_size_over_limit_is_ib007_unread(tmp_path):
    data = toewijzing_data()
    hub = build_hub(tmp_path, settings=IngestSettings(max_size=1000))
    hub.add(organisation(GEMEENTE, ("wmo",)))
    stream = CountingStream(data)

    outcome = hub.service.submit(principal_of(GEMEENTE), Submission(stream, "groot.xml", declared_size=len(data)))

    assert outcome.code == codes.IB007
    assert stream.bytes_read == 0


def test_stream_over_limit_is_ib007_partly_read(tmp_path):
    data = messages.repeat_element(toewijzing_data(), "Client", 1024 * 1024)
    hub = build_hub(tmp_path, settings=IngestSettings(max_size=100_000))
    hub.add(organisation(GEMEENTE, ("wmo",)))
    stream = CountingStream(data)

    outcome = hub.service.submit(principal_of(GEMEENTE), Submission(stream, "groot.xml"))

    assert outcome.code == codes.IB007
    assert stream.bytes_read < len(data) // 2
    assert outcome.params["limit"] == 100_000


def test_file_of_exactly_max_size_is_accepted(tmp_path):
    example = reference.example("iwmo", "3.2", "WMO301")
    data = example.read()
    hub = build_hub(tmp_path, settings=IngestSettings(max_size=len(data)))
    hub.prepare(example)

    outcome = hub.send(GEMEENTE, data, declared_size=len(data))

    assert outcome.accepted, outcome.detail


def test_file_one_byte_over_max_size_is_ib007(tmp_path):
    example = reference.example("iwmo", "3.2", "WMO301")
    data = example.read()
    hub = build_hub(tmp_path, settings=IngestSettings(max_size=len(data) - 1))
    hub.prepare(example)

    outcome = hub.send(GEMEENTE, data)

    assert outcome.code == codes.IB007
