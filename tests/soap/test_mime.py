"""SOAP with attachments in and out, including the tolerant cases Digikoppeling partners send."""

from __future__ import annotations

import pytest

from adapters.soap.ebms.errors import ErrorCode, MimeProblem
from adapters.soap.ebms.mime import Attachment, package, parse_mime

ENVELOPE = b'<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"/>'
BINARY = bytes(range(256)) * 4 + b"\r\n--not-a-boundary\r\nline\rcarriage\nfeed\r\n"


def multipart(parts: list[tuple[dict[str, str], bytes]], boundary: str = "MIME_boundary") -> bytes:
    chunks = []
    for headers, data in parts:
        chunks.append(f"--{boundary}\r\n".encode())
        chunks.extend(f"{name}: {value}\r\n".encode() for name, value in headers.items())
        chunks.append(b"\r\n" + data + b"\r\n")
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks)


def test_package_round_trips_binary():
    attachments = [Attachment("payload-1@hub", "application/octet-stream", BINARY),
                   Attachment("payload-2@hub", "application/xml", b"<a>\xc3\xa9</a>")]

    packaged = package(ENVELOPE, attachments)
    parsed = parse_mime(packaged.headers["Content-Type"], packaged.body)

    assert packaged.headers["SOAPAction"] == '"ebXML"'
    assert parsed.envelope == ENVELOPE
    assert [part.content_id for part in parsed.attachments] == ["payload-1@hub", "payload-2@hub"]
    assert parsed.attachments[0].data == BINARY
    assert parsed.attachments[1].data == b"<a>\xc3\xa9</a>"
    assert parsed.attachments[1].content_type == "application/xml"


def test_single_text_xml_part_is_envelope():
    parsed = parse_mime("text/xml; charset=UTF-8", ENVELOPE)

    assert parsed.envelope == ENVELOPE
    assert parsed.attachments == ()
    assert parsed.envelope_content_id is None


def test_missing_start_takes_first_part():
    body = multipart([({"Content-Type": "text/xml", "Content-ID": "<env>"}, ENVELOPE),
                      ({"Content-Type": "application/xml", "Content-ID": "<p1>"}, b"<p/>")])

    parsed = parse_mime('multipart/related; type="text/xml"; boundary="MIME_boundary"', body)

    assert parsed.envelope == ENVELOPE
    assert parsed.envelope_content_id == "env"
    assert parsed.attachments[0].data == b"<p/>"


def test_start_names_a_later_part():
    body = multipart([({"Content-Type": "application/xml", "Content-ID": "<p1>"}, b"<p/>"),
                      ({"Content-Type": "text/xml", "Content-ID": "<env@x>"}, ENVELOPE)])

    parsed = parse_mime('multipart/related; type="text/xml"; boundary=MIME_boundary; start=env@x', body)

    assert parsed.envelope == ENVELOPE
    assert [part.content_id for part in parsed.attachments] == ["p1"]


@pytest.mark.parametrize("content_id", ["<payload-1@localhost>", "payload-1@localhost", " <payload-1@localhost> "])
@pytest.mark.parametrize("reference", ["cid:payload-1@localhost", "cid:payload-1%40localhost", "CID:payload-1@localhost"])
def test_cid_reference_forms(content_id, reference):
    body = multipart([({"Content-Type": "text/xml", "Content-ID": "<env>"}, ENVELOPE),
                      ({"Content-Type": "application/xml", "Content-ID": content_id}, b"<p/>")])

    parsed = parse_mime('multipart/related; boundary="MIME_boundary"; start="<env>"', body)

    assert parsed.attachment(reference).data == b"<p/>"
    assert parsed.attachment("cid:other@localhost") is None
    assert parsed.attachment("http://example.org/p") is None


def test_base64_part_is_decoded():
    body = multipart([({"Content-Type": "text/xml"}, ENVELOPE),
                      ({"Content-Type": "application/pdf", "Content-ID": "<p1>",
                        "Content-Transfer-Encoding": "base64"}, b"JVBERi0xLjQK")])

    parsed = parse_mime('multipart/related; boundary="MIME_boundary"', body)

    assert parsed.attachments[0].data == b"%PDF-1.4\n"


def test_missing_boundary_is_mime_problem():
    with pytest.raises(MimeProblem) as raised:
        parse_mime('multipart/related; type="text/xml"', b"--x\r\n\r\n<a/>\r\n--x--")

    assert raised.value.code == ErrorCode.MIME_PROBLEM
    assert "boundary" in raised.value.detail


def test_boundary_absent_from_body_is_mime_problem():
    with pytest.raises(MimeProblem) as raised:
        parse_mime('multipart/related; boundary="elsewhere"', multipart([({"Content-Type": "text/xml"}, ENVELOPE)]))

    assert "elsewhere" in raised.value.detail


def test_unknown_start_is_mime_problem():
    body = multipart([({"Content-Type": "text/xml", "Content-ID": "<env>"}, ENVELOPE)])

    with pytest.raises(MimeProblem) as raised:
        parse_mime('multipart/related; boundary="MIME_boundary"; start="<missing>"', body)

    assert "missing" in raised.value.detail


def test_attachment_without_content_id_is_mime_problem():
    body = multipart([({"Content-Type": "text/xml"}, ENVELOPE), ({"Content-Type": "text/plain"}, b"x")])

    with pytest.raises(MimeProblem):
        parse_mime('multipart/related; boundary="MIME_boundary"', body)


def test_unsupported_content_type_is_mime_problem():
    with pytest.raises(MimeProblem) as raised:
        parse_mime("application/json", b"{}")

    assert "application/json" in raised.value.detail


@pytest.mark.parametrize("start", ["<env@x>", '"<env@x>"', "env@x", '"env@x"'])
def test_start_parameter_forms(start):
    body = multipart([({"Content-Type": "application/xml", "Content-ID": "<p1>"}, b"<p/>"),
                      ({"Content-Type": "text/xml", "Content-ID": "env@x"}, ENVELOPE)])

    parsed = parse_mime(f'multipart/related; boundary="MIME_boundary"; start={start}; type="text/xml"', body)

    assert parsed.envelope == ENVELOPE
