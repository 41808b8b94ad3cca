"""Helpers shared by the benchmarks: a hub on a temporary data folder, machine facts, records."""

from __future__ import annotations

import atexit
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def reference_data() -> Path:
    path = Path(os.environ.get("GGK_REFERENCE_DATA", ROOT.parent / "shared" / "data"))
    if not (path / "istandaarden").is_dir():
        sys.exit(f"reference data not found at {path}; set GGK_REFERENCE_DATA")
    return path


def temporary_hub(database_url: str | None = None, disabled_plugins: list[str] | None = None, **ingest):
    """Return a container for a fresh hub in a temporary folder (SQLite unless ``database_url``)."""
    from adapters.storage import create_engine_for, migrate
    from config.container import build_container
    from config.settings import load_settings

    data_dir = Path(tempfile.mkdtemp(prefix="ggk-bench-"))
    flags = {("ingest", key): value for key, value in ingest.items()}
    if disabled_plugins:
        flags[("plugins", "disabled")] = disabled_plugins
    if database_url:
        flags[("database", "url")] = fresh_schema(database_url) if database_url.startswith("postgresql") else database_url
    settings = load_settings(data_dir, flags=flags, environ={})
    from adapters.cli.runtime import configure_logging

    configure_logging(settings, quiet=False)  # info events on stderr, as 'ggk serve' logs
    for key in ("payloads", "cache"):
        settings.path(key).mkdir(parents=True, exist_ok=True)
    migrate(create_engine_for(settings.database_url))
    return build_container(settings)


def fresh_schema(url: str) -> str:
    """Create a new empty PostgreSQL schema and return ``url`` with its search_path set to it."""
    import secrets

    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from adapters.storage import create_engine_for

    schema = f"ggk_bench_{secrets.token_hex(4)}"
    engine = create_engine_for(url)
    with engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    atexit.register(_drop_schema, url, schema)
    return make_url(url).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)


def _drop_schema(url: str, schema: str) -> None:
    from sqlalchemy import text

    from adapters.storage import create_engine_for
    from adapters.storage.engine import dispose_idle_connections

    dispose_idle_connections()  # the benchmark's own engines hold connections into the schema
    engine = create_engine_for(url)
    with engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{cpu}, {os.cpu_count()} cores{memory}, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def lxml_version() -> str:
    from lxml import etree

    return ".".join(map(str, etree.LXML_VERSION)) + " / libxml2 " + ".".join(map(str, etree.LIBXML_VERSION))


def xmllint_version() -> str:
    try:
        result = subprocess.run(["xmllint", "--version"], capture_output=True, text=True)
        return result.stderr.splitlines()[0] if result.stderr else "unknown"
    except FileNotFoundError:
        return "not installed"


def record(section: str, text: str) -> None:
    """Replace the section ``## {section}`` of docs/benchmarks.md with ``text``."""
    path = ROOT / "docs" / "benchmarks.md"
    content = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    marker = f"## {section}\n"
    start = content.find(marker)
    block = marker + "\n" + text.rstrip() + "\n\n"
    if start < 0:
        content = content.rstrip() + "\n\n" + block
    else:
        end = content.find("\n## ", start + len(marker))
        content = content[:start] + block + (content[end + 1:] if end >= 0 else "")
    path.write_text(content.rstrip() + "\n", encoding="utf-8")
