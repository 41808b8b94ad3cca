"""Pieces the composition root uses: the TOTP sealing key file and settings from the [identity] section."""

from __future__ import annotations

import base64
import stat
import threading
from datetime import timedelta

import pytest

from adapters.storage.identity_keys import KeyFileError, load_or_create_key
from core.identity.sealing import AesGcmSecretBox
from core.identity.settings import IdentitySettings


def test_key_created_once_and_private(tmp_path):
    path = tmp_path / "keys" / "identity.key"

    first = load_or_create_key(path)
    second = load_or_create_key(path)

    assert first == second
    assert len(first) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert list(path.parent.iterdir()) == [path]


def test_concurrent_creation_agrees(tmp_path):
    path = tmp_path / "identity.key"
    keys: list[bytes] = []
    barrier = threading.Barrier(8)

    def load() -> None:
        barrier.wait()
        keys.append(load_or_create_key(path))

    threads = [threading.Thread(target=load) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(keys) == 8
    assert len(set(keys)) == 1


@pytest.mark.parametrize("content", ["not base64!", base64.b64encode(b"short").decode()])
def test_damaged_key_file_rejected(tmp_path, content):
    path = tmp_path / "identity.key"
    path.write_text(content)

    with pytest.raises(KeyFileError, match="restore it from a backup"):
        load_or_create_key(path)


def test_box_rejects_wrong_key_length():
    with pytest.raises(ValueError, match="32 bytes"):
        AesGcmSecretBox(b"too short")


def test_settings_from_section():
    settings = IdentitySettings.from_section({
        "max_failed_logins": 3, "failure_window_minutes": 10, "lockout_minutes": 30, "session_idle_minutes": 20,
        "session_absolute_minutes": 240, "invitation_minutes": 60, "portal_url": "https://ggk.example.nl",
    })

    assert settings.max_failed_logins == 3
    assert settings.failure_window == timedelta(minutes=10)
    assert settings.lockout == timedelta(minutes=30)
    assert settings.session_idle == timedelta(minutes=20)
    assert settings.session_absolute == timedelta(hours=4)
    assert settings.invitation_valid == timedelta(hours=1)
    assert settings.invitation_link("abc") == "https://ggk.example.nl/invitations/abc"


def test_settings_from_empty_section_keep_defaults():
    assert IdentitySettings.from_section({}) == IdentitySettings()
