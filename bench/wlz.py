"""Wlz service: registertoets against the bare database, and a daily change file with its signals.

Loads a register of 2,000,000 indications (valid elfproef BSNs) through the real full
import, then measures in the same run:

- one registertoets in the core (``RegistertoetsService.toets``: authorisation, checks,
  lookup and audit record) against the bare indexed lookup plus the audit-record insert
  in one transaction through the same driver;
- a batch of 10,000 BSNs against one bare query for the same BSNs plus one audit record;
- a change file of 50,000 rows imported, with the signals it causes produced and handed in
  through the ingest, in one run.

    .venv/bin/python bench/wlz.py [--database-url URL] [--indications N] [--no-record]
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import machine, record, temporary_hub  # noqa: E402

WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2)
KINDS = ("VV", "VG", "LG", "ZG", "GGZ", "LVG")
GEMEENTEN = [f"{number:04d}" for number in range(1, 21)]
SINGLE_REPEAT = 1000
BATCH_SIZE = 10_000
BATCH_REPEAT = 30
PEILDATUM = date(2026, 6, 1)


def bsn_stream(start: int):
    prefix = start
    while True:
        digits = f"{prefix:08d}"
        check = sum(weight * int(digit) for weight, digit in zip(WEIGHTS, digits)) % 11
        prefix += 1
        if check != 10:
            yield digits + str(check)


def take(stream, count: int) -> list[str]:
    return [next(stream) for _ in range(count)]


def write_register(path: Path, people: list[str]) -> None:
    start = date(2020, 1, 1)
    with open(path, "w", encoding="utf-8") as out:
        out.write("besluitnummer;bsn;soort;ingangsdatum;einddatum\n")
        for number, bsn in enumerate(people):
            begin = start + timedelta(days=number % 2000)
            end = (begin + timedelta(days=400)).isoformat() if number % 5 == 4 else ""
            out.write(f"B{number};{bsn};{KINDS[number % 6]};{begin.isoformat()};{end}\n")


def write_changes(path: Path, newcomers: list[str], corrected: dict[int, str]) -> None:
    """Write 20,000 additions, 20,000 ends and 10,000 corrections of register rows ``corrected``."""
    with open(path, "w", encoding="utf-8") as out:
        out.write("mutatie;besluitnummer;bsn;soort;ingangsdatum;einddatum\n")
        for number, bsn in enumerate(newcomers):
            out.write(f"toevoegen;N{number};{bsn};VV;2026-11-01;\n")
        for number in range(0, 20_000 * 5, 5):  # rows 0, 5, 10, ... are open-ended in the register
            out.write(f"beeindigen;B{number};;;;2026-12-31\n")
        for number, bsn in corrected.items():
            begin = date(2020, 1, 1) + timedelta(days=number % 2000)
            out.write(f"wijzigen;B{number};{bsn};VG;{begin.isoformat()};\n")


def write_lists(folder: Path, with_indication: list[str], newcomers: list[str]) -> dict[str, Path]:
    """Write one list per gemeente: 500 residents who have an indication, 500 who get one in the change file."""
    lists = {}
    for index, gemeente in enumerate(GEMEENTEN):
        path = folder / f"lijst-{gemeente}.csv"
        people = with_indication[index * 500:(index + 1) * 500] + newcomers[index * 500:(index + 1) * 500]
        rows = [f"{bsn};WMO;LOPEND;2026-01-01" for bsn in people]
        path.write_text("bsn;wet;status;ingangsdatum\n" + "\n".join(rows) + "\n", encoding="utf-8")
        lists[gemeente] = path
    return lists


def paired(core, floor, repeat: int) -> tuple[list[float], list[float]]:
    """Time ``core`` and ``floor`` alternately, so a change in the machine's load hits both alike."""
    core_times, floor_times = [], []
    for _ in range(repeat):
        for function, times in ((core, core_times), (floor, floor_times)):
            start = time.perf_counter()
            function()
            times.append(time.perf_counter() - start)
    return core_times, floor_times


