"""The WLZSIGNAAL message: the signals of one batch for one gemeente, in the hub's own format.

Namespace ``urn:ggk:wlz:signaal:1.0``, XSD ``xsd/wlzsignaal.xsd``. The Header follows the
iStandaarden: BerichtCode 951, Afzender IB, Ontvanger the gemeentecode and the
BerichtIdentificatie that identifies the message.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from plugins.wlz.model import SIGNAL_SENDER, Gebeurtenis, Provision, Signal
from plugins.wlz.ports import SignalBatch

NAMESPACE = "urn:ggk:wlz:signaal:1.0"
XSD = Path(__file__).parent / "xsd" / "wlzsignaal.xsd"
BERICHT_CODE = "951"
XSD_VERSION = "1.0.0"
EVENT_ORDER = {Gebeurtenis.START: 0, Gebeurtenis.EINDE: 1, Gebeurtenis.VERVALLEN: 2}


def _element(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
    child = etree.SubElement(parent, f"{{{NAMESPACE}}}{name}")
    if text is not None:
        child.text = text
    return child


def build_message(batch: SignalBatch) -> bytes:
    """Return the UTF-8 XML document of ``batch``, signals ordered by BSN, period and change."""
    root = etree.Element(f"{{{NAMESPACE}}}WlzSignalen", nsmap={"sig": NAMESPACE})
    _header(root, batch)
    ordered = sorted(batch.signals, key=lambda s: (s.key.bsn, s.key.ingangsdatum, EVENT_ORDER[s.key.gebeurtenis]))
    for signal in ordered:
        _signal(root, signal)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _header(root: etree._Element, batch: SignalBatch) -> None:
    header = _element(root, "Header")
    _element(header, "BerichtCode", BERICHT_CODE)
    _element(header, "Afzender", SIGNAL_SENDER)
    _element(header, "Ontvanger", batch.gemeente)
    identification = _element(header, "BerichtIdentificatie")
    _element(identification, "Identificatie", batch.identificatie)
    _element(identification, "Dagtekening", batch.dagtekening.isoformat())
    _element(_element(header, "XsdVersie"), "BerichtXsdVersie", XSD_VERSION)


def _signal(root: etree._Element, signal: Signal) -> None:
    element = _element(root, "Signaal")
    _element(element, "Gebeurtenis", signal.key.gebeurtenis.value)
    _element(element, "Bsn", signal.key.bsn)
    indication = _element(element, "Indicatie")
    _element(indication, "Soort", signal.soort.value)
    _element(indication, "Ingangsdatum", signal.key.ingangsdatum.isoformat())
    if signal.einddatum is not None:
        _element(indication, "Einddatum", signal.einddatum.isoformat())
    provisions = _element(element, "Voorzieningen")
    for provision in signal.voorzieningen:
        _provision(provisions, provision)


def _provision(parent: etree._Element, provision: Provision) -> None:
    element = _element(parent, "Voorziening")
    _element(element, "Wet", provision.wet.value)
    _element(element, "Bron", provision.bron.value)
    _element(element, "Status", provision.status.value)
    if provision.referentie:
        _element(element, "Referentie", provision.referentie)
    if provision.product_categorie:
        product = _element(element, "Product")
        _element(product, "Categorie", provision.product_categorie)
        if provision.product_code:
            _element(product, "Code", provision.product_code)
    if provision.ingangsdatum is not None:
        _element(element, "Ingangsdatum", provision.ingangsdatum.isoformat())
    if provision.einddatum is not None:
        _element(element, "Einddatum", provision.einddatum.isoformat())
