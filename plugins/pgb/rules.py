"""Content rules of the TKB and the BAB that their XSDs cannot express.

    rule                                        code     TKB (PGB101)          BAB (PGB103)
    the Bsn passes the elfproef                 GGK602   Client/Bsn            Client/Bsn
    Einddatum is not before Ingangsdatum        GGK601   Beschikking           Afsluiting
    the granted budget is above 0 and debet     GGK603   Beschikking/Budget    ToegekendBudget
    Restant = ToegekendBudget - BesteedBedrag   GGK604   -                     Afsluiting

The rules run after the XSD, so every element they read is present and well typed. A
file is read record by record (``Toekenning`` or ``Afsluiting``) with ``iterparse`` and
each record is dropped once checked, so a 25 MiB file does not become a tree in memory.
The first fault in document order wins. A rejection names the record by its position
and points at the element's line, and never quotes a Bsn.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import BinaryIO, Iterator

from lxml import etree

from core.bsn import is_valid_bsn
from core.errors import Rejected
from core.xmlread import hardened_options
from plugins.pgb import codes



@dataclass(frozen=True)
class RecordRules:
    """The elements the content rules of one message type read, by path below each record.

    record: local name of the repeated record element below the root.
    period: path below the record of the element holding Ingangsdatum and Einddatum
        (``.`` for the record itself).
    budget: path below the record of the granted budget, a CDT_BedragMetDC.
    restant: whether the record carries BesteedBedrag and Restant to check.
    """

    record: str
    period: str
    budget: str
    restant: bool = False


TKB_RULES = RecordRules(record="Toekenning", period="Beschikking", budget="Beschikking/Budget")
BAB_RULES = RecordRules(record="Afsluiting", period=".", budget="ToegekendBudget", restant=True)


def check_records(stream: BinaryIO, namespace: str, rules: RecordRules) -> Rejected | None:
    """Return the rejection for the first record that breaks a rule, or None when all pass."""
    for number, record in enumerate(_records(stream, namespace, rules.record), start=1):
        rejection = check_record(record, f"{rules.record} {number}", rules)
        if rejection is not None:
            return rejection
    return None


def check_record(record: etree._Element, label: str, rules: RecordRules) -> Rejected | None:
    """Check one record; ``label`` (``Toekenning 3``) names it in the rejection's detail."""
    checks = [_check_bsn, _check_period, _check_budget]
    if rules.restant:
        checks.append(_check_restant)
    for check in checks:
        rejection = check(record, label, rules)
        if rejection is not None:
            return rejection
    return None


def passes_elfproef(bsn: str) -> bool:
    """Return whether a BSN passes the elfproef (``000000000`` does not)."""
    return is_valid_bsn(bsn)


def signed_cents(amount: etree._Element) -> int:
    """Return a CDT_BedragMetDC as signed cents: debet (D) counts positive, credit (C) negative."""
    cents = int(_text(amount, "Bedrag"))
    return -cents if _text(amount, "DebetCredit") == "C" else cents


# -- the rules ------------------------------------------------------------------------------


def _check_bsn(record: etree._Element, label: str, rules: RecordRules) -> Rejected | None:
    bsn = _find(record, "Client/Bsn")
    if passes_elfproef((bsn.text or "").strip()):
        return None
    return Rejected(codes.GGK602, f"{label}: the Bsn fails the elfproef", line=bsn.sourceline,
                    params={"record": label})


def _check_period(record: etree._Element, label: str, rules: RecordRules) -> Rejected | None:
    period = _find(record, rules.period)
    start = date.fromisoformat(_text(period, "Ingangsdatum"))
    end_element = _find(period, "Einddatum")
    end = date.fromisoformat((end_element.text or "").strip())
    if end >= start:
        return None
    return Rejected(codes.GGK601, f"{label}: Einddatum {end.isoformat()} is before Ingangsdatum {start.isoformat()}",
                    line=end_element.sourceline, params={"record": label})


def _check_budget(record: etree._Element, label: str, rules: RecordRules) -> Rejected | None:
    budget = _find(record, rules.budget)
    if signed_cents(budget) > 0:
        return None
    name = rules.budget.rsplit("/", 1)[-1]
    amount_text = f"{_text(budget, 'Bedrag')} {_text(budget, 'DebetCredit')}"
    return Rejected(codes.GGK603, f"{label}: {name} must be more than 0 cents and debet (D), not {amount_text}",
                    line=budget.sourceline, params={"record": label})


def _check_restant(record: etree._Element, label: str, rules: RecordRules) -> Rejected | None:
    expected = signed_cents(_find(record, rules.budget)) - signed_cents(_find(record, "BesteedBedrag"))
    restant = _find(record, "Restant")
    if signed_cents(restant) == expected:
        return None
    return Rejected(codes.GGK604, f"{label}: Restant is {signed_cents(restant)} cents, but ToegekendBudget minus "
                                  f"BesteedBedrag is {expected} cents", line=restant.sourceline,
                    params={"record": label})


# -- reading ----------------------------------------------------------------------------------


def _records(stream: BinaryIO, namespace: str, local_name: str) -> Iterator[etree._Element]:
    """Yield each record element once it is complete, and free it after the caller's check."""
    tag = f"{{{namespace}}}{local_name}"
    for _, element in etree.iterparse(stream, events=("end",), tag=tag, **hardened_options()):
        yield element
        element.clear(keep_tail=True)
        while element.getprevious() is not None:
            del element.getparent()[0]


def _find(element: etree._Element, path: str) -> etree._Element:
    """Return the element at a path of local names, which the XSD has made sure exists."""
    if path == ".":
        return element
    found = element.find("/".join(f"{{*}}{name}" for name in path.split("/")))
    if found is None:
        raise LookupError(f"{etree.QName(element).localname} has no {path}; the XSD should have required it")
    return found


def _text(element: etree._Element, path: str) -> str:
    return (_find(element, path).text or "").strip()
