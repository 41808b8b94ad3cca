"""Group commit: ``submit_many`` examines every file, commits the accepted ones together and
returns one outcome per file, in the order the files were handed in."""

from __future__ import annotations

import pytest
from lxml import etree

from core import codes
from core.hookspecs import hookimpl
from core.ingest import IngestSettings
from core.messagetypes import HEEN_LAYOUT, RETOUR_LAYOUT, HeaderLayout, ServiceSpec, heen, retour
from core.model import OrgKind, State
from core.plugins import PluginHost
from tests.flow import messages, reference
from tests.flow.hub import build_hub, organisation

GEMEENTE = "0384"
AANBIEDER = "42420001"
BATCH_SIZE = 50


@pytest.fixture
def toewijzing(hub):
    example = reference.example("iwmo", "3.2", "WMO301")
    hub.import_release(example.xsd_folder)
    hub.add(organisation(GEMEENTE, ("wmo",)), organisation(AANBIEDER, ("wmo",)))
    return example.read()


@pytest.fixture
def accept_calls(hub, monkeypatch) -> list[int]:
    """Record the batch size of every ``Store.accept`` call; the real method still runs."""
    sizes = []
    real_accept = hub.store.accept

    def recording_accept(batch):
        sizes.append(len(batch))
        return real_accept(batch)

    monkeypatch.setattr(hub.store, "accept", recording_accept)
    return sizes


def numbered(data: bytes, number: int) -> bytes:
    return messages.with_header(data, {"BerichtIdentificatie/Identificatie": f"BATCH{number:07d}"})


def mixed_batch(toewijzing: bytes) -> tuple[list[tuple[str, bytes]], list[str | None]]:
    """Fifty Toewijzingen, three of them refused: an invalid one, an unknown type and a repeat of the first."""
    files = [(f"toewijzing-{n:02d}.xml", numbered(toewijzing, n)) for n in range(BATCH_SIZE)]
    expected: list[str | None] = [None] * BATCH_SIZE
    files[7] = ("ongeldig.xml", messages.invalid_copy(files[7][1]).data)
    expected[7] = codes.STUF055
    files[23] = ("onbekend.xml", files[23][1].replace(b"/wmo301/schema", b"/wmo399/schema"))
    expected[23] = codes.GGK004
    files[31] = ("herhaald.xml", files[0][1])
    expected[31] = codes.IB216
    return files, expected


def test_batch_outcomes_follow_submission_order(hub, toewijzing):
    files, expected_codes = mixed_batch(toewijzing)

    outcomes = hub.send_many(GEMEENTE, files)

    assert [outcome.filename for outcome in outcomes] == [name for name, _ in files]
    assert [outcome.code for outcome in outcomes] == expected_codes
    assert len({outcome.message_id for outcome in outcomes}) == BATCH_SIZE


def test_batch_is_committed_once(hub, toewijzing, accept_calls):
    files, expected_codes = mixed_batch(toewijzing)

    hub.send_many(GEMEENTE, files)

    assert accept_calls == [BATCH_SIZE - 2]  # the duplicate is found by the commit itself
    assert len(hub.accepted_ids()) == expected_codes.count(None)


def test_repeat_within_batch_keeps_first(hub, toewijzing):
    files, _ = mixed_batch(toewijzing)

    outcomes = hub.send_many(GEMEENTE, files)

    assert outcomes[0].accepted
    assert hub.message(outcomes[31].message_id).status == State.REJECTED
    assert hub.states(outcomes[31].message_id) == [State.RECEIVED, State.REJECTED]


# A heen and its retour come from different organisations for every iStandaarden type, and
# one batch comes from one organisation, so a real pair never shares a batch. This made-up
# service has a confirmation that the heen's own sender hands in, to reach the in-batch link.
BEVESTIGING_LAYOUT = HeaderLayout(
    senders=("Afzender",),
    recipient=("Ontvanger",),
    identity=HEEN_LAYOUT.identity,
    retour_identity=RETOUR_LAYOUT.retour_identity,
)
TEST_NAMESPACE = "http://www.istandaarden.nl/itst/1_0/{}/schema"


class BevestigingPlugin:
    @hookimpl
    def ggk_services(self) -> ServiceSpec:
        return ServiceSpec("tst", "Test service", (
            heen("TST101", "tst", ("itst",), ("901",), OrgKind.GEMEENTE),
            retour("TST102", "tst", ("itst",), ("902",), OrgKind.GEMEENTE, "TST101", layout=BEVESTIGING_LAYOUT),
        ))


def made_up_file(name: str, bericht_code: str, identificatie: str, retour_identificatie: str | None = None) -> bytes:
    namespace = TEST_NAMESPACE.format(name)

    def element(tag, *children, text=None):
        node = etree.Element(f"{{{namespace}}}{tag}")
        node.text = text
        node.extend(children)
        return node

    header = element(
        "Header",
        element("BerichtCode", text=bericht_code),
        element("Afzender", text=GEMEENTE),
        element("Ontvanger", text=AANBIEDER),
        element("BerichtIdentificatie", element("Identificatie", text=identificatie),
                element("Dagtekening", text="2026-11-30")),
    )
    if retour_identificatie:
        header.append(element("IdentificatieRetour", text=retour_identificatie))
        header.append(element("DagtekeningRetour", text="2026-12-01"))
    return etree.tostring(element("Bericht", header), xml_declaration=True, encoding="UTF-8")


def test_heen_and_retour_in_one_batch_are_linked(tmp_path):
    plugins = PluginHost(extra=[("bevestiging", BevestigingPlugin())]).load()
    hub = build_hub(tmp_path, settings=IngestSettings(validation="header"), plugins=plugins)
    hub.add(organisation(GEMEENTE, ("tst",)), organisation(AANBIEDER, ("tst",)))
    files = [
        ("heen.xml", made_up_file("tst101", "901", "HEEN0001")),
        ("andere.xml", made_up_file("tst101", "901", "HEEN0002")),
        ("retour.xml", made_up_file("tst102", "902", "HEEN0001", retour_identificatie="RET0001")),
    ]

    heen_outcome, _, retour_outcome = hub.send_many(GEMEENTE, files)

    assert heen_outcome.accepted, heen_outcome.detail
    assert retour_outcome.accepted, retour_outcome.detail
    assert retour_outcome.heen_id == heen_outcome.message_id
    assert not retour_outcome.heen_unknown
    assert hub.message(heen_outcome.message_id).retour_id == retour_outcome.message_id
    assert len(hub.events_in(heen_outcome.message_id, State.RETOUR_RECEIVED)) == 1
