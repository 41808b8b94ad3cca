"""AES-256-GCM implementation of ``SecretBox``: the key comes from the composition root."""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from core.identity.ports import SecretBox

KEY_BYTES = 32
NONCE_BYTES = 12
FORMAT_VERSION = b"\x01"


class AesGcmSecretBox(SecretBox):
    """Seals as ``version byte + 12-byte random nonce + ciphertext with tag``."""

    def __init__(self, key: bytes):
        if len(key) != KEY_BYTES:
            raise ValueError(f"a secret box key has {KEY_BYTES} bytes, got {len(key)}")
        self._aead = AESGCM(key)

    def seal(self, plaintext: bytes, context: bytes) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return FORMAT_VERSION + nonce + self._aead.encrypt(nonce, plaintext, context)

    def open(self, sealed: bytes, context: bytes) -> bytes:
        if len(sealed) <= 1 + NONCE_BYTES or sealed[:1] != FORMAT_VERSION:
            raise ValueError("sealed secret has an unknown format")
        nonce, ciphertext = sealed[1:1 + NONCE_BYTES], sealed[1 + NONCE_BYTES:]
        try:
            return self._aead.decrypt(nonce, ciphertext, context)
        except InvalidTag:
            raise ValueError("sealed secret does not open with this key and context") from None
