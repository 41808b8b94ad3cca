"""Reading the provisions out of the toewijzingen the hub routes (WMO301, JW301) and their
stops (WMO307, JW307), streaming and hardened, without keeping the file in memory.

A 301 names its gemeente as Afzender and the client's BSN once; each ToegewezenProduct
becomes a provision keyed by its ToewijzingNummer. A 307 goes to the gemeente (the
message's recipient) and ends the provisions its StopProducten name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import BinaryIO

from lxml import etree

from core.xmlread import hardened_options
from plugins.wlz.bsn import is_valid_bsn
from plugins.wlz.model import Provision, ProvisionEnd, ProvisionSource, ProvisionStatus, Wet

TOEWIJZING_TYPES = {"WMO301": Wet.WMO, "JW301": Wet.JW}
STOP_TYPES = {"WMO307": Wet.WMO, "JW307": Wet.JW}
PRODUCT_ELEMENTS = {"ToegewezenProduct", "StopProduct"}


@dataclass
class ClientProducts:
    """The client's BSN (None when absent or failing the elfproef) and the product elements' values."""

    bsn: str | None
    products: list[dict[str, str]]


def read_products(stream: BinaryIO) -> ClientProducts:
    """Collect Client/Bsn and the leaf values of every ToegewezenProduct or StopProduct."""
    bsn = None
    products: list[dict[str, str]] = []
    for _event, element in etree.iterparse(stream, events=("end",), **hardened_options()):
        name = etree.QName(element).localname
        parent = element.getparent()
        if name == "Bsn" and parent is not None and etree.QName(parent).localname == "Client":
            text = (element.text or "").strip()
            bsn = text if is_valid_bsn(text) else None
        elif name in PRODUCT_ELEMENTS:
            products.append(_leaves(element))
            element.clear(keep_tail=True)
        elif name in ("Relatie", "Contact"):
            element.clear(keep_tail=True)
    return ClientProducts(bsn, products)


def toegewezen(gemeente: str, wet: Wet, client: ClientProducts) -> list[Provision]:
    if client.bsn is None:
        return []
    return [
        Provision(
            gemeente=gemeente, bsn=client.bsn, wet=wet, bron=ProvisionSource.TOEWIJZING,
            status=ProvisionStatus.LOPEND, ingangsdatum=_date(product.get("Ingangsdatum")),
            einddatum=_date(product.get("Einddatum")), referentie=product.get("ToewijzingNummer"),
            product_categorie=product.get("Product/Categorie"), product_code=product.get("Product/Code"),
        )
        for product in client.products if product.get("ToewijzingNummer")
    ]


def stopped(gemeente: str, wet: Wet, client: ClientProducts) -> list[ProvisionEnd]:
    return [
        ProvisionEnd(gemeente, wet, product["ToewijzingNummer"], _date(product["Einddatum"]))
        for product in client.products
        if product.get("ToewijzingNummer") and _date(product.get("Einddatum")) is not None
    ]


def _leaves(element: etree._Element) -> dict[str, str]:
    values: dict[str, str] = {}
    for child in element.iter():
        if child is element or len(child) or not isinstance(child.tag, str):
            continue
        names = [etree.QName(child).localname]
        node = child.getparent()
        while node is not element:
            names.append(etree.QName(node).localname)
            node = node.getparent()
        values["/".join(reversed(names))] = (child.text or "").strip()
    return values


def _date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None
