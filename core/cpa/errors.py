"""Errors of CPA handling, with stable codes the edges show to operators.

    InvalidRequest (core.errors)
    ├── CpaInvalid        CPA001: not well-formed, has a DOCTYPE, or fails the CPPA 2.0 XSD
    ├── CpaNotForHub      CPA002: no party of the CPA carries one of the hub's OINs
    └── CpaNotActivatable CPA003: the CPA declares SHA-1 or TLS older than 1.2
"""

from __future__ import annotations

from core.errors import InvalidRequest

CPA001 = "CPA001"
CPA002 = "CPA002"
CPA003 = "CPA003"


class CpaInvalid(InvalidRequest):
    """The document is no CPA the hub can read; ``line`` points into the XML when known."""

    code = CPA001

    def __init__(self, detail: str, *, line: int | None = None, params: dict | None = None):
        super().__init__(detail, params=params)
        self.line = line


class CpaNotForHub(InvalidRequest):
    code = CPA002


class CpaNotActivatable(InvalidRequest):
    code = CPA003
