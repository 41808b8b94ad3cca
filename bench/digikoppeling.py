"""Digikoppeling inbound throughput against the core API, and the latency of synchronous
acknowledgements under that load.

A hub serves POST /digikoppeling/ebms with web's HubServer (cheroot, TLS with client
certificates) on 127.0.0.1. A second process plays 16 peers. Each keeps one HTTPS
connection open and sends its share of 2,000 ggk_Di01 messages, each a distinct small
WMO301 (~7 KB) in a StUF envelope. The CPA's syncReplyMode is mshSignalsOnly, so the
Acknowledgment comes in the HTTP response. The messages are built (and signed) before the
clock starts. The baseline, in the same run, hands the same WMO301 files to
IngestService.submit_many in the hub process, one file per call from 16 threads, which is
how the endpoint hands them in. Each measurement gets a fresh hub and database.

    .venv/bin/python bench/digikoppeling.py [--database-url URL] [--messages N] [--peers N] [--repeat N] [--no-record]
"""

from __future__ import annotations

import argparse
import http.client
import io
import multiprocessing
import ssl
import statistics
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import machine, record, reference_data, temporary_hub  # noqa: E402

HUB_OIN = "00000009990000000001"
GEMEENTE, GEMEENTE_OIN = "0384", "00000001003840000000"
AANBIEDER = "42420001"


def certificates(folder: Path) -> dict[str, tuple[Path, Path]]:
    from tests.cpa.certificates import TestCa

    ca = TestCa("ggk bench CA")
    (folder / "ca.pem").write_bytes(ca.certificate_pem)
    return {name: ca.issue(f"bench {name}", oin, hosts=("127.0.0.1",)).write(folder, name)
            for name, oin in (("hub", HUB_OIN), ("gemeente", GEMEENTE_OIN))}


def files(count: int) -> list[bytes]:
    template = (reference_data() / "istandaarden/iwmo/3.2/berichten/WMO301.xml").read_bytes()
    marker = b"<iwmo:Identificatie>123456789012<"
    run = uuid.uuid4().hex[:4]
    made = [template.replace(marker, f"<iwmo:Identificatie>{run}{n:08d}<".encode(), 1) for n in range(count)]
    assert len(set(made)) == count, "the template's Identificatie was not found"
    return made


def fresh_database(database_url: str | None) -> str | None:
    """Return a URL of an empty database: None (a new SQLite file) or a new PostgreSQL schema."""
    if database_url is None:
        return None
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from adapters.storage import create_engine_for

    schema = f"ggk_bench_{uuid.uuid4().hex[:8]}"
    engine = create_engine_for(database_url)
    with engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    return make_url(database_url).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(False)


def prepared_hub(database_url: str | None):
    """Return the container of a fresh hub with iWmo 3.2 installed and the two organisations."""
    from core.model import Channel, OrgKind
    from core.principal import Principal

    container = temporary_hub(fresh_database(database_url))
    operator = Principal.operator(user="bench-1")
    container.catalog().import_release(operator, reference_data() / "istandaarden/iwmo/3.2/xsd")
    container.catalog().schema_for("http://www.istandaarden.nl/iwmo/3_2/wmo301/schema")
    organisations = container.organisations()
    organisations.add(operator, OrgKind.GEMEENTE, GEMEENTE, "Gemeente", ["wmo"], [Channel.WEBSERVICE], GEMEENTE_OIN)
    organisations.add(operator, OrgKind.AANBIEDER, AANBIEDER, "Aanbieder", ["wmo"], [Channel.PORTAL])
    return container


def start_hub(database_url: str | None, folder: Path, keys: dict, profile: str):
    """Return (container, server, endpoint URL, CPA XML) of a fresh hub with the gemeente's CPA active."""
    import falcon

    from adapters.soap.config import DigikoppelingConfig
    from adapters.soap.endpoint import EBMS_PATH, EbmsResource
    from adapters.soap.wiring import build_digikoppeling
    from adapters.web.config import ListenerConfig
    from adapters.web.server import HubServer
    from core.cpa.generator import CpaRequest, PartySpec, Profile, generate_cpa
    from core.principal import Principal

    container = prepared_hub(database_url)
    operator = Principal.operator(user="bench-1")

    hub_key, hub_certificate = keys["hub"]
    config = DigikoppelingConfig(
        xsd_folder=reference_data() / "digikoppeling/xsd", stuf_xsd_folder=reference_data() / "stuf-ggk",
        hub_oins=(HUB_OIN,), certificate=hub_certificate, private_key=hub_key, tls_ca_file=folder / "ca.pem",
        endpoint_url="https://127.0.0.1/digikoppeling/ebms",
    )
    parts = build_digikoppeling(container, config)
    app = falcon.App()
    app.add_route(EBMS_PATH, EbmsResource(parts.handler, config.max_body))
    listener = ListenerConfig("digikoppeling", "127.0.0.1", 0, str(hub_certificate), str(hub_key), str(folder / "ca.pem"))
    server = HubServer(app, [listener], threads=16)
    server.start()
    url = f"https://127.0.0.1:{server.port('digikoppeling')}/digikoppeling/ebms"

    now = datetime.now(timezone.utc)
    gemeente_certificate = keys["gemeente"][1].read_text()
    request = CpaRequest(f"bench-{uuid.uuid4().hex[:8]}", PartySpec(HUB_OIN, "GGk", url, hub_certificate.read_text()),
                         PartySpec(GEMEENTE_OIN, "Gemeente", "https://127.0.0.1:9/ebms", gemeente_certificate),
                         Profile(profile), now - timedelta(hours=1), now + timedelta(days=1), "mshSignalsOnly")
    xml = generate_cpa(request)
    parts.cpas.import_cpa(operator, GEMEENTE, xml)
    parts.cpas.approve(Principal.operator(user="bench-2"), request.cpaid)
    return container, server, url, xml


