"""Streaming validation of large files with libxml2's reader, through ``xmllint --stream``.

lxml offers no streaming validator that reports every fault: its incremental parsers
recover silently from truncated or malformed input once a schema is attached. libxml2's
xmlTextReader validates in constant memory and reports each fault, and ``xmllint``
(Debian package libxml2-utils) is its command-line front end.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

ERROR_LINE = re.compile(r"^(?P<file>.*?):(?P<line>[0-9]+): (?P<kind>[^:]*?) ?: (?P<message>.*)$")
TIMEOUT_SECONDS = 120


class StreamingUnavailable(RuntimeError):
    """Raised when xmllint is not installed; the operator installs libxml2-utils."""


@dataclass(frozen=True)
class Failure:
    line: int | None
    message: str
    schema_error: bool


def validate(path: Path, xsd_path: Path | None) -> Failure | None:
    """Check ``path`` for well-formedness and, with ``xsd_path``, validity; return the first fault."""
    xmllint = shutil.which("xmllint")
    if xmllint is None:
        raise StreamingUnavailable("xmllint is not installed (Debian package libxml2-utils)")
    command = [xmllint, "--stream", "--noout", "--nonet"]
    if xsd_path is not None:
        command += ["--schema", str(xsd_path)]
    command.append(str(path))
    result = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS,
                            errors="replace", cwd=str(xsd_path.parent) if xsd_path else None)
    if result.returncode == 0:
        return None
    return _first_failure(result.stderr)


def _first_failure(output: str) -> Failure:
    for line in output.splitlines():
        match = ERROR_LINE.match(line)
        if match is None:
            continue
        kind = match["kind"]
        return Failure(int(match["line"]) or None, match["message"].strip(), "Schemas validity" in kind)
    return Failure(None, output.strip().splitlines()[0] if output.strip() else "xmllint failed", False)
