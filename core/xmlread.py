"""Hardened reading of iStandaarden files.

The parser never touches the network, expands no entity and loads no DTD; a file with a
DOCTYPE is refused before parsing. Large files are validated by libxml2's streaming
reader (``core.streaming``), so memory stays flat for a 25 MiB declaratie.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import structlog
from lxml import etree

from core import codes, streaming
from core.errors import Rejected
from core.header import Header
from core.messagetypes import NamespaceInfo

log = structlog.get_logger(__name__)

SNIFF_BYTES = 64 * 1024
BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
XML_DECLARATION_ENCODING = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
ELEMENT_IN_MESSAGE = re.compile(r"Element '\{[^}]*\}([A-Za-z0-9_]+)'")


def hardened_options() -> dict:
    return {
        "resolve_entities": False,
        "no_network": True,
        "load_dtd": False,
        "dtd_validation": False,
        "huge_tree": False,
        "remove_comments": False,
    }


@dataclass(frozen=True)
class Sniffed:
    namespace: str | None
    local_name: str


def sniff(stream: BinaryIO) -> Sniffed:
    """Read the start of a file: refuse a BOM, a non-UTF-8 encoding or a DOCTYPE, find the root."""
    head = check_prolog(stream)
    return _find_root(head, stream)


def check_prolog(stream: BinaryIO) -> bytes:
    """Refuse an empty file, a BOM, a non-UTF-8 encoding or a DOCTYPE; return the bytes read."""
    head = stream.read(SNIFF_BYTES)
    if not head:
        raise Rejected(codes.GGK001, "the file is empty")
    if head.startswith(BOMS):
        raise Rejected(codes.GGK002, "the file starts with a byte order mark; send UTF-8 without BOM", line=1, column=1)

    declared = XML_DECLARATION_ENCODING.match(head)
    if declared and declared.group(1).decode("ascii").lower().replace("_", "-") not in ("utf-8", "utf8"):
        encoding = declared.group(1).decode("ascii")
        raise Rejected(
            codes.GGK002, f"the file declares encoding {encoding}; send UTF-8", line=1, column=1,
            params={"encoding": encoding},
        )

    return _read_prolog(head, stream)


PROLOG_LIMIT = 1024 * 1024
PROLOG_TERMINATORS = ((b"<?", b"?>"), (b"<!--", b"-->"))


def _read_prolog(head: bytes, stream: BinaryIO) -> bytes:
    """Walk the prolog (declaration, comments, processing instructions) up to the root element.

    Reject a DOCTYPE anywhere in the prolog, reading on as long as a comment or
    instruction is open. Return every byte read so far, for the parser.
    """
    position = 0
    while True:
        while position < len(head) and head[position:position + 1].isspace():
            position += 1
        rest = head[position:]
        if rest.startswith(b"<!") and not rest.startswith(b"<!--") and len(rest) >= 4:
            line = head.count(b"\n", 0, position) + 1
            raise Rejected(codes.GGK003, "the file contains a DOCTYPE; DTDs and entities are not allowed", line=line)
        terminator = next((close for open_, close in PROLOG_TERMINATORS if rest.startswith(open_)), None)
        if terminator is None and len(rest) >= 4:
            return head  # the root element (or text the parser reports) starts here
        end = rest.find(terminator) if terminator else -1
        if end >= 0:
            position += end + len(terminator)
            continue
        more = stream.read(SNIFF_BYTES)
        if not more:
            return head
        if len(head) + len(more) > PROLOG_LIMIT:
            raise Rejected(codes.STUF055, f"the XML prolog before the root element is longer than {PROLOG_LIMIT} bytes")
        head += more


def _find_root(head: bytes, stream: BinaryIO) -> Sniffed:
    """Feed the parser until the root element starts; return its namespace and name."""
    parser = etree.XMLPullParser(events=("start",), **_pull_options())
    chunk = head
    while True:
        try:
            parser.feed(chunk)
            for _, element in parser.read_events():
                qname = etree.QName(element)
                return Sniffed(qname.namespace, qname.localname)
        except etree.XMLSyntaxError as error:
            raise syntax_rejection(error) from None
        chunk = stream.read(SNIFF_BYTES)
        if not chunk:
            try:
                parser.close()
            except etree.XMLSyntaxError as error:
                raise syntax_rejection(error) from None
            raise Rejected(codes.STUF055, "the file contains no XML element")


def _pull_options() -> dict:
    options = hardened_options()
    options.pop("remove_comments")
    return options


def syntax_rejection(error: etree.XMLSyntaxError) -> Rejected:
    """Map a libxml2 parse error to a rejection: encoding faults get GGK002, the rest StUF055."""
    message = str(error.msg if hasattr(error, "msg") else error)
    line, column = _position(error)
    if "UTF-8" in message or "encoding" in message.lower():
        return Rejected(codes.GGK002, f"the file is not valid UTF-8: {message}", line=line, column=column)
    return Rejected(codes.STUF055, f"the file is not well-formed XML: {message}", line=line, column=column)


def _position(error: etree.XMLSyntaxError) -> tuple[int | None, int | None]:
    line, column = (error.position if error.position else (error.lineno, None))
    return (line or None, column or None)


def parse_small(content: bytes) -> etree._ElementTree:
    """Parse a small file held in memory; raise Rejected when it is not well-formed or has a DTD."""
    try:
        root = etree.fromstring(content, etree.XMLParser(**hardened_options()))
    except etree.XMLSyntaxError as error:
        raise syntax_rejection(error) from None
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise Rejected(codes.GGK003, "the file contains a DOCTYPE; DTDs and entities are not allowed")
    return tree


def validate_small(content: bytes, tree: etree._ElementTree, schema: "etree.XMLSchema") -> None:
    """Raise Rejected (StUF055 with the first XSD error's line and column) unless ``tree`` is valid."""
    _validate_tree(content, tree, schema)


def root_name(tree: etree._ElementTree) -> Sniffed:
    qname = etree.QName(tree.getroot())
    return Sniffed(qname.namespace, qname.localname)


def header_of(tree: etree._ElementTree, namespace: NamespaceInfo) -> Header:
    return _header_from_tree(tree.getroot(), namespace)


def read_message(
    path: Path,
    namespace: NamespaceInfo,
    schema: "etree.XMLSchema | None",
    *,
    xsd_path: Path | None = None,
    stream_threshold: int = 2 * 1024 * 1024,
) -> Header:
    """Check the whole file (well-formed, and valid against ``schema`` if given) and return its header.

    A file up to ``stream_threshold`` bytes is parsed into a tree in-process. A larger one
    is checked by libxml2's streaming reader against ``xsd_path``, so memory stays flat,
    and only its header is parsed here. Raise Rejected (StUF055 with line and column for
    an XSD error) when the file fails.
    """
    if path.stat().st_size > stream_threshold:
        try:
            failure = streaming.validate(path, xsd_path if schema is not None else None)
        except streaming.StreamingUnavailable as error:
            # NOTE: without xmllint a large file is parsed into a tree, using several times its size in memory.
            log.warning("streaming_validation_unavailable", error=str(error), size=path.stat().st_size)
        else:
            if failure is not None:
                raise _streaming_rejection(path, failure)
            return read_header(path, namespace)
    try:
        tree = etree.parse(str(path), etree.XMLParser(**hardened_options()))
    except etree.XMLSyntaxError as error:
        raise syntax_rejection(error) from None
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise Rejected(codes.GGK003, "the file contains a DOCTYPE; DTDs and entities are not allowed")
    if schema is not None:
        _validate_tree(path, tree, schema)
    return _header_from_tree(tree.getroot(), namespace)


def _validate_tree(source: "Path | bytes", tree: etree._ElementTree, schema: "etree.XMLSchema") -> None:
    try:
        valid = schema.validate(tree)
    except etree.XMLSchemaValidateError as error:  # e.g. an unexpanded entity reference
        raise Rejected(codes.STUF055, f"the file could not be validated: {error}") from None
    if not valid:
        first = schema.error_log[0]
        raise schema_rejection(source, first.line, first.message)


def _streaming_rejection(path: Path, failure: "streaming.Failure") -> Rejected:
    if failure.schema_error:
        return schema_rejection(path, failure.line, failure.message)
    try:  # a plain streaming parse pins the syntax error down to line and column
        for _ in etree.iterparse(str(path), events=(), **hardened_options()):
            pass
    except etree.XMLSyntaxError as error:
        return syntax_rejection(error)
    return Rejected(codes.STUF055, f"the file could not be read: {failure.message}", line=failure.line)


def _header_from_tree(root: etree._Element, namespace: NamespaceInfo) -> Header:
    header = Header(namespace)
    if not len(root) or etree.QName(root[0]).localname != "Header":
        return header
    _collect_leaves(header, root[0], "")
    return header


def _collect_leaves(header: Header, element: etree._Element, prefix: str) -> None:
    for child in element:
        if not isinstance(child.tag, str):
            continue  # a comment or processing instruction
        path = prefix + child.tag.rpartition("}")[2]
        if len(child):
            _collect_leaves(header, child, path + "/")
        else:
            header.add(path, (child.text or "").strip())


def read_header(path: Path, namespace: NamespaceInfo) -> Header:
    """Read only the Header element of a well-formed file, stopping once it is closed."""
    header = Header(namespace)
    stack: list[str] = []
    parser = etree.XMLPullParser(events=("start", "end"), **_pull_options())
    with open(path, "rb") as stream:
        while chunk := stream.read(SNIFF_BYTES):
            parser.feed(chunk)
            for event, element in parser.read_events():
                if event == "start":
                    stack.append(etree.QName(element).localname)
                    continue
                if len(stack) >= 3 and stack[1] == "Header" and not len(element):
                    header.add("/".join(stack[2:]), (element.text or "").strip())
                stack.pop()
                if len(stack) == 1:
                    return header
    return header


def schema_rejection(source: "Path | bytes", line: int | None, message: str) -> Rejected:
    return Rejected(
        codes.STUF055,
        f"the file does not match its XSD: {message}",
        line=line or None,
        column=_column_of(source, line or 0, message),
        params={"xsd_error": message},
    )


def _column_of(source: "Path | bytes", line: int, message: str) -> int | None:
    """Return the 1-based column of the named element's start tag on ``line``."""
    match = ELEMENT_IN_MESSAGE.search(message)
    if not match or not line:
        return None
    start_tag = re.compile(rb"<([A-Za-z0-9_.-]+:)?" + re.escape(match.group(1).encode()) + rb"[\s>/]")
    lines = io.BytesIO(source) if isinstance(source, bytes) else open(source, "rb")
    with lines:
        for number, text in enumerate(lines, start=1):
            if number == line:
                found = start_tag.search(text)
                return found.start() + 1 if found else None
    return None
