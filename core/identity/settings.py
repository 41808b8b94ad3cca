"""Tunable limits of login, sessions and invitations, with the defaults the hub ships with."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any


@dataclass(frozen=True)
class IdentitySettings:
    max_failed_logins: int = 5  # failed password or second-factor attempts within ``failure_window``
    failure_window: timedelta = timedelta(minutes=15)
    lockout: timedelta = timedelta(minutes=15)
    session_idle: timedelta = timedelta(minutes=15)
    session_absolute: timedelta = timedelta(hours=8)
    second_factor_timeout: timedelta = timedelta(minutes=10)  # from a verified password to a finished second factor
    invitation_valid: timedelta = timedelta(hours=72)
    portal_url: str = "http://127.0.0.1:8080"  # base of the invitation links
    totp_issuer: str = "GGk"
    # argon2id cost; the defaults are argon2-cffi's (RFC 9106 low-memory profile).
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65_536
    argon2_parallelism: int = 4

    def invitation_link(self, token: str) -> str:
        """Return the portal address where the invitee accepts the invitation."""
        return f"{self.portal_url.rstrip('/')}/invitations/{token}"

    @classmethod
    def from_section(cls, section: dict[str, Any]) -> "IdentitySettings":
        """Build from the ``[identity]`` settings section; a missing key keeps its default."""
        defaults = cls()
        return cls(
            max_failed_logins=int(section.get("max_failed_logins", defaults.max_failed_logins)),
            failure_window=_minutes(section, "failure_window_minutes", defaults.failure_window),
            lockout=_minutes(section, "lockout_minutes", defaults.lockout),
            session_idle=_minutes(section, "session_idle_minutes", defaults.session_idle),
            session_absolute=_minutes(section, "session_absolute_minutes", defaults.session_absolute),
            invitation_valid=_minutes(section, "invitation_minutes", defaults.invitation_valid),
            portal_url=str(section.get("portal_url", defaults.portal_url)),
        )


def _minutes(section: dict[str, Any], key: str, default: timedelta) -> timedelta:
    return timedelta(minutes=float(section[key])) if key in section else default
