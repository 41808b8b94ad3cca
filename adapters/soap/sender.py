"""Sending an ebMS message over HTTP(S) and reading the synchronous answer, if any.

Over HTTPS the hub shows its own certificate (two-way TLS), verifies the server's
certificate against ``tls_ca_file`` (or the system's CAs) and its host name, and
negotiates TLS 1.2 or newer. ``timeout`` bounds the connect and every read on the
socket, so a server that accepts the connection and never answers costs one timeout.
An ``http://`` endpoint is sent to in plain text: the CPA decides, and the hub activates
no CPA whose endpoints lack TLS.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

MAX_REPLY = 1024 * 1024  # a synchronous reply carries signals only, never a large payload


@dataclass(frozen=True)
class SendResult:
    """The server's answer, or ``error`` when the transport failed (refused, timed out, TLS)."""

    status: int | None = None
    content_type: str | None = None
    body: bytes = field(default=b"", repr=False)
    error: str | None = None

    @property
    def delivered(self) -> bool:
        return self.error is None and self.status is not None and 200 <= self.status < 300


class EbmsSender:
    def __init__(self, timeout: float, certificate: Path | None = None, private_key: Path | None = None,
                 ca_file: Path | None = None):
        self._timeout = timeout
        self._certificate = certificate
        self._private_key = private_key
        self._ca_file = ca_file
        self._context: ssl.SSLContext | None = None
        self._lock = threading.Lock()

    def post(self, url: str, headers: dict[str, str], body: bytes) -> SendResult:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return SendResult(error=f"endpoint {url!r} is not an http or https URL")
        path = parts.path or "/"
        if parts.query:
            path += f"?{parts.query}"
        try:
            connection = self._connection(parts.scheme, parts.hostname, parts.port)
        except (OSError, ssl.SSLError) as error:
            return SendResult(error=f"TLS settings of the hub cannot be loaded: {error}")
        try:
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read(MAX_REPLY + 1)
        except (socket.timeout, TimeoutError):
            return SendResult(error=f"no answer from {url} within {self._timeout} seconds")
        except (OSError, ssl.SSLError, http.client.HTTPException) as error:
            return SendResult(error=f"sending to {url} failed: {type(error).__name__}: {error}")
        finally:
            connection.close()
        if len(data) > MAX_REPLY:
            return SendResult(response.status, error=f"the reply of {url} is larger than {MAX_REPLY} bytes")
        return SendResult(response.status, response.getheader("Content-Type"), data)

    def _connection(self, scheme: str, host: str, port: int | None) -> http.client.HTTPConnection:
        if scheme == "http":
            return http.client.HTTPConnection(host, port, timeout=self._timeout)
        return http.client.HTTPSConnection(host, port, timeout=self._timeout, context=self._tls())

    def _tls(self) -> ssl.SSLContext:
        with self._lock:
            if self._context is None:
                context = ssl.create_default_context(cafile=str(self._ca_file) if self._ca_file else None)
                context.minimum_version = ssl.TLSVersion.TLSv1_2
                if self._certificate and self._private_key:
                    context.load_cert_chain(str(self._certificate), str(self._private_key))
                self._context = context
            return self._context
