"""The list of residents with a running or requested Wmo or Jeugd provision a gemeente uploads.

CSV (UTF-8, ';'-separated, a header line naming the columns in any order; bsn, wet and
status are required columns, the others optional):

    bsn;wet;status;ingangsdatum;einddatum;referentie;productcategorie;productcode

XML: the message WLZVOORZIENINGEN, root ``Voorzieningen`` in ``urn:ggk:wlz:voorzieningen:1.0``,
checked against ``xsd/wlzvoorzieningen.xsd``. A list always replaces the gemeente's previous list.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from plugins.wlz import fields
from plugins.wlz.errors import InvalidFile, RowCollector, RowError
from plugins.wlz.fields import FieldError
from plugins.wlz.files import (
    Row, check_csv_columns, csv_columns, csv_rows, detect_format, validate_xml, xml_header_value, xml_root, xml_rows,
)
from plugins.wlz.model import Provision, ProvisionSource, ProvisionStatus, Wet

NAMESPACE = "urn:ggk:wlz:voorzieningen:1.0"
XSD = Path(__file__).parent / "xsd" / "wlzvoorzieningen.xsd"
ROOT = "Voorzieningen"
ROW_TAG = "Voorziening"
REQUIRED_COLUMNS = {"bsn", "wet", "status"}
COLUMNS = REQUIRED_COLUMNS | {"ingangsdatum", "einddatum", "referentie", "productcategorie", "productcode"}
XML_FIELDS = {"bsn": "Bsn", "wet": "Wet", "status": "Status", "ingangsdatum": "Ingangsdatum",
              "einddatum": "Einddatum", "referentie": "Referentie", "productcategorie": "Product/Categorie",
              "productcode": "Product/Code"}


def read_provision_file(path: Path, gemeente: str) -> Iterator[Provision]:
    """Check the file's format and yield its provisions; raise InvalidRows at the end when any row failed.

    An XML list must name ``gemeente`` as its Afzender.
    """
    errors = RowCollector()
    if detect_format(path) == "csv":
        columns = csv_columns(path)
        check_csv_columns(path, columns, REQUIRED_COLUMNS, COLUMNS)
        return checked(csv_rows(path, columns, errors), gemeente, errors)
    root = xml_root(path)
    if root.namespace != NAMESPACE or root.localname != ROOT:
        raise InvalidFile(f"{path.name} is not a valid provisions list: its root is {{{root.namespace}}}{root.localname}, "
                          f"expected {ROOT} in {NAMESPACE}")
    validate_xml(path, XSD, ROW_TAG)
    afzender = xml_header_value(path, NAMESPACE, "Afzender")
    if afzender != gemeente:
        raise InvalidFile(f"{path.name} is the list of gemeente {afzender}, not of {gemeente}",
                          params={"afzender": afzender, "gemeente": gemeente})
    return checked(xml_provision_rows(path), gemeente, errors)


def xml_provision_rows(source: "Path | BinaryIO") -> Iterator[Row]:
    for row, line, values in xml_rows(source, NAMESPACE, ROW_TAG):
        yield row, line, {name: values.get(element) for name, element in XML_FIELDS.items()}


def checked(rows: Iterator[Row], gemeente: str, errors: RowCollector) -> Iterator[Provision]:
    for row, line, values in rows:
        try:
            yield parse_provision(gemeente, values)
        except FieldError as error:
            errors.add(RowError(row, error.field, error.problem, line))
    errors.raise_if_any()


def parse_provision(gemeente: str, values: dict[str, str | None]) -> Provision:
    status = fields.code("status", values.get("status"), ProvisionStatus)
    if status == ProvisionStatus.LOPEND:
        start = fields.day("ingangsdatum", values.get("ingangsdatum"))
    else:
        start = fields.optional_day("ingangsdatum", values.get("ingangsdatum"))
    end = fields.optional_day("einddatum", values.get("einddatum"))
    fields.period(start, end)
    category = fields.optional_matching("productcategorie", values.get("productcategorie"), fields.PRODUCT_CATEGORIE,
                                        "two letters or digits")
    product = fields.optional_matching("productcode", values.get("productcode"), fields.PRODUCT_CODE,
                                       "five letters or digits")
    if product is not None and category is None:
        raise FieldError("productcategorie", "is missing while a productcode is given")
    return Provision(
        gemeente=gemeente,
        bsn=fields.bsn("bsn", values.get("bsn")),
        wet=fields.code("wet", values.get("wet"), Wet),
        bron=ProvisionSource.LIJST,
        status=status,
        ingangsdatum=start,
        einddatum=end,
        referentie=fields.optional_matching("referentie", values.get("referentie"), fields.REFERENTIE,
                                            "1 to 40 printable characters"),
        product_categorie=category,
        product_code=product,
    )
