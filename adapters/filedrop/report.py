"""The rejection report written beside a rejected file as ``NAME.fout.json``.

    {
      "file": "toewijzing.xml",
      "message_id": "7d0c...",
      "received_at": "2026-12-01T09:00:00.001000+00:00",
      "code": "StUF055",
      "detail": "the file does not match its XSD: ...",
      "line": 12,
      "column": 5,
      "message_type": "JW301",
      "toelichting": "Het bestand voldoet niet aan de XSD van zijn release."
    }

``line``, ``column`` and ``message_type`` are null when unknown. ``toelichting`` (a Dutch
explanation for people) is present only when the file drop was given an ``explain``
function and it knows the code.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from adapters.filedrop.files import write_atomically
from core.ingest import Outcome

Explain = Callable[[str, dict], "str | None"]


def build_report(name: str, outcome: Outcome, received_at: datetime | None, explain: Explain | None) -> dict:
    report = {
        "file": name,
        "message_id": outcome.message_id,
        "received_at": received_at.isoformat() if received_at else None,
        "code": outcome.code,
        "detail": outcome.detail,
        "line": outcome.line,
        "column": outcome.column,
        "message_type": outcome.message_type,
    }
    if explain is not None and outcome.code:
        explanation = explain(outcome.code, dict(outcome.params))
        if explanation:
            report["toelichting"] = explanation
    return report


def write_report(report: dict, tmp_folder: Path, target: Path) -> None:
    """Write ``report`` as UTF-8 JSON to ``target`` through a synced temporary file."""
    content = json.dumps(report, ensure_ascii=False, indent=2).encode() + b"\n"
    write_atomically(io.BytesIO(content), tmp_folder, target)


def report_owner(path: Path) -> str | None:
    """Return the message id in an existing report, or None when it cannot be read."""
    try:
        return json.loads(path.read_text(encoding="utf-8")).get("message_id")
    except (OSError, ValueError, AttributeError):
        return None
