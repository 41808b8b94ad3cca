"""Importing the Wlz register: full and change files, CSV and XML, idempotent and all-or-nothing."""

from __future__ import annotations

from datetime import date

import pytest

from core.errors import NotAuthorised
from core.model import Channel, OrgKind
from core.principal import Principal
from plugins.wlz.errors import InvalidFile, InvalidRows
from plugins.wlz.model import FileKind, IndicationKind
from tests.wlz.builders import bsns, invalid_bsn, register_csv, register_xml
from tests.wlz.hub import OPERATOR

PEOPLE = bsns(5)


def full_rows():
    return [
        ("B1", PEOPLE[0], "VV", "2026-01-01", None),
        ("B2", PEOPLE[1], "VG", "2025-03-01", "2026-06-30"),
        ("B3", PEOPLE[2], "GGZ", "2026-02-01", None),
    ]


@pytest.mark.parametrize("writer", [register_csv, register_xml], ids=["csv", "xml"])
def test_full_file_fills_register(hub, tmp_path, writer):
    path = writer(tmp_path / "register", full_rows())

    report = hub.services.register.import_file(OPERATOR, path)

    assert report.already_imported is False
    assert report.record.kind == FileKind.FULL
    assert report.record.rows == 3
    assert report.record.counts.added == 3
    assert hub.wlz_store.register_size() == 3
    indication = hub.wlz_store.indications(PEOPLE[1])[0]
    assert indication.soort == IndicationKind.VG
    assert indication.einddatum == date(2026, 6, 30)


def test_full_file_again_changes_nothing(hub, tmp_path):
    path = register_csv(tmp_path / "register.csv", full_rows())
    first = hub.services.register.import_file(OPERATOR, path)

    second = hub.services.register.import_file(OPERATOR, path)

    assert second.already_imported is True
    assert second.record.sha256 == first.record.sha256
    assert second.record.imported_at == first.record.imported_at
    assert second.signals is None
    assert hub.wlz_store.register_size() == 3


def test_second_full_file_reports_differences(hub, tmp_path):
    hub.services.register.import_file(OPERATOR, register_csv(tmp_path / "one.csv", full_rows()))
    rows = [
        ("B1", PEOPLE[0], "VV", "2026-01-01", "2026-12-31"),  # ended
        ("B2", PEOPLE[1], "LG", "2025-03-01", "2026-06-30"),  # changed
        ("B4", PEOPLE[3], "ZG", "2026-11-01", None),  # added; B3 is removed
    ]

    report = hub.services.register.import_file(OPERATOR, register_csv(tmp_path / "two.csv", rows))

    assert report.record.counts.as_dict() == {"added": 1, "changed": 1, "ended": 1, "removed": 1, "unchanged": 0}
    assert hub.wlz_store.indications(PEOPLE[2]) == []
    assert hub.wlz_store.indications(PEOPLE[0])[0].einddatum == date(2026, 12, 31)
    assert hub.wlz_store.indications(PEOPLE[1])[0].soort == IndicationKind.LG


@pytest.mark.parametrize("writer", [register_csv, register_xml], ids=["csv", "xml"])
def test_change_file_adds_changes_and_ends(hub, tmp_path, writer):
    hub.services.register.import_file(OPERATOR, register_csv(tmp_path / "full.csv", full_rows()))
    changes = [
        ("toevoegen", "B4", PEOPLE[3], "LVG", "2026-12-01", None),
        ("wijzigen", "B3", PEOPLE[2], "GGZ", "2026-02-15", None),
        ("beeindigen", "B1", None, None, None, "2026-11-30"),
        ("toevoegen", "B2", PEOPLE[1], "VG", "2025-03-01", "2026-06-30"),  # already there, same values
        ("beeindigen", "B4", PEOPLE[3], "LVG", "2026-12-01", "2027-01-31"),  # ends the row added above
    ]

    report = hub.services.register.import_file(OPERATOR, writer(tmp_path / "changes", changes, changes=True))

    assert report.record.kind == FileKind.CHANGES
    assert report.record.counts.as_dict() == {"added": 1, "changed": 1, "ended": 2, "removed": 0, "unchanged": 1}
    assert hub.wlz_store.register_size() == 4
    assert hub.wlz_store.indications(PEOPLE[0])[0].einddatum == date(2026, 11, 30)
    assert hub.wlz_store.indications(PEOPLE[2])[0].ingangsdatum == date(2026, 2, 15)
    assert hub.wlz_store.indications(PEOPLE[3])[0].einddatum == date(2027, 1, 31)


