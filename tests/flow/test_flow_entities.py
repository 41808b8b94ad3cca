"""Files with a DOCTYPE are GGK003, and the entities they declare are never expanded."""

from __future__ import annotations

import time

import pytest

from core import codes
from core.model import State
from tests.flow import reference
from tests.flow.hub import organisation

GEMEENTE = "0384"
AANBIEDER = "42420001"
LONG_COMMENT = b"<!--" + b" opvulling" * 8000 + b" -->\n"  # 80 kB, longer than the hub's first read


def with_doctype(entities: bytes, reference_text: bytes, prolog: bytes = b"") -> bytes:
    """Return the WMO301 example with a DOCTYPE declaring ``entities`` and its Commentaar replaced."""
    data = reference.example("iwmo", "3.2", "WMO301").read()
    declaration, body = data.split(b"\n", 1)
    assert declaration.startswith(b"<?xml ")
    doctype = b"<!DOCTYPE wmo301:Bericht [\n" + entities + b"]>\n"
    return declaration + b"\n" + prolog + doctype + body.replace(b"Client commentaar", reference_text)


def billion_laughs() -> bytes:
    entities = [b'<!ENTITY lol0 "lol">\n']
    for level in range(1, 10):
        expansion = f"&lol{level - 1};".encode() * 10
        entities.append(f"<!ENTITY lol{level} \"".encode() + expansion + b'">\n')
    return with_doctype(b"".join(entities), b"&lol9;")


def external_entity(uri: str) -> bytes:
    return with_doctype(f'<!ENTITY extern SYSTEM "{uri}">\n'.encode(), b"&extern;")


def stored_text(hub, outcome) -> str:
    """Everything the hub recorded about one message, as text."""
    message = hub.message(outcome.message_id)
    return " ".join([repr(message), repr(hub.store.events(outcome.message_id)), repr(outcome)])


@pytest.fixture
def ready(hub):
    example = reference.example("iwmo", "3.2", "WMO301")
    hub.import_release(example.xsd_folder)
    hub.add(organisation(GEMEENTE, ("wmo",)), organisation(AANBIEDER, ("wmo",)))
    return hub


@pytest.mark.timeout(30)
def test_billion_laughs_is_ggk003_unexpanded(ready):
    started = time.monotonic()

    outcome = ready.send(GEMEENTE, billion_laughs())

    assert outcome.code == codes.GGK003
    assert outcome.line == 2
    assert "lollol" not in stored_text(ready, outcome)
    assert time.monotonic() - started < 5


def test_external_entity_is_ggk003_unread(ready, tmp_path):
    secret = tmp_path / "geheim.txt"
    secret.write_text("GEHEIM-7f3a9c")

    outcome = ready.send(GEMEENTE, external_entity(secret.as_uri()))

    assert outcome.code == codes.GGK003
    assert "GEHEIM-7f3a9c" not in stored_text(ready, outcome)
    assert ready.message(outcome.message_id).identificatie is None


def test_etc_passwd_entity_is_ggk003(ready):
    outcome = ready.send(GEMEENTE, external_entity("file:///etc/passwd"))

    assert outcome.code == codes.GGK003
    assert "root:" not in stored_text(ready, outcome)
    assert ready.message(outcome.message_id).status == State.REJECTED


def test_doctype_without_entities_is_ggk003(ready):
    outcome = ready.send(GEMEENTE, with_doctype(b"", b"Client commentaar"))

    assert outcome.code == codes.GGK003


def test_doctype_after_comment_is_ggk003(ready):
    outcome = ready.send(GEMEENTE, with_doctype(b"", b"Client commentaar", prolog=b"<!-- export -->\n"))

    assert outcome.code == codes.GGK003


def test_entity_after_comment_is_ggk003(ready, tmp_path):
    secret = tmp_path / "geheim.txt"
    secret.write_text("GEHEIM-7f3a9c")
    entity = f'<!ENTITY extern SYSTEM "{secret.as_uri()}">\n'.encode()

    outcome = ready.send(GEMEENTE, with_doctype(entity, b"&extern;", prolog=b"<!-- export -->\n"))

    assert outcome.code == codes.GGK003
    assert "GEHEIM-7f3a9c" not in stored_text(ready, outcome)


def test_doctype_after_long_comment_is_ggk003(ready):
    outcome = ready.send(GEMEENTE, with_doctype(b"", b"Client commentaar", prolog=LONG_COMMENT))

    assert outcome.code == codes.GGK003


def test_doctype_after_processing_instruction_is_ggk003(ready):
    prolog = b'<?xml-stylesheet type="text/xsl" href="toon.xsl"?>\n'

    outcome = ready.send(GEMEENTE, with_doctype(b"", b"Client commentaar", prolog=prolog))

    assert outcome.code == codes.GGK003
