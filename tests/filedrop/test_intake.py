"""Intake: files put in uit/ are handed in and moved to verzonden/ or afgekeurd/."""

from __future__ import annotations

import json
import os
import time
from datetime import datetime

import pytest

from adapters.filedrop.files import open_locked
from adapters.filedrop.layout import new_claim_name, source_ref
from core.ingest import Submission
from core.model import Channel, State
from core.principal import Principal
from tests.filedrop.messages import AANBIEDER, GEMEENTE, jw301, jw302_answering, schema_invalid_jw301
from tests.filedrop.stack import accepted, organisation


def listing(folder) -> list[str]:
    return sorted(os.listdir(folder))


def test_jw301_and_retour_travel_both_ways(stack):
    drop = stack.file_drop()
    gemeente, aanbieder = stack.folders(GEMEENTE), stack.folders(AANBIEDER)
    drop.run_once()
    heen = jw301()
    (gemeente.outbox / "toewijzing.xml").write_bytes(heen)

    first = drop.run_once()

    assert first.claimed == 1
    assert first.accepted == 1
    assert first.delivered == 1
    assert listing(gemeente.outbox) == []
    assert listing(gemeente.claimed) == []
    assert listing(gemeente.sent) == ["toewijzing.xml"]
    [heen_message] = stack.filedrop_messages()
    assert heen_message.message_type == "JW301"
    assert heen_message.filename == "toewijzing.xml"
    assert listing(aanbieder.inbox) == [f"JW301_{heen_message.id}.xml"]
    assert (aanbieder.inbox / f"JW301_{heen_message.id}.xml").read_bytes() == heen

    retour = jw302_answering(heen)
    (aanbieder.outbox / "retour.xml").write_bytes(retour)
    second = drop.run_once()

    assert second.accepted == 1
    assert second.delivered == 1
    assert listing(aanbieder.sent) == ["retour.xml"]
    retour_message = next(m for m in stack.filedrop_messages() if m.message_type == "JW302")
    assert retour_message.heen_id == heen_message.id
    assert retour_message.recipient == GEMEENTE
    assert listing(gemeente.inbox) == [f"JW302_{retour_message.id}.xml"]
    assert (gemeente.inbox / f"JW302_{retour_message.id}.xml").read_bytes() == retour


def test_delivery_recorded_as_pushed(stack):
    drop = stack.file_drop()
    drop.run_once()
    (stack.folders(GEMEENTE).outbox / "toewijzing.xml").write_bytes(jw301())

    drop.run_once()

    [message] = stack.filedrop_messages()
    pushed = [e for e in stack.store.events(message.id) if e.state == State.PUSHED]
    assert len(pushed) == 1
    assert pushed[0].detail == f"file drop in/JW301_{message.id}.xml"
    assert stack.store.pending_deliveries(AANBIEDER) == []


def test_schema_invalid_file_rejected_with_report(stack):
    drop = stack.file_drop()
    gemeente = stack.folders(GEMEENTE)
    drop.run_once()
    data, line = schema_invalid_jw301()
    (gemeente.outbox / "fout.xml").write_bytes(data)

    result = drop.run_once()

    assert result.rejected == 1
    assert listing(gemeente.rejected) == ["fout.xml", "fout.xml.fout.json"]
    assert (gemeente.rejected / "fout.xml").read_bytes() == data
    report = json.loads((gemeente.rejected / "fout.xml.fout.json").read_text(encoding="utf-8"))
    assert report["code"] == "StUF055"
    assert report["line"] == line
    assert isinstance(report["column"], int)
    assert report["file"] == "fout.xml"
    assert "Geslacht" in report["detail"]
    [message] = stack.filedrop_messages()
    assert report["message_id"] == message.id
    assert message.status == State.REJECTED
    assert datetime.fromisoformat(report["received_at"]) == message.received_at
    assert "toelichting" not in report
    assert listing(stack.folders(AANBIEDER).inbox) == []


def test_report_carries_explanation(stack):
    calls = []

    def explain(code, params):
        calls.append((code, params))
        return f"Uitleg bij {code}"

    drop = stack.file_drop(explain=explain)
    gemeente = stack.folders(GEMEENTE)
    drop.run_once()
    (gemeente.outbox / "fout.xml").write_bytes(schema_invalid_jw301()[0])

    drop.run_once()

    report = json.loads((gemeente.rejected / "fout.xml.fout.json").read_text(encoding="utf-8"))
    assert report["toelichting"] == "Uitleg bij StUF055"
    assert calls[0][0] == "StUF055"
    assert "xsd_error" in calls[0][1]


