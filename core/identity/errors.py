"""Errors of the identity use cases, below ``core.errors.GgkError``.

    GgkError
    ├── NotAuthenticated     no valid login or session (GGK401)
    │   ├── LoginFailed      wrong username, password or code; the same for an unknown username
    │   └── SessionExpired   unknown, ended or timed-out session or login step
    ├── LoginLocked          too many failed attempts; ``retry_after`` in seconds (GGK429)
    └── InvitationInvalid    unknown, used or expired invitation link (GGK410)
"""

from __future__ import annotations

from core.errors import GgkError


class NotAuthenticated(GgkError):
    code = "GGK401"


class LoginFailed(NotAuthenticated):
    def __init__(self) -> None:
        super().__init__("login failed: the username, password or code is not valid")


class SessionExpired(NotAuthenticated):
    def __init__(self, detail: str = "the session has ended or timed out: log in again") -> None:
        super().__init__(detail)


class LoginLocked(GgkError):
    code = "GGK429"

    def __init__(self, retry_after: int):
        super().__init__(f"too many failed logins: try again in {retry_after} seconds",
                         params={"retry_after": retry_after})
        self.retry_after = retry_after


class InvitationInvalid(GgkError):
    code = "GGK410"

    def __init__(self) -> None:
        super().__init__("the invitation link is not valid, was used already or has expired: ask for a new one")