def core_seconds(container, payloads: list[bytes], peers: int) -> float:
    from core.ingest import Submission
    from core.model import Channel
    from core.principal import Principal

    principal = Principal.organisation_software(GEMEENTE, Channel.WEBSERVICE)
    ingest = container.ingest()

    def hand_in(data: bytes) -> None:
        [outcome] = ingest.submit_many(principal, [Submission(io.BytesIO(data), "WMO301.xml", len(data))])
        assert outcome.accepted, outcome.detail

    started = time.perf_counter()
    with ThreadPoolExecutor(peers) as pool:
        list(pool.map(hand_in, payloads))
    return time.perf_counter() - started


def build_messages(cpa_xml: bytes, keys: dict, payloads: list[bytes], sign: bool) -> list[tuple[dict, bytes]]:
    """Wrap each file in a Di01 envelope and an ebMS message, as the gemeente's software would."""
    from adapters.soap.ebms import builders
    from adapters.soap.ebms.builders import Stamp, new_message_id
    from adapters.soap.ebms.mime import Attachment, package
    from adapters.soap.signing import sign_envelope
    from adapters.soap.stuf.builder import Bericht, build_envelope, tijdstip
    from adapters.soap.stuf.model import DI01, Parameters, StufVersion, Stuurgegevens, Systeem
    from core.cpa.generator import GGK_SERVICE
    from core.cpa.parser import CpaParser
    from core.cpa.schema import SchemaFolder

    cpa = CpaParser(SchemaFolder(reference_data() / "digikoppeling/xsd")).parse(cpa_xml)
    key, certificate = (path.read_bytes() for path in keys["gemeente"])
    messages = []
    for data in payloads:
        now = datetime.now(timezone.utc)
        envelope = build_envelope(StufVersion.GGK0210, Stuurgegevens(
            DI01, Systeem(GEMEENTE, "Benchapplicatie"), Systeem(AANBIEDER, "GGk"), str(uuid.uuid4()), tijdstip(now),
            "WMO301"), Parameters("0001", "0000", "0003", "0002"), Bericht(data))
        attachment = Attachment(f"{uuid.uuid4()}@bench", "application/xml", envelope)
        outgoing = builders.outgoing_for_cpa(cpa, GEMEENTE_OIN, GGK_SERVICE, "ggk_Di01", (attachment,),
                                             Stamp(new_message_id("bench"), now), time_to_live=timedelta(hours=1))
        soap = builders.user_message(outgoing)
        if sign:
            soap = sign_envelope(soap, (attachment,), key, certificate)
        packaged = package(soap, (attachment,))
        messages.append((packaged.headers, packaged.body))
    return messages