def test_report_explained_by_catalog(stack):
    catalog = pytest.importorskip("adapters.i18n.catalog")
    drop = stack.file_drop(explain=lambda code, params: catalog.explain_code(code, params, "nl"))
    gemeente = stack.folders(GEMEENTE)
    drop.run_once()
    (gemeente.outbox / "fout.xml").write_bytes(schema_invalid_jw301()[0])

    drop.run_once()

    report = json.loads((gemeente.rejected / "fout.xml.fout.json").read_text(encoding="utf-8"))
    assert report["toelichting"] == catalog.explain_code("StUF055", {}, "nl")


def test_duplicate_rejected_as_ib216(stack):
    drop = stack.file_drop()
    gemeente = stack.folders(GEMEENTE)
    drop.run_once()
    (gemeente.outbox / "eerste.xml").write_bytes(jw301())
    drop.run_once()
    (gemeente.outbox / "tweede.xml").write_bytes(jw301())

    result = drop.run_once()

    assert result.rejected == 1
    report = json.loads((gemeente.rejected / "tweede.xml.fout.json").read_text(encoding="utf-8"))
    assert report["code"] == "IB216"
    assert len(listing(stack.folders(AANBIEDER).inbox)) == 1


def test_name_clash_gets_number(stack):
    drop = stack.file_drop()
    gemeente = stack.folders(GEMEENTE)
    drop.run_once()

    for number in range(3):
        (gemeente.outbox / "bericht.xml").write_bytes(jw301(f"ID{number}"))
        drop.run_once()
    for _ in range(2):
        (gemeente.outbox / "fout.xml").write_bytes(schema_invalid_jw301()[0])
        drop.run_once()

    assert listing(gemeente.sent) == ["bericht-1.xml", "bericht-2.xml", "bericht.xml"]
    assert listing(gemeente.rejected) == ["fout-1.xml", "fout-1.xml.fout.json", "fout.xml", "fout.xml.fout.json"]
    identifications = {m.identificatie for m in accepted(stack.filedrop_messages())}
    assert identifications == {"ID0", "ID1", "ID2"}


def test_growing_file_not_claimed(stack):
    drop = stack.file_drop(settle_seconds=0.5)
    gemeente = stack.folders(GEMEENTE)
    drop.run_once()
    data = jw301()
    path = gemeente.outbox / "groeit.xml"

    with open(path, "wb") as writer:
        writer.write(data[:1000])
        writer.flush()
        while_writing = drop.run_once()
        writer.write(data[1000:])
    just_finished = drop.run_once()
    time.sleep(0.6)
    settled = drop.run_once()

    assert while_writing.waiting == 1
    assert while_writing.claimed == 0
    assert just_finished.claimed == 0
    assert settled.claimed == 1
    assert settled.accepted == 1
    assert (gemeente.sent / "groeit.xml").read_bytes() == data


def test_old_file_claimed_at_once(stack):
    drop = stack.file_drop(settle_seconds=30)
    gemeente = stack.folders(GEMEENTE)
    drop.run_once()
    path = gemeente.outbox / "bericht.xml"
    path.write_bytes(jw301())
    old = time.time() - 60
    os.utime(path, (old, old))

    result = drop.run_once()

    assert result.claimed == 1
    assert listing(gemeente.sent) == ["bericht.xml"]


def test_observed_change_restarts_wait(stack):
    drop = stack.file_drop(settle_seconds=0.5)
    gemeente = stack.folders(GEMEENTE)
    drop.run_once()
    path = gemeente.outbox / "bericht.xml"
    path.write_bytes(jw301()[:500])
    first = drop.run_once()

    path.write_bytes(jw301())
    old = time.time() - 60
    os.utime(path, (old, old))  # the writer keeps an old mtime, but the size changed
    second = drop.run_once()
    time.sleep(0.6)
    third = drop.run_once()

    assert first.waiting == 1
    assert second.waiting == 1
    assert second.claimed == 0
    assert third.claimed == 1
    assert third.accepted == 1


def test_long_name_shortened_keeping_extension(stack):
    drop = stack.file_drop()
    gemeente = stack.folders(GEMEENTE)
    drop.run_once()
    name = "t" * 250 + ".xml"
    (gemeente.outbox / name).write_bytes(jw301())

    result = drop.run_once()

    [sent] = listing(gemeente.sent)
    assert result.accepted == 1
    assert sent.endswith(".xml")
    assert name.startswith(sent[:-4])
    claim_prefix = 32 + len("__")  # the token and separator of the name in .ggk/claimed/
    assert len(sent.encode()) <= 255 - claim_prefix - len(".fout.json")


