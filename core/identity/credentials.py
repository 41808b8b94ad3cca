"""Passwords, random tokens, recovery codes and TOTP codes: creating and checking them.

Clear values never leave this module in a log line. Tokens and recovery codes carry
enough entropy (256 and about 79 bits) that one SHA-256 pass protects them at rest, while
passwords, chosen by people, get argon2id.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from core.errors import InvalidRequest
from core.identity.settings import IdentitySettings

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024  # bounds the hashing work one request can cause
USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._@-]{2,63}$")
RECOVERY_CODE_COUNT = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i look-alikes
RECOVERY_CODE_LENGTH = 16  # 16 symbols of 31: about 79 bits
TOTP_INTERVAL = 30
TOTP_DIGITS = 6
TOTP_WINDOW = 1  # also accept the code of the step before and after, for clock drift


def normalise_username(username: str) -> str:
    return username.strip().lower()


def throttle_key(username: str) -> str:
    """Return the key failed logins are counted under: the SHA-256 of the lower-case username as typed.

    Hashing keeps mistyped input, sometimes a password typed into the wrong field, out of the store.
    """
    return token_hash(normalise_username(username))


def check_username(username: str) -> str:
    """Return the lower-case username; raise InvalidRequest when it breaks the rules."""
    normalised = normalise_username(username)
    if not USERNAME_PATTERN.match(normalised):
        raise InvalidRequest(
            "invalid username: use 3 to 64 letters, digits or . _ @ -, starting with a letter or digit",
            code="GGK400", params={"field": "username"},
        )
    return normalised


def check_password(password: str, username: str | None) -> None:
    """Raise InvalidRequest unless the password has 12 to 1024 characters and differs from the username."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidRequest(f"the password is too short: use at least {MIN_PASSWORD_LENGTH} characters",
                             params={"field": "password", "rule": "min_length", "min_length": MIN_PASSWORD_LENGTH})
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidRequest(f"the password is too long: use at most {MAX_PASSWORD_LENGTH} characters",
                             params={"field": "password", "rule": "max_length", "max_length": MAX_PASSWORD_LENGTH})
    if username is not None and normalise_username(password) == normalise_username(username):
        raise InvalidRequest("the password must differ from the username",
                             params={"field": "password", "rule": "not_username"})


class Passwords:
    """Hashes and verifies passwords with argon2id at the configured cost."""

    def __init__(self, settings: IdentitySettings):
        self._hasher = PasswordHasher(
            time_cost=settings.argon2_time_cost,
            memory_cost=settings.argon2_memory_kib,
            parallelism=settings.argon2_parallelism,
        )
        self._dummy_hash: str | None = None

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        """Return whether ``password`` matches; with no hash, verify against a dummy so timing stays alike."""
        if password_hash is None:
            password_hash = self._dummy()
            password = password + "\x00"  # can never match the dummy's random secret anyway
        try:
            return self._hasher.verify(password_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        return self._hasher.check_needs_rehash(password_hash)

    def _dummy(self) -> str:
        if self._dummy_hash is None:
            self._dummy_hash = self._hasher.hash(secrets.token_urlsafe(32))
        return self._dummy_hash


def new_token() -> str:
    """Return a URL-safe random token with 256 bits of entropy."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """Return the lower-case hex SHA-256 under which a token or recovery code is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_recovery_codes() -> list[str]:
    """Return ten fresh codes, formatted in groups of four such as ``abcd-efgh-jkmn-pqrs``."""
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        symbols = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
        codes.append("-".join(symbols[i:i + 4] for i in range(0, RECOVERY_CODE_LENGTH, 4)))
    return codes


def recovery_code_hash(code: str) -> str:
    """Hash a recovery code as typed: case, spaces and dashes do not matter."""
    return token_hash(re.sub(r"[\s-]", "", code).lower())


def looks_like_totp(code: str) -> bool:
    return len(code) == TOTP_DIGITS and code.isdigit()


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_provisioning_uri(secret: str, account: str, issuer: str) -> str:
    return pyotp.TOTP(secret, digits=TOTP_DIGITS, interval=TOTP_INTERVAL).provisioning_uri(
        name=account, issuer_name=issuer)


def matching_totp_step(secret: str, code: str, now: datetime) -> int | None:
    """Return the time step whose code equals ``code``, trying the current step and one either side."""
    code = code.strip()
    if not looks_like_totp(code):
        return None
    totp = pyotp.TOTP(secret, digits=TOTP_DIGITS, interval=TOTP_INTERVAL)
    current = totp.timecode(now)
    for step in (current - TOTP_WINDOW, current, current + TOTP_WINDOW):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None