def peers_process(url: str, cpa_xml: bytes, keys: dict, folder: Path, payloads: list[bytes], warmup: list[bytes],
                  peers: int, sign: bool, results) -> None:
    """Send every message from ``peers`` threads, one keep-alive HTTPS connection each; report timings."""
    context = ssl.create_default_context(cafile=str(folder / "ca.pem"))
    context.load_cert_chain(str(keys["gemeente"][1]), str(keys["gemeente"][0]))
    host, port = url.split("//", 1)[1].split("/", 1)[0].split(":")
    path = "/" + url.split("//", 1)[1].split("/", 1)[1]

    def send_all(messages: list[tuple[dict, bytes]], latencies: list[float], failures: list[str]) -> None:
        connection = http.client.HTTPSConnection(host, int(port), timeout=120, context=context)
        for headers, body in messages:
            started = time.perf_counter()
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            answer = response.read()
            latencies.append(time.perf_counter() - started)
            if response.status != 200 or b"Acknowledgment" not in answer or b"ErrorList" in answer:
                failures.append(f"HTTP {response.status}: {answer[:300]!r}")
        connection.close()

    send_all(build_messages(cpa_xml, keys, warmup, sign), [], [])
    messages = build_messages(cpa_xml, keys, payloads, sign)
    shares = [messages[index::peers] for index in range(peers)]
    latencies: list[list[float]] = [[] for _ in range(peers)]
    failures: list[str] = []
    started = time.perf_counter()
    threads = [threading.Thread(target=send_all, args=(share, latencies[n], failures)) for n, share in enumerate(shares)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    results.put({"elapsed": elapsed, "latencies": sorted(value for part in latencies for value in part),
                 "failures": failures[:3], "failed": len(failures)})


def endpoint_run(database_url, folder, keys, profile, payloads, peers) -> dict:
    container, server, url, cpa_xml = start_hub(database_url, folder, keys, profile)
    try:
        results = multiprocessing.get_context("spawn").Queue()
        warmup = files(peers)
        process = multiprocessing.get_context("spawn").Process(
            target=peers_process, args=(url, cpa_xml, keys, folder, payloads, warmup, peers, profile.endswith("-s"),
                                        results))
        process.start()
        outcome = results.get(timeout=3600)
        process.join()
    finally:
        server.stop()
    assert outcome["failed"] == 0, outcome["failures"]
    return outcome


def measure(options, folder: Path, keys: dict) -> dict:
    runs: dict[str, list] = {"core": [], "osb-rm": [], "osb-rm-s": [], "p99": {"osb-rm": [], "osb-rm-s": []},
                             "p50": {"osb-rm": [], "osb-rm-s": []}}
    for _ in range(options.repeat):
        runs["core"].append(core_seconds(prepared_hub(options.database_url), files(options.messages), options.peers))
        for profile in ("osb-rm", "osb-rm-s"):
            outcome = endpoint_run(options.database_url, folder, keys, profile, files(options.messages), options.peers)
            runs[profile].append(outcome["elapsed"])
            latencies = outcome["latencies"]
            runs["p99"][profile].append(latencies[int(len(latencies) * 0.99) - 1])
            runs["p50"][profile].append(statistics.median(latencies))
    return runs


def report(runs: dict, options) -> None:
    core = statistics.median(runs["core"])
    backend = "PostgreSQL" if options.database_url else "SQLite (file, WAL, synchronous=FULL)"
    count = options.messages
    lines = [
        f"Command: `.venv/bin/python bench/digikoppeling.py{' --database-url ...' if options.database_url else ''} "
        f"--messages {count} --peers {options.peers} --repeat {options.repeat} 2>/dev/null`",
        f"Machine: {machine()}; storage: {backend}. Peers and hub share the machine; the hub runs 16 server threads.",
        "",
        f"| {count} WMO301 files, {options.peers} concurrent senders | time (median of {options.repeat}) | messages/s "
        "| ratio to core | sync Acknowledgment p50 | p99 | target |",
        "|---|---|---|---|---|---|---|",
        f"| core API: IngestService.submit_many, one file per call | {core:.2f} s | {count / core:.0f} | 1.00x | - | - | - |",
    ]
    for profile, label in (("osb-rm", "ebMS2 over HTTPS, osb-rm (unsigned)"),
                           ("osb-rm-s", "ebMS2 over HTTPS, osb-rm-s (signed, signed receipts)")):
        seconds = statistics.median(runs[profile])
        p50 = statistics.median(runs["p50"][profile]) * 1000
        p99 = statistics.median(runs["p99"][profile]) * 1000
        target = "at most 2x" if profile == "osb-rm" else "recorded"
        lines.append(f"| {label} | {seconds:.2f} s | {count / seconds:.0f} | {seconds / core:.2f}x | {p50:.0f} ms "
                     f"| {p99:.0f} ms | {target} |")
    lines += ["", "Each run's figures: " + "; ".join(
        f"{name} {', '.join(f'{value:.2f}' for value in runs[name])} s" for name in ("core", "osb-rm", "osb-rm-s"))]
    text = "\n".join(lines)
    print(text)
    if not options.no_record:
        record("Digikoppeling inbound" + (" (PostgreSQL)" if options.database_url else ""), text)


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--database-url", help="run against this database instead of a new SQLite file")
    arguments.add_argument("--messages", type=int, default=2000, help="messages per measurement")
    arguments.add_argument("--peers", type=int, default=16, help="concurrent senders")
    arguments.add_argument("--repeat", type=int, default=3, help="runs per measurement; the median is reported")
    arguments.add_argument("--no-record", action="store_true", help="do not update docs/benchmarks.md")
    options = arguments.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="ggk-bench-dk-"))
    keys = certificates(folder)
    report(measure(options, folder, keys), options)


if __name__ == "__main__":
    main()