def test_hidden_temporary_and_folders_ignored(stack):
    drop = stack.file_drop()
    gemeente = stack.folders(GEMEENTE)
    drop.run_once()
    names = [".verborgen.xml", "bezig.xml.part", "bezig.TMP", "~lock.xml"]
    for name in names:
        (gemeente.outbox / name).write_bytes(jw301())
    (gemeente.outbox / "map").mkdir()
    (gemeente.outbox / "map" / "bericht.xml").write_bytes(jw301())
    (gemeente.outbox / "link.xml").symlink_to(gemeente.outbox / "map" / "bericht.xml")

    result = drop.run_once()

    assert result.claimed == 0
    assert listing(gemeente.outbox) == sorted(names + ["link.xml", "map"])
    assert stack.filedrop_messages() == []


def test_unmovable_file_retried_next_pass(stack):
    drop = stack.file_drop()
    gemeente = stack.folders(GEMEENTE)
    drop.run_once()
    (gemeente.outbox / "toewijzing.xml").write_bytes(jw301())
    gemeente.sent.rmdir()
    gemeente.sent.write_bytes(b"")  # a file where the folder should be: every move into it fails

    blocked = drop.run_once()
    gemeente.sent.unlink()
    gemeente.sent.mkdir()
    retried = drop.run_once()

    assert blocked.unmovable == 1
    assert blocked.accepted == 0
    assert retried.recovered == 1
    assert retried.accepted == 1
    assert listing(gemeente.sent) == ["toewijzing.xml"]
    assert listing(gemeente.claimed) == []
    assert len(stack.filedrop_messages()) == 1
    assert len(listing(stack.folders(AANBIEDER).inbox)) == 1


def test_claimed_leftover_finished_without_second_message(stack):
    gemeente = stack.folders(GEMEENTE)
    drop = stack.file_drop()
    drop.run_once()
    claim = new_claim_name("toewijzing.xml")
    (gemeente.claimed / claim).write_bytes(jw301())
    with open(gemeente.claimed / claim, "rb") as stream:  # a crashed process had handed it in
        earlier = stack.ingest.submit(
            Principal.organisation_software(GEMEENTE, Channel.FILEDROP),
            Submission(stream, "toewijzing.xml", source_ref=source_ref(GEMEENTE, claim)),
        )

    result = drop.run_once()

    assert earlier.accepted
    assert result.recovered == 1
    assert result.accepted == 1
    assert listing(gemeente.sent) == ["toewijzing.xml"]
    assert [m.id for m in stack.filedrop_messages()] == [earlier.message_id]


def test_report_left_by_crash_reused(stack):
    gemeente = stack.folders(GEMEENTE)
    drop = stack.file_drop()
    drop.run_once()
    claim = new_claim_name("fout.xml")
    (gemeente.claimed / claim).write_bytes(schema_invalid_jw301()[0])
    with open(gemeente.claimed / claim, "rb") as stream:
        earlier = stack.ingest.submit(
            Principal.organisation_software(GEMEENTE, Channel.FILEDROP),
            Submission(stream, "fout.xml", source_ref=source_ref(GEMEENTE, claim)),
        )
    # a crashed process had written the report but not yet moved the file
    (gemeente.rejected / "fout.xml.fout.json").write_text(json.dumps({"message_id": earlier.message_id}))

    result = drop.run_once()

    assert result.rejected == 1
    assert listing(gemeente.rejected) == ["fout.xml", "fout.xml.fout.json"]
    report = json.loads((gemeente.rejected / "fout.xml.fout.json").read_text(encoding="utf-8"))
    assert report["message_id"] == earlier.message_id
    assert report["code"] == "StUF055"


def test_claimed_file_held_elsewhere_skipped(stack):
    gemeente = stack.folders(GEMEENTE)
    drop = stack.file_drop()
    drop.run_once()
    claim = new_claim_name("toewijzing.xml")
    (gemeente.claimed / claim).write_bytes(jw301())

    holder = open_locked(gemeente.claimed / claim)
    skipped = drop.run_once()
    holder.close()
    finished = drop.run_once()

    assert skipped.busy_elsewhere == 1
    assert skipped.recovered == 0
    assert finished.accepted == 1
    assert listing(gemeente.sent) == ["toewijzing.xml"]


def test_folders_only_for_filedrop_enrolments(stack):
    stack.store.add_organisation(organisation("0363", channel=Channel.PORTAL))
    stack.store.add_organisation(organisation("0518", active=False))
    drop = stack.file_drop()

    result = drop.run_once()

    assert result.organisations == 2
    assert listing(stack.root) == [GEMEENTE, AANBIEDER]
    assert listing(stack.folders(GEMEENTE).base) == [".ggk", "afgekeurd", "in", "uit", "verzonden"]
