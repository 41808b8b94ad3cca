"""Reading the Wlz files row by row: CSV with a header line, or XML checked against its XSD.

Both readers yield ``(row, line, values)``: the 1-based data row, the line in the file
and the row's field texts by name. A fault of the whole file raises InvalidFile. A
schema error is reported as an InvalidRows error at its row, with values redacted, so
no error message repeats a BSN.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from lxml import etree

from core import streaming
from core.errors import Rejected
from core.xmlread import check_prolog, hardened_options
from plugins.wlz.errors import InvalidFile, InvalidRows, RowError
from plugins.wlz.fields import shown

CSV_DELIMITER = ";"
XML_IN_MEMORY_LIMIT = 16 * 1024 * 1024  # larger XML files are validated by xmllint --stream
QUOTED_VALUE = re.compile(r"The value '[^']*'")
LEADING_VALUE = re.compile(r"^(Element '[^']*': )'[^']*'")

Row = tuple[int, int | None, dict[str, str | None]]


def detect_format(path: Path) -> str:
    """Return ``"xml"`` when the file starts with ``<`` (after a byte order mark and spaces), else ``"csv"``."""
    with open(path, "rb") as stream:
        head = stream.read(512)
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    return "xml" if head.lstrip().startswith(b"<") else "csv"


# -- CSV --------------------------------------------------------------------------------

def csv_columns(path: Path) -> list[str]:
    """Return the lower-case column names of the header line."""
    with _open_text(path) as text:
        header = next(csv.reader(text, delimiter=CSV_DELIMITER), None)
    if not header or not any(name.strip() for name in header):
        raise InvalidFile(f"{path.name} has no header line; the first line names the columns, separated by ';'")
    return [name.strip().lower() for name in header]


def check_csv_columns(path: Path, columns: list[str], required: set[str], allowed: set[str]) -> None:
    unknown = [shown(name) for name in columns if name not in allowed]
    missing = sorted(required - set(columns))
    duplicate = sorted({name for name in columns if columns.count(name) > 1})
    if unknown or missing or duplicate:
        problems = []
        if missing:
            problems.append(f"missing column(s) {', '.join(missing)}")
        if unknown:
            problems.append(f"unknown column(s) {', '.join(unknown)}")
        if duplicate:
            problems.append(f"repeated column(s) {', '.join(duplicate)}")
        raise InvalidFile(f"the header line of {path.name} has {'; '.join(problems)}; "
                          f"expected the columns {', '.join(sorted(allowed))}", params={"problems": problems})


def csv_rows(path: Path, columns: list[str], errors: "RowSink") -> Iterator[Row]:
    """Yield the data rows after the header line; a row with the wrong number of fields is an error."""
    with _open_text(path) as text:
        reader = csv.reader(text, delimiter=CSV_DELIMITER)
        next(reader, None)
        row = 0
        try:
            for fields in reader:
                if not fields or (len(fields) == 1 and not fields[0].strip()):
                    continue  # a blank line
                row += 1
                if len(fields) != len(columns):
                    errors.add(RowError(row, "row", f"has {len(fields)} fields, the header has {len(columns)}",
                                        reader.line_num))
                    continue
                yield row, reader.line_num, dict(zip(columns, fields))
        except (csv.Error, UnicodeDecodeError) as error:
            raise InvalidFile(f"{path.name} is not a readable CSV file in UTF-8 near line {reader.line_num}: "
                              f"{error.__class__.__name__}") from None


def _open_text(path: Path) -> io.TextIOWrapper:
    return open(path, encoding="utf-8-sig", newline="")


class RowSink:
    """The receiver of the readers' row errors (``errors.RowCollector``)."""

    def add(self, error: RowError) -> None: ...


# -- XML --------------------------------------------------------------------------------

