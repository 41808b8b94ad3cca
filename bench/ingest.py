"""Ingest cost over the floor, and memory while a large file is ingested.

Hands in 1,000 distinct valid WMO301 files (made from the real example by changing its
Identificatie) and one WMO323 just under the size limit, in-process, with the schemas
compiled once and interpreter start-up excluded. The baseline, measured in the same run,
is lxml parsing and XSD-validating the same bytes. Memory is measured in a child process:
peak RSS growth while the large file is ingested, against the file's size.

    .venv/bin/python bench/ingest.py [--database-url URL] [--repeat N] [--no-record]
"""

from __future__ import annotations

import argparse
import io
import json
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import lxml_version, machine, record, reference_data, temporary_hub, xmllint_version  # noqa: E402

SMALL_COUNT = 1000
BATCH = 100
SIZE_LIMIT = 26_214_400


def small_files(template: bytes, count: int) -> list[bytes]:
    files = []
    for number in range(count):
        identificatie = f"B{number:011d}".encode()
        files.append(template.replace(b"<iwmo:Identificatie>123456789012<", b"<iwmo:Identificatie>" + identificatie + b"<", 1))
    assert len(set(files)) == count, "the template's Identificatie was not found"
    return files


def large_file(template: bytes, limit: int) -> bytes:
    match = re.search(rb"\s*<wmo323:Client>.*?</wmo323:Client>", template, re.S)
    client = match.group(0)
    head, tail = template[:match.start()], template[match.end():]
    copies = (limit - 1024 - len(head) - len(tail)) // len(client)
    data = head + client * copies + tail
    assert len(data) < limit
    return data


def hub(database_url: str | None, disabled: tuple[str, ...] = ()):
    from core.model import Channel, OrgKind
    from core.principal import Principal

    container = temporary_hub(database_url, disabled_plugins=list(disabled))
    operator = Principal.operator()
    container.catalog().import_release(operator, reference_data() / "istandaarden/iwmo/3.2/xsd")
    organisations = container.organisations()
    organisations.add(operator, OrgKind.GEMEENTE, "0384", "Gemeente", ["wmo"], [Channel.PORTAL])
    organisations.add(operator, OrgKind.AANBIEDER, "42420001", "Aanbieder A", ["wmo"], [Channel.PORTAL])
    organisations.add(operator, OrgKind.AANBIEDER, "65656055", "Aanbieder B", ["wmo"], [Channel.PORTAL])
    for namespace in ("wmo301", "wmo323"):  # compile once, outside the timed part
        container.catalog().schema_for(f"http://www.istandaarden.nl/iwmo/3_2/{namespace}/schema")
    return container


def ingest_seconds(container, sender: str, files: list[bytes]) -> float:
    from core.ingest import Submission
    from core.model import Channel
    from core.principal import Principal

    principal = Principal.organisation_software(sender, Channel.CLI)
    ingest = container.ingest()
    started = time.perf_counter()
    for start in range(0, len(files), BATCH):
        outcomes = ingest.submit_many(principal, [Submission(io.BytesIO(data), f"f{start + i}.xml", len(data))
                                                  for i, data in enumerate(files[start:start + BATCH])])
        rejected = [o for o in outcomes if not o.accepted]
        assert not rejected, rejected[0]
    return time.perf_counter() - started


def baseline_seconds(xsd: Path, files: list[bytes]) -> float:
    from lxml import etree

    schema = etree.XMLSchema(etree.parse(str(xsd)))
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    started = time.perf_counter()
    for data in files:
        document = etree.fromstring(data, parser)
        assert schema.validate(document)
    return time.perf_counter() - started


def measure(database_url: str | None, repeat: int, small: list[bytes], large: bytes) -> dict:
    xsd_dir = reference_data() / "istandaarden/iwmo/3.2/xsd"
    runs = {"small_ggk": [], "small_core": [], "small_lxml": [], "large_ggk": [], "large_lxml": []}
    for _ in range(repeat):
        runs["small_lxml"].append(baseline_seconds(xsd_dir / "WMO301.xsd", small))
        runs["small_ggk"].append(ingest_seconds(hub(database_url), "0384", small))
        runs["small_core"].append(ingest_seconds(hub(database_url, disabled=("wlz",)), "0384", small))
        runs["large_lxml"].append(baseline_seconds(xsd_dir / "WMO323.xsd", [large]))
        runs["large_ggk"].append(ingest_seconds(hub(database_url), "65656055", [large]))
    return {name: statistics.median(values) for name, values in runs.items()}