def test_broken_rows_are_reported_and_nothing_imported(hub, tmp_path):
    hub.services.register.import_file(OPERATOR, register_csv(tmp_path / "full.csv", full_rows()))
    rows = [
        ("B1", PEOPLE[0], "VV", "2026-01-01", None),
        ("B2", invalid_bsn(PEOPLE[1]), "VG", "2025-03-01", None),
        ("B3", PEOPLE[2], "XX", "2026-02-01", None),
        ("B5", PEOPLE[4], "VV", "2026-02-30", None),
        ("B6", PEOPLE[4], "VV", "2026-02-01", "2026-01-01"),
    ]

    with pytest.raises(InvalidRows) as raised:
        hub.services.register.import_file(OPERATOR, register_csv(tmp_path / "broken.csv", rows))

    found = [(error.row, error.field) for error in raised.value.errors]
    assert found == [(2, "bsn"), (3, "soort"), (4, "ingangsdatum"), (5, "einddatum")]
    assert raised.value.code == "WLZ004"
    assert raised.value.errors[0].line == 3
    assert invalid_bsn(PEOPLE[1]) not in raised.value.detail
    assert hub.wlz_store.register_size() == 3
    assert hub.wlz_store.indications(PEOPLE[2])[0].soort == IndicationKind.GGZ


def test_repeated_besluitnummer_rolls_back_full_file(hub, tmp_path):
    rows = full_rows() + [("B2", PEOPLE[3], "VV", "2026-01-01", None)]

    with pytest.raises(InvalidRows) as raised:
        hub.services.register.import_file(OPERATOR, register_csv(tmp_path / "twice.csv", rows))

    assert [(error.row, error.field) for error in raised.value.errors] == [(4, "besluitnummer")]
    assert hub.wlz_store.register_size() == 0
    assert hub.wlz_store.find_import(_sha(tmp_path / "twice.csv")) is None


def test_change_misfits_roll_back_whole_file(hub, tmp_path):
    hub.services.register.import_file(OPERATOR, register_csv(tmp_path / "full.csv", full_rows()))
    changes = [
        ("toevoegen", "B9", PEOPLE[4], "VV", "2026-12-01", None),
        ("wijzigen", "B404", PEOPLE[3], "VV", "2026-12-01", None),
        ("toevoegen", "B1", PEOPLE[0], "LG", "2026-01-01", None),
        ("beeindigen", "B3", PEOPLE[0], None, None, "2026-12-31"),
    ]

    with pytest.raises(InvalidRows) as raised:
        hub.services.register.import_file(OPERATOR, register_csv(tmp_path / "c.csv", changes, changes=True))

    assert [(error.row, error.field) for error in raised.value.errors] == [(2, "besluitnummer"), (3, "besluitnummer"),
                                                                           (4, "bsn")]
    assert hub.wlz_store.indications(PEOPLE[4]) == []
    assert hub.wlz_store.register_size() == 3


def test_xml_schema_error_names_row(hub, tmp_path):
    rows = full_rows() + [("B4", "12345", "VV", "2026-01-01", None)]

    with pytest.raises(InvalidRows) as raised:
        hub.services.register.import_file(OPERATOR, register_xml(tmp_path / "bad.xml", rows))

    assert raised.value.errors[0].row == 4
    assert raised.value.errors[0].field == "Bsn"
    assert "12345" not in raised.value.detail
    assert hub.wlz_store.register_size() == 0


@pytest.mark.parametrize("content", [
    "naam;bsn\nx;1\n",
    '<?xml version="1.0"?><other xmlns="urn:x"/>',
    '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e "x">]><r/>',
], ids=["unknown-columns", "other-xml", "doctype"])
def test_unknown_format_is_invalid_file(hub, tmp_path, content):
    path = tmp_path / "file"
    path.write_text(content, encoding="utf-8")

    with pytest.raises(InvalidFile) as raised:
        hub.services.register.import_file(OPERATOR, path)

    assert raised.value.code == "WLZ005"


def test_ciz_may_import_but_a_gemeente_may_not(hub, tmp_path):
    hub.add_partners()
    hub.add(OrgKind.GEMEENTE, "0363")
    path = register_csv(tmp_path / "full.csv", full_rows())

    with pytest.raises(NotAuthorised):
        hub.services.register.import_file(Principal.organisation_software("0363", Channel.CLI), path)
    report = hub.services.register.import_file(Principal.organisation_software("CIZ", Channel.CLI), path)

    assert report.record.actor == "org@CIZ/cli"
    assert hub.wlz_store.register_size() == 3


def _sha(path):
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_headerless_csv_error_hides_bsns(hub, tmp_path):
    path = tmp_path / "no-header.csv"
    path.write_text(f"B1;{PEOPLE[0]};VV;2026-01-01;\n", encoding="utf-8")

    with pytest.raises(InvalidFile) as raised:
        hub.services.register.import_file(OPERATOR, path)

    assert "unknown column(s)" in raised.value.detail
    assert PEOPLE[0] not in raised.value.detail


def test_bsn_in_other_column_is_hidden(hub, tmp_path):
    path = tmp_path / "shifted.csv"
    path.write_text(f"besluitnummer;bsn;soort;ingangsdatum;einddatum\nB1;{PEOPLE[1]};{PEOPLE[0]};2026-01-01;\n",
                    encoding="utf-8")

    with pytest.raises(InvalidRows) as raised:
        hub.services.register.import_file(OPERATOR, path)

    assert [error.field for error in raised.value.errors] == ["soort"]
    assert "a number of 8 or 9 digits" in raised.value.detail
    assert PEOPLE[0] not in raised.value.detail
    assert PEOPLE[0] not in repr(raised.value.params)
