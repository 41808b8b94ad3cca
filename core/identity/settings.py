"""Tunable limits of login, sessions and invitations, with the defaults the hub ships with."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


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
