"""Read and rewrite iStandaarden files with lxml, for tests that need variants of the real examples.

A header path is a '/'-separated list of local names below the root's Header element
(``BerichtIdentificatie/Dagtekening``). Rewrites keep the file's layout, so a line
number found in a rewritten file points at the same element as in the original.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass

from lxml import etree

INVALID_DATE = "2026-13-45"
DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
CAK = "CAK"
PARTY_ELEMENTS = ("Afzender", "Ontvanger", "Gemeente", "Aanbieder", "Servicebureau")


def parse(data: bytes) -> etree._ElementTree:
    return etree.ElementTree(etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True)))


def serialise(tree: etree._ElementTree) -> bytes:
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8")


def local(element: etree._Element) -> str:
    return etree.QName(element).localname


def namespace_of(data: bytes) -> str:
    return etree.QName(parse(data).getroot()).namespace


def header_leaves(tree: etree._ElementTree) -> list[tuple[str, etree._Element]]:
    """Return (path, element) for every leaf element of the Header, in document order."""
    header = tree.getroot()[0]
    assert local(header) == "Header", f"the first child of the root is {local(header)}, not Header"
    leaves = []
    for element in header.iter(etree.Element):
        if element is header or len(element):
            continue
        names = []
        node = element
        while node is not header:
            names.append(local(node))
            node = node.getparent()
        leaves.append(("/".join(reversed(names)), element))
    return leaves


def header_values(data: bytes) -> dict[str, str]:
    """Return the first value of each header path."""
    values: dict[str, str] = {}
    for path, element in header_leaves(parse(data)):
        values.setdefault(path, (element.text or "").strip())
    return values


def with_header(data: bytes, values: dict[str, str]) -> bytes:
    """Return a copy with the named header leaves set; every path must exist in the file."""
    tree = parse(data)
    leaves = dict(reversed(header_leaves(tree)))  # the first element of each path wins
    for path, value in values.items():
        assert path in leaves, f"the header has no {path}"
        leaves[path].text = value
    return serialise(tree)


def insert_after(data: bytes, sibling: str, name: str, value: str) -> bytes:
    """Return a copy with a new header element ``name`` right after the header leaf ``sibling``."""
    tree = parse(data)
    anchor = dict(header_leaves(tree))[sibling]
    added = etree.Element(etree.QName(etree.QName(anchor).namespace, name))
    added.text = value
    added.tail = anchor.tail
    anchor.addnext(added)
    return serialise(tree)


@dataclass(frozen=True)
class Parties:
    """Who sends a file and who receives it, read from the header as the domain defines it."""

    sender: str
    recipient: str
    is_retour: bool
    named: tuple[str, ...]


def parties(data: bytes) -> Parties:
    """Read sender and recipient the way the field defines them, independently of any plugin.

    A heen is sent by its Afzender to its Ontvanger. A retour copies its heen's header, so
    it is sent by that Ontvanger back to the Afzender. A release 2.3 declaratie (303) is
    sent by the Aanbieder, or by a Servicebureau on its behalf, to the Gemeente, and its
    retour (304) goes the other way. An iEb file names no Ontvanger, because the other side
    is always the CAK.
    """
    values = header_values(data)
    named = tuple(values[name] for name in PARTY_ELEMENTS if values.get(name))
    if "Gemeente" in values:
        aanbieder_side = values.get("Servicebureau") or values["Aanbieder"]
        if any(path.startswith("RetourHeader/") for path in values):
            return Parties(values["Gemeente"], aanbieder_side, True, named)
        return Parties(aanbieder_side, values["Gemeente"], False, named)
    other_side = values.get("Ontvanger") or CAK
    if "IdentificatieRetour" in values:
        return Parties(other_side, values["Afzender"], True, named)
    return Parties(values["Afzender"], other_side, False, named)


def retour_for(heen: bytes, retour: bytes) -> bytes:
    """Rewrite a retour example so that it answers ``heen``.

    Every header leaf the two files share takes the heen's value, except BerichtCode: that
    is how a retour copies its heen's header (Afzender, Ontvanger, BerichtIdentificatie or
    DeclarantFactuurNummer with FactuurDagtekening, and the rest).
    """
    heen_values = header_values(heen)
    tree = parse(retour)
    for path, element in header_leaves(tree):
        if path != "BerichtCode" and path in heen_values:
            element.text = heen_values[path]
    return serialise(tree)


@dataclass(frozen=True)
class Changed:
    """A rewritten file and where its changed element starts (1-based line and column)."""

    data: bytes
    line: int
    column: int


def invalid_copy(data: bytes) -> Changed:
    """Set the first date in the header to a date that does not exist; the file stays well-formed."""
    tree = parse(data)
    dates = [element for _, element in header_leaves(tree) if DATE.match((element.text or "").strip())]
    assert dates, "the header has no date to make invalid"
    dates[0].text = INVALID_DATE
    return located(serialise(tree), INVALID_DATE)


def invalid_deep(data: bytes) -> Changed:
    """Set the last date in the file (outside the header) to a date that does not exist."""
    tree = parse(data)
    dates = [e for e in tree.getroot().iter(etree.Element) if not len(e) and DATE.match((e.text or "").strip())]
    assert dates, "the file has no date to make invalid"
    dates[-1].text = INVALID_DATE
    return located(serialise(tree), INVALID_DATE)


def located(data: bytes, marker: str) -> Changed:
    """Find the one element whose text is ``marker``: the line it is on and its start tag's column."""
    needle = f">{marker}<".encode()
    assert data.count(needle) == 1, f"{marker} occurs {data.count(needle)} times"
    for number, text in enumerate(data.split(b"\n"), start=1):
        position = text.find(needle)
        if position >= 0:
            return Changed(data, number, text.rfind(b"<", 0, position) + 1)
    raise AssertionError("unreachable: the marker was counted above")


def repeat_element(data: bytes, name: str, minimum_size: int) -> bytes:
    """Append copies of the first element called ``name`` beside it until the file reaches ``minimum_size`` bytes."""
    tree = parse(data)
    first = next(e for e in tree.getroot().iter(etree.Element) if local(e) == name)
    size = len(serialise(tree))
    first.addnext(copy.deepcopy(first))
    one_copy = len(serialise(tree)) - size
    for _ in range(max(0, minimum_size - size) // one_copy):
        first.addnext(copy.deepcopy(first))
    return serialise(tree)