def xml_root(path: Path) -> etree.QName:
    """Return the root element's name, after refusing a DOCTYPE."""
    try:
        with open(path, "rb") as stream:
            check_prolog(stream)
        for _event, element in etree.iterparse(str(path), events=("start",), **hardened_options()):
            return etree.QName(element)
    except Rejected as rejection:
        raise InvalidFile(f"{path.name}: {rejection.detail}") from None
    except etree.XMLSyntaxError as error:
        raise InvalidFile(f"{path.name} is not well-formed XML: {error}") from None
    raise InvalidFile(f"{path.name} has no root element")


def validate_xml(path: Path, xsd: Path, row_tag: str) -> None:
    """Check the file against ``xsd``; raise InvalidRows for a schema error, InvalidFile for bad XML."""
    if path.stat().st_size > XML_IN_MEMORY_LIMIT:
        failure = streaming.validate(path, xsd)
        if failure is None:
            return
        if not failure.schema_error:
            raise InvalidFile(f"{path.name} is not well-formed XML (line {failure.line}): {_redact(failure.message)}")
        raise InvalidRows([_schema_row_error(path, row_tag, failure.line, failure.message)])
    try:
        tree = etree.parse(str(path), etree.XMLParser(**hardened_options()))
    except etree.XMLSyntaxError as error:
        raise InvalidFile(f"{path.name} is not well-formed XML: {error}") from None
    schema = etree.XMLSchema(etree.parse(str(xsd)))
    if not schema.validate(tree):
        found = [_schema_row_error(path, row_tag, entry.line, entry.message) for entry in list(schema.error_log)[:20]]
        raise InvalidRows(found)


def xml_rows(source: "Path | BinaryIO", namespace: str, row_tag: str) -> Iterator[Row]:
    """Yield each ``row_tag`` element as its leaf values by path (``Product/Categorie``), streaming.

    ``source`` is a file path or an open binary stream.
    """
    row = 0
    tag = f"{{{namespace}}}{row_tag}"
    target = str(source) if isinstance(source, Path) else source
    for _event, element in etree.iterparse(target, events=("end",), tag=tag, **hardened_options()):
        row += 1
        yield row, element.sourceline, _leaf_values(element)
        element.clear(keep_tail=True)
        while element.getprevious() is not None:
            del element.getparent()[0]


def xml_header_value(path: Path, namespace: str, name: str) -> str | None:
    """Return the text of the first ``name`` element below the root's Header, reading only the header."""
    tag = f"{{{namespace}}}{name}"
    for _event, element in etree.iterparse(str(path), events=("end",), tag=tag, **hardened_options()):
        parent = element.getparent()
        if parent is not None and etree.QName(parent).localname == "Header":
            return (element.text or "").strip()
    return None


def _leaf_values(element: etree._Element) -> dict[str, str | None]:
    values: dict[str, str | None] = {}
    for child in element.iter():
        if child is element or len(child) or not isinstance(child.tag, str):
            continue
        names = []
        node = child
        while node is not element:
            names.append(etree.QName(node).localname)
            node = node.getparent()
        values["/".join(reversed(names))] = child.text
    return values


def _schema_row_error(path: Path, row_tag: str, line: int | None, message: str) -> RowError:
    field = _element_of(message)
    return RowError(_row_at_line(path, row_tag, line), field, _redact(message), line)


def _row_at_line(path: Path, row_tag: str, line: int | None) -> int:
    """Return the number of ``row_tag`` elements opened at or before ``line`` (0: before the first row)."""
    if line is None:
        return 0
    row = 0
    for event, element in etree.iterparse(str(path), events=("start", "end"), **hardened_options()):
        is_row = etree.QName(element).localname == row_tag
        if event == "end":
            if is_row:
                element.clear(keep_tail=True)
            continue
        if element.sourceline is not None and element.sourceline > line:
            break
        if is_row:
            row += 1
    return row


def _element_of(message: str) -> str:
    match = re.match(r"^Element '(?:\{[^}]*\})?([^']*)'", message)
    return match.group(1) if match else "file"


def _redact(message: str) -> str:
    """Remove the offending value from a schema message: it may be a BSN."""
    message = QUOTED_VALUE.sub("The value", message)
    return LEADING_VALUE.sub(r"\1the value", message).strip()
