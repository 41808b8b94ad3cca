"""Errors raised by core use cases.

    GgkError                 base: carries a stable code the edges map to their protocol
    ├── Rejected             a submitted file is refused (code: StUF055, IB216, GGK004 ...)
    ├── NotAuthorised        the principal may not do this (GGK403)
    ├── NotFound             the object does not exist or is not visible (GGK404)
    ├── InvalidRequest       a use case got arguments it cannot act on (GGK400)
    └── Conflict             the object already exists (GGK409)

Codes, their meaning and the answer per channel are listed in docs/errors.md.
"""

from __future__ import annotations


class GgkError(Exception):
    """Base of all core errors; ``code`` is stable, ``detail`` is an English developer text."""

    code = "GGK500"

    def __init__(self, detail: str, *, code: str | None = None, params: dict | None = None):
        super().__init__(detail)
        self.detail = detail
        if code is not None:
            self.code = code
        self.params = dict(params or {})


class Rejected(GgkError):
    """A submitted message is refused; ``line`` and ``column`` point into the file when known."""

    def __init__(
        self,
        code: str,
        detail: str,
        *,
        line: int | None = None,
        column: int | None = None,
        params: dict | None = None,
    ):
        super().__init__(detail, code=code, params=params)
        self.line = line
        self.column = column


class NotAuthorised(GgkError):
    code = "GGK403"


class NotFound(GgkError):
    code = "GGK404"


class InvalidRequest(GgkError):
    code = "GGK400"


class Conflict(GgkError):
    code = "GGK409"
