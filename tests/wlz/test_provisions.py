"""The provisions lists of the gemeenten: through the command's use case and as a WLZVOORZIENINGEN
message handed in through the normal ingest."""

from __future__ import annotations

from datetime import date

import pytest

from core import codes
from core.errors import NotAuthorised
from core.model import Channel, OrgKind
from core.principal import Principal
from plugins.wlz.errors import InvalidFile, InvalidRows
from plugins.wlz.model import ProvisionSource, ProvisionStatus
from tests.wlz.builders import bsns, invalid_bsn, provisions_csv, provisions_xml

GEMEENTE = "0363"
PEOPLE = bsns(3)
AS_GEMEENTE = Principal.organisation_software(GEMEENTE, Channel.CLI)


@pytest.fixture
def list_hub(hub):
    hub.add_partners()
    hub.add(OrgKind.GEMEENTE, GEMEENTE)
    hub.add(OrgKind.GEMEENTE, "0599")
    return hub


def rows():
    return [
        {"bsn": PEOPLE[0], "wet": "WMO", "status": "LOPEND", "ingangsdatum": "2026-01-01", "referentie": "D-1",
         "productcategorie": "01", "productcode": "01A01"},
        {"bsn": PEOPLE[1], "wet": "JW", "status": "AANGEVRAAGD"},
    ]


def test_csv_list_replaces_previous_list(list_hub, tmp_path):
    service = list_hub.services.provisions
    service.import_list(AS_GEMEENTE, GEMEENTE, provisions_csv(tmp_path / "one.csv", rows()))

    lower_case = [{**row, "wet": row["wet"].lower(), "status": row["status"].lower()} for row in rows()[1:]]
    report = service.import_list(AS_GEMEENTE, GEMEENTE, provisions_csv(tmp_path / "two.csv", lower_case))

    assert report.as_dict() == {"gemeente": GEMEENTE, "rows": 1, "replaced": 2}
    stored = list_hub.wlz_store.provisions(GEMEENTE)
    assert [(p.bsn, p.status, p.ingangsdatum) for p in stored] == [(PEOPLE[1], ProvisionStatus.AANGEVRAAGD, None)]


def test_xml_list_through_cli_use_case(list_hub, tmp_path):
    path = tmp_path / "lijst.xml"
    path.write_bytes(provisions_xml(GEMEENTE, rows()))

    report = list_hub.services.provisions.import_list(AS_GEMEENTE, GEMEENTE, path)

    assert report.rows == 2
    assert list_hub.wlz_store.provisions(GEMEENTE)[0].ingangsdatum == date(2026, 1, 1)


def test_xml_list_of_other_gemeente_is_invalid(list_hub, tmp_path):
    path = tmp_path / "lijst.xml"
    path.write_bytes(provisions_xml("0599", rows()))

    with pytest.raises(InvalidFile):
        list_hub.services.provisions.import_list(AS_GEMEENTE, GEMEENTE, path)


def test_broken_list_keeps_previous_list(list_hub, tmp_path):
    service = list_hub.services.provisions
    service.import_list(AS_GEMEENTE, GEMEENTE, provisions_csv(tmp_path / "one.csv", rows()))
    broken = rows() + [{"bsn": invalid_bsn(PEOPLE[2]), "wet": "WMO", "status": "LOPEND", "ingangsdatum": "2026-01-01"},
                       {"bsn": PEOPLE[2], "wet": "WMO", "status": "LOPEND"}]

    with pytest.raises(InvalidRows) as raised:
        service.import_list(AS_GEMEENTE, GEMEENTE, provisions_csv(tmp_path / "broken.csv", broken))

    assert [(e.row, e.field) for e in raised.value.errors] == [(3, "bsn"), (4, "ingangsdatum")]
    assert len(list_hub.wlz_store.provisions(GEMEENTE)) == 2


def test_other_gemeente_may_not_upload(list_hub, tmp_path):
    with pytest.raises(NotAuthorised):
        list_hub.services.provisions.import_list(Principal.organisation_software("0599", Channel.CLI), GEMEENTE,
                                                 provisions_csv(tmp_path / "l.csv", rows()))


def test_list_message_through_ingest_replaces_list(list_hub):
    first = list_hub.send(GEMEENTE, provisions_xml(GEMEENTE, rows(), identificatie="L1"), "lijst1.xml")
    second = list_hub.send(GEMEENTE, provisions_xml(GEMEENTE, rows()[:1], identificatie="L2"), "lijst2.xml")

    assert first.accepted, first
    assert second.accepted, second
    assert first.message_type == "WLZVOORZIENINGEN"
    assert first.recipient == "IB"
    stored = list_hub.wlz_store.provisions(GEMEENTE)
    assert [(p.bsn, p.bron, p.product_code) for p in stored] == [(PEOPLE[0], ProvisionSource.LIJST, None)]


def test_list_message_with_bad_row_is_rejected(list_hub):
    broken = rows() + [{"bsn": invalid_bsn(PEOPLE[2]), "wet": "WMO", "status": "LOPEND", "ingangsdatum": "2026-01-01"}]

    outcome = list_hub.send(GEMEENTE, provisions_xml(GEMEENTE, broken), "lijst.xml")

    assert outcome.code == codes.STUF055
    assert outcome.line is not None
    assert invalid_bsn(PEOPLE[2]) not in (outcome.detail or "")
    assert list_hub.wlz_store.provisions(GEMEENTE) == []


def test_list_message_of_other_gemeente_is_ib234(list_hub):
    outcome = list_hub.send("0599", provisions_xml(GEMEENTE, rows()), "lijst.xml")

    assert outcome.code == codes.IB234
