"""Errors of the Wlz service, each with a stable code (listed in docs/wlz.md).

    core.errors.InvalidRequest (GGK400)
    ├── InvalidBsn            WLZ001  a BSN is not nine digits passing the elfproef
    ├── InvalidPeildatum      WLZ002  a peildatum is not a date YYYY-MM-DD
    ├── BatchSizeInvalid      WLZ003  no BSN, or more than the batch limit
    ├── InvalidRows           WLZ004  rows of a register or provisions file are invalid
    ├── InvalidFile           WLZ005  a file is not in one of the documented formats
    └── InvalidWusRequest     WLZ006  a WUS request breaks the SOAP or WS-Addressing contract
    core.errors.GgkError
    └── SignalSenderMissing   WLZ007  the chain partner IB is not registered for wlz

Messages name positions and row numbers, never a BSN.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.errors import GgkError, InvalidRequest

MAX_REPORTED_ROWS = 100


class InvalidBsn(InvalidRequest):
    code = "WLZ001"


class InvalidPeildatum(InvalidRequest):
    code = "WLZ002"


class BatchSizeInvalid(InvalidRequest):
    code = "WLZ003"


@dataclass(frozen=True)
class RowError:
    row: int  # 1-based data row (a CSV's header line is not counted); the n-th element in XML
    field: str
    problem: str
    line: int | None = None  # line in the file, when known

    def as_dict(self) -> dict:
        return {"row": self.row, "line": self.line, "field": self.field, "problem": self.problem}

    def __str__(self) -> str:
        where = f"row {self.row}" + (f" (line {self.line})" if self.line else "")
        return f"{where}: {self.field}: {self.problem}"


class InvalidRows(InvalidRequest):
    """Raised with every row error found (at most ``MAX_REPORTED_ROWS``); nothing was imported."""

    code = "WLZ004"

    def __init__(self, errors: list[RowError], truncated: bool = False):
        listed = "; ".join(str(error) for error in errors[:5])
        more = f" and {len(errors) - 5} more" if len(errors) > 5 else ""
        more += " (the check stopped there)" if truncated else ""
        super().__init__(f"{len(errors)} invalid row(s), nothing was imported: {listed}{more}",
                         params={"errors": [error.as_dict() for error in errors], "truncated": truncated})
        self.errors = errors


class InvalidFile(InvalidRequest):
    code = "WLZ005"


class InvalidWusRequest(InvalidRequest):
    code = "WLZ006"


class SignalSenderMissing(GgkError):
    code = "WLZ007"


class RowCollector:
    """Collect row errors up to a maximum, then stop the read by raising."""

    def __init__(self, limit: int = MAX_REPORTED_ROWS):
        self.errors: list[RowError] = []
        self._limit = limit

    def add(self, error: RowError) -> None:
        self.errors.append(error)
        if len(self.errors) >= self._limit:
            raise InvalidRows(self.errors, truncated=True)

    def raise_if_any(self) -> None:
        if self.errors:
            raise InvalidRows(self.errors)
