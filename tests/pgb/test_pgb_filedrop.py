"""Pgb through the file drop: files put in uit/ reach the other party's in/, or land in afgekeurd/.

Runs on the in-memory store, SQLite and PostgreSQL (``store_env``).
"""

from __future__ import annotations

import json
import os

from core.ports import MessageQuery
from tests.pgb.messages import GEMEENTE, SVB, Toekenning, bab, retour_on, sourceline, tkb


def listing(folder) -> list[str]:
    return sorted(os.listdir(folder))


def messages_of_type(hub, code: str, message_type: str):
    query = MessageQuery(organisation=code, role="sender", message_type=message_type)
    return hub.store.list_messages(query)


def test_tkb_and_retour_travel_through_file_drop(filedrop_hub):
    hub = filedrop_hub
    drop = hub.file_drop()
    gemeente, svb = hub.folders(GEMEENTE), hub.folders(SVB)
    drop.run_once()
    heen_data = tkb()
    (gemeente.outbox / "tkb.xml").write_bytes(heen_data)

    first = drop.run_once()

    assert first.accepted == 1
    assert first.delivered == 1
    assert listing(gemeente.sent) == ["tkb.xml"]
    [heen] = messages_of_type(hub, GEMEENTE, "PGB101")
    assert listing(svb.inbox) == [f"PGB101_{heen.id}.xml"]
    assert (svb.inbox / f"PGB101_{heen.id}.xml").read_bytes() == heen_data

    retour_data = retour_on(heen_data)
    (svb.outbox / "retour.xml").write_bytes(retour_data)
    second = drop.run_once()

    assert second.accepted == 1
    [retour] = messages_of_type(hub, SVB, "PGB102")
    assert retour.heen_id == heen.id
    assert listing(gemeente.inbox) == [f"PGB102_{retour.id}.xml"]
    assert (gemeente.inbox / f"PGB102_{retour.id}.xml").read_bytes() == retour_data


def test_bab_and_retour_travel_through_file_drop(filedrop_hub):
    hub = filedrop_hub
    drop = hub.file_drop()
    gemeente, svb = hub.folders(GEMEENTE), hub.folders(SVB)
    drop.run_once()
    heen_data = bab()
    (svb.outbox / "bab.xml").write_bytes(heen_data)

    drop.run_once()
    [heen] = messages_of_type(hub, SVB, "PGB103")
    (gemeente.outbox / "babretour.xml").write_bytes(retour_on(heen_data))
    drop.run_once()

    [retour] = messages_of_type(hub, GEMEENTE, "PGB104")
    assert listing(gemeente.inbox) == [f"PGB103_{heen.id}.xml"]
    assert retour.heen_id == heen.id
    assert listing(svb.inbox) == [f"PGB104_{retour.id}.xml"]


def test_tkb_ending_before_start_lands_in_afgekeurd(filedrop_hub):
    hub = filedrop_hub
    drop = hub.file_drop()
    gemeente, svb = hub.folders(GEMEENTE), hub.folders(SVB)
    drop.run_once()
    data = tkb(Toekenning(ingangsdatum="2027-06-01", einddatum="2027-05-31"))
    (gemeente.outbox / "tkb.xml").write_bytes(data)

    result = drop.run_once()

    assert result.rejected == 1
    assert listing(gemeente.rejected) == ["tkb.xml", "tkb.xml.fout.json"]
    report = json.loads((gemeente.rejected / "tkb.xml.fout.json").read_text(encoding="utf-8"))
    assert report["code"] == "GGK601"
    assert report["line"] == sourceline(data, "Einddatum")
    assert report["message_type"] == "PGB101"
    assert listing(svb.inbox) == []


def test_bab_from_gemeente_lands_in_afgekeurd_with_ib234(filedrop_hub):
    hub = filedrop_hub
    drop = hub.file_drop()
    gemeente = hub.folders(GEMEENTE)
    drop.run_once()
    (gemeente.outbox / "bab.xml").write_bytes(bab())

    drop.run_once()

    report = json.loads((gemeente.rejected / "bab.xml.fout.json").read_text(encoding="utf-8"))
    assert report["code"] == "IB234"
    assert report["toelichting"]