def bare_toets(engine, bsns: list[str]):
    """Return the floor: one transaction with the indexed lookup and the audit insert, through the same driver."""
    from sqlalchemy import text

    from adapters.storage.engine import BEGIN_MODE_OPTION

    numbers = [int(bsn) for bsn in bsns]
    placeholders = ", ".join(f":b{i}" for i in range(len(numbers)))
    lookup = text("SELECT bsn, soort, ingangsdatum, einddatum FROM wlz_indicaties "
                  f"WHERE bsn IN ({placeholders}) AND ingangsdatum <= :day "
                  "AND (einddatum IS NULL OR einddatum >= :day)")
    audit = text("INSERT INTO wlz_toets_audit (at, actor, user_id, organisation, channel, bsn_count, peildatum) "
                 "VALUES (:at, 'bench', NULL, '0001', 'cli', :count, :day)")
    parameters = {f"b{i}": number for i, number in enumerate(numbers)}
    parameters["day"] = PEILDATUM
    is_sqlite = engine.dialect.name == "sqlite"

    def run():
        with engine.connect().execution_options(**{BEGIN_MODE_OPTION: "IMMEDIATE"}) as connection:
            with connection.begin():
                connection.execute(lookup, parameters).all()
                at = datetime.now(timezone.utc)
                connection.execute(audit, {"at": at.replace(tzinfo=None) if is_sqlite else at,
                                           "count": len(numbers), "day": PEILDATUM})

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="PostgreSQL URL; default: a SQLite file in a temporary folder")
    parser.add_argument("--indications", type=int, default=2_000_000)
    parser.add_argument("--no-record", action="store_true", help="do not write docs/benchmarks.md")
    arguments = parser.parse_args()

    from core.model import Channel, OrgKind
    from core.principal import Principal
    from plugins.wlz.services import WlzServices

    container = temporary_hub(arguments.database_url)
    operator = Principal.operator(Channel.CLI)
    organisations = container.organisations()
    organisations.add(operator, OrgKind.KETENPARTNER, "IB", "Inlichtingenbureau", ["wlz"], [Channel.PORTAL])
    for gemeente in GEMEENTEN:
        organisations.add(operator, OrgKind.GEMEENTE, gemeente, f"Gemeente {gemeente}", ["wlz"], [Channel.PORTAL])
    services = WlzServices.from_context(container.plugin_context())
    engine = container.engine()
    folder = Path(tempfile.mkdtemp(prefix="ggk-bench-wlz-"))

    stream = bsn_stream(10_000_000)
    people = take(stream, arguments.indications)
    newcomers = take(stream, 20_000)
    register = folder / "register.csv"
    write_register(register, people)
    started = time.perf_counter()
    services.register.import_file(operator, register)
    full_seconds = time.perf_counter() - started

    # Keep only the BSNs the measurements use: a hub process does not hold the register in memory,
    # and two million strings on the heap make every garbage collection in the timed code slower.
    single = people[123_457 % len(people)]
    batch = people[::max(1, len(people) // BATCH_SIZE)][:BATCH_SIZE]
    open_ended = [people[number] for number in range(0, 20_000 * 5, 5)]
    corrected = {number: people[number] for number in range(200_001, 200_001 + 10_000 * 5, 5)}
    del people
    gc.collect()

    gemeente = Principal.organisation_software(GEMEENTEN[0], Channel.CLI)
    toets = services.registertoets
    core_single, bare_single = paired(lambda: toets.toets(gemeente, [single], PEILDATUM),
                                      bare_toets(engine, [single]), SINGLE_REPEAT)
    core_batch, bare_batch = paired(lambda: toets.toets(gemeente, batch, PEILDATUM),
                                    bare_toets(engine, batch), BATCH_REPEAT)

    for index, path in write_lists(folder, open_ended, newcomers).items():
        services.provisions.import_list(operator, index, path)
    started = time.perf_counter()
    first_run = services.signals.run(operator)
    first_seconds = time.perf_counter() - started

    changes = folder / "changes.csv"
    write_changes(changes, newcomers, corrected)
    started = time.perf_counter()
    daily = services.register.import_file(operator, changes)
    daily_seconds = time.perf_counter() - started

    report(arguments, engine, full_seconds, core_single, bare_single, core_batch, bare_batch, first_run,
           first_seconds, daily, daily_seconds)


def report(arguments, engine, full_seconds, core_single, bare_single, core_batch, bare_batch, first_run,
           first_seconds, daily, daily_seconds) -> None:
    single_ratio = statistics.median(core_single) / statistics.median(bare_single)
    batch_ratio = statistics.median(core_batch) / statistics.median(bare_batch)
    counts = daily.record.counts
    lines = [
        f"Machine: {machine()}. Database: {engine.dialect.name}. Script: `bench/wlz.py`.",
        "",
        f"Register: {arguments.indications:,} indications loaded by a full CSV import in {full_seconds:.1f} s.",
        "",
        "| measure | core median | floor median (same run) | ratio of medians | ratio of minimums |",
        "|---|---|---|---|---|",
        f"| one registertoets, {len(core_single)} times | {statistics.median(core_single) * 1000:.2f} ms | "
        f"{statistics.median(bare_single) * 1000:.2f} ms | {single_ratio:.2f} | "
        f"{min(core_single) / min(bare_single):.2f} |",
        f"| batch of {BATCH_SIZE:,} BSNs, {len(core_batch)} times | {statistics.median(core_batch) * 1000:.1f} ms "
        f"| {statistics.median(bare_batch) * 1000:.1f} ms | {batch_ratio:.2f} | {min(core_batch) / min(bare_batch):.2f} |",
        "",
        "The floor is the indexed lookup (for the batch: one query with the 10,000 BSNs in its IN list) plus "
        "the audit-record insert, in one transaction through the same driver. The core adds the organisation and "
        "grant check, the elfproef of every BSN, the peildatum check and the answer objects. Core and floor run "
        "alternately; the machine is shared, so single runs vary.",
        "",
        f"First signal run after {len(GEMEENTEN)} lists of 1,000 residents: {first_run.signals:,} signals in "
        f"{first_run.messages} messages, {first_seconds:.1f} s.",
        "",
        f"Daily change file of {daily.record.rows:,} rows ({counts.added:,} added, {counts.ended:,} ended, "
        f"{counts.changed:,} changed, {counts.unchanged:,} unchanged) imported with its signal run in "
        f"{daily_seconds:.1f} s: "
        f"{daily.signals.signals:,} signals handed in as {daily.signals.messages} WLZSIGNAAL messages.",
    ]
    text = "\n".join(lines)
    print(text)
    if not arguments.no_record:
        record(f"Wlz registertoets and signals ({engine.dialect.name})", text)


if __name__ == "__main__":
    main()
