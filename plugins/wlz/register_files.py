"""The Wlz register files of the CIZ: a full file or a change file, as CSV or XML.

CSV (UTF-8, ';'-separated, a header line naming the columns in any order):

    full file:    besluitnummer;bsn;soort;ingangsdatum;einddatum
    change file:  mutatie;besluitnummer;bsn;soort;ingangsdatum;einddatum

XML: root ``WlzRegister`` (full) or ``WlzMutaties`` (changes) in the namespace
``urn:ggk:wlz:indicaties:1.0``, checked against ``xsd/wlzindicaties.xsd``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from plugins.wlz import fields
from plugins.wlz.errors import InvalidFile, RowCollector, RowError
from plugins.wlz.fields import FieldError
from plugins.wlz.files import Row, check_csv_columns, csv_columns, csv_rows, detect_format, validate_xml, xml_root, xml_rows
from plugins.wlz.model import Change, ChangeAction, FileKind, Indication, IndicationKind

NAMESPACE = "urn:ggk:wlz:indicaties:1.0"
XSD = Path(__file__).parent / "xsd" / "wlzindicaties.xsd"
INDICATION_COLUMNS = {"besluitnummer", "bsn", "soort", "ingangsdatum", "einddatum"}
CHANGE_COLUMNS = INDICATION_COLUMNS | {"mutatie"}
XML_ROOTS = {"WlzRegister": (FileKind.FULL, "Indicatie"), "WlzMutaties": (FileKind.CHANGES, "Mutatie")}
XML_FIELDS = {"besluitnummer": "Besluitnummer", "bsn": "Bsn", "soort": "Soort", "ingangsdatum": "Ingangsdatum",
              "einddatum": "Einddatum", "mutatie": "Actie"}


@dataclass
class RegisterFile:
    """An opened register file. Iterating ``rows`` yields valid rows (``Indication`` for a full
    file, ``Change`` for a change file) and raises InvalidRows at the end when any row failed."""

    path: Path
    kind: FileKind
    file_format: str
    rows: Iterator[Indication] | Iterator[Change]


def open_register_file(path: Path) -> RegisterFile:
    """Recognise the file's format and kind; raise InvalidFile when it is neither."""
    if detect_format(path) == "xml":
        return _open_xml(path)
    return _open_csv(path)


def _open_csv(path: Path) -> RegisterFile:
    columns = csv_columns(path)
    kind = FileKind.CHANGES if "mutatie" in columns else FileKind.FULL
    allowed = CHANGE_COLUMNS if kind == FileKind.CHANGES else INDICATION_COLUMNS
    check_csv_columns(path, columns, allowed, allowed)
    errors = RowCollector()
    return RegisterFile(path, kind, "csv", _checked(csv_rows(path, columns, errors), kind, errors))


def _open_xml(path: Path) -> RegisterFile:
    root = xml_root(path)
    if root.namespace != NAMESPACE or root.localname not in XML_ROOTS:
        raise InvalidFile(f"{path.name} is not a valid Wlz register file: its root is {{{root.namespace}}}{root.localname}, "
                          f"expected WlzRegister or WlzMutaties in {NAMESPACE}")
    kind, row_tag = XML_ROOTS[root.localname]
    validate_xml(path, XSD, row_tag)
    errors = RowCollector()
    rows = ((row, line, _csv_names(values)) for row, line, values in xml_rows(path, NAMESPACE, row_tag))
    return RegisterFile(path, kind, "xml", _checked(rows, kind, errors))


def _csv_names(values: dict[str, str | None]) -> dict[str, str | None]:
    return {name: values.get(element) for name, element in XML_FIELDS.items()}


def _checked(rows: Iterator[Row], kind: FileKind, errors: RowCollector) -> Iterator:
    parse = parse_indication if kind == FileKind.FULL else parse_change
    for row, line, values in rows:
        try:
            yield parse(row, values)
        except FieldError as error:
            errors.add(RowError(row, error.field, error.problem, line))
    errors.raise_if_any()


def parse_indication(row: int, values: dict[str, str | None]) -> Indication:
    start = fields.day("ingangsdatum", values.get("ingangsdatum"))
    end = fields.optional_day("einddatum", values.get("einddatum"))
    fields.period(start, end)
    return Indication(
        besluitnummer=_besluitnummer(values),
        bsn=fields.bsn("bsn", values.get("bsn")),
        soort=fields.code("soort", values.get("soort"), IndicationKind),
        ingangsdatum=start,
        einddatum=end,
    )


def parse_change(row: int, values: dict[str, str | None]) -> Change:
    action = _action(values.get("mutatie"))
    if action != ChangeAction.BEEINDIGEN:
        indication = parse_indication(row, values)
        return Change(row, action, indication.besluitnummer, indication.bsn, indication.soort,
                      indication.ingangsdatum, indication.einddatum)
    bsn = values.get("bsn")
    soort = values.get("soort")
    start = fields.optional_day("ingangsdatum", values.get("ingangsdatum"))
    end = fields.day("einddatum", values.get("einddatum"))
    fields.period(start, end)
    return Change(
        row, action, _besluitnummer(values),
        fields.bsn("bsn", bsn) if fields.optional(bsn) else None,
        fields.code("soort", soort, IndicationKind) if fields.optional(soort) else None,
        start, end,
    )


def _besluitnummer(values: dict[str, str | None]) -> str:
    return fields.matching("besluitnummer", values.get("besluitnummer"), fields.BESLUITNUMMER,
                           "1 to 20 letters, digits or hyphens")


def _action(text: str | None) -> ChangeAction:
    value = fields.required("mutatie", text).lower()
    try:
        return ChangeAction(value)
    except ValueError:
        allowed = ", ".join(action.value for action in ChangeAction)
        raise FieldError("mutatie", f"{fields.shown(value)} is not one of {allowed}") from None