def memory_child(path: Path, database_url: str | None) -> None:
    """Ingest one large file and print the peak RSS growth in bytes as JSON."""
    container = hub(database_url)
    Path("/proc/self/clear_refs").write_text("5")  # reset the peak RSS counter
    before = _status_kib("VmRSS")
    from core.ingest import Submission
    from core.model import Channel
    from core.principal import Principal

    with open(path, "rb") as stream:
        outcome = container.ingest().submit(Principal.organisation_software("65656055", Channel.CLI),
                                            Submission(stream, path.name, path.stat().st_size))
    peak = _status_kib("VmHWM")
    print(json.dumps({"accepted": outcome.accepted, "growth": (peak - before) * 1024}))


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def memory_growth(large: bytes, database_url: str | None) -> int:
    path = Path(temporary_path("large-wmo323.xml"))
    path.write_bytes(large)
    command = [sys.executable, __file__, "--memory-child", str(path)]
    if database_url:
        command += ["--database-url", database_url]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["accepted"], "the large file was not accepted"
    return report["growth"]


def temporary_path(name: str) -> str:
    import tempfile

    return str(Path(tempfile.mkdtemp(prefix="ggk-bench-")) / name)


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--database-url", help="run against this database instead of a new SQLite file")
    arguments.add_argument("--repeat", type=int, default=3, help="runs per measurement; the median is reported")
    arguments.add_argument("--no-record", action="store_true", help="do not update docs/benchmarks.md")
    arguments.add_argument("--memory-child", type=Path, help=argparse.SUPPRESS)
    options = arguments.parse_args()
    if options.memory_child:
        memory_child(options.memory_child, options.database_url)
        return

    data = reference_data() / "istandaarden/iwmo/3.2/berichten"
    small = small_files((data / "WMO301.xml").read_bytes(), SMALL_COUNT)
    large = large_file((data / "WMO323.xml").read_bytes(), SIZE_LIMIT)
    figures = measure(options.database_url, options.repeat, small, large)
    growth = memory_growth(large, options.database_url)
    report(figures, growth, len(large), options)


def report(figures: dict, growth: int, large_size: int, options) -> None:
    small_ratio = figures["small_ggk"] / figures["small_lxml"]
    core_ratio = figures["small_core"] / figures["small_lxml"]
    large_ratio = figures["large_ggk"] / figures["large_lxml"]
    backend = "PostgreSQL" if options.database_url else "SQLite (file, WAL, synchronous=FULL)"
    lines = [
        f"Command: `.venv/bin/python bench/ingest.py{' --database-url ...' if options.database_url else ''} --repeat {options.repeat} 2>/dev/null` "
        "(the hub logs an info event per message to stderr, as in production)",
        f"Machine: {machine()}; lxml {lxml_version()}; {xmllint_version()}; storage: {backend}.",
        "",
        "| measurement | ggk | baseline (lxml parse + validate) | ratio | target |",
        "|---|---|---|---|---|",
        f"| {SMALL_COUNT} WMO301 files (~7 KB), batches of {BATCH}, every built-in plugin | {figures['small_ggk']:.3f} s | {figures['small_lxml']:.3f} s | {small_ratio:.2f}x | at most 3x |",
        f"| the same, Wlz plugin off (no provisions recorded per Toewijzing) | {figures['small_core']:.3f} s | {figures['small_lxml']:.3f} s | {core_ratio:.2f}x | at most 3x |",
        f"| 1 WMO323 of {large_size:,} bytes | {figures['large_ggk']:.3f} s | {figures['large_lxml']:.3f} s | {large_ratio:.2f}x | at most 1.5x |",
        "",
        f"Peak RSS growth while the large file is ingested: {growth:,} bytes "
        f"({growth / large_size:.2f} of the file's size; target: at most 1.0).",
    ]
    text = "\n".join(lines)
    print(text)
    if not options.no_record:
        record("Ingest cost over the floor" + (" (PostgreSQL)" if options.database_url else ""), text)


if __name__ == "__main__":
    main()
