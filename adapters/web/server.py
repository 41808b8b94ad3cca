"""Serve the WSGI app with cheroot: the portal listener, and optionally a Digikoppeling listener.

Why cheroot: each listener is its own server object with its own TLS context, so the
Digikoppeling listener can demand a client certificate (two-way TLS) while the portal
listener never asks a browser for one. cheroot's builtin TLS adapter hands the verified
peer certificate to the app in the WSGI environ (``SSL_CLIENT_CERT``, ``SSL_CLIENT_S_DN``
and the ``SSL_CLIENT_S_DN_*`` parts). With one listener, the Digikoppeling endpoints
share the portal's port; client certificates must then be checked by a TLS-terminating
proxy in front.
"""

from __future__ import annotations

import signal
import ssl
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import structlog
from cheroot import wsgi
from cheroot.ssl.builtin import BuiltinSSLAdapter

from adapters.web.config import ListenerConfig, WebConfig

log = structlog.get_logger(__name__)

DIGIKOPPELING_PREFIX = "/digikoppeling/"
LISTENER_KEY = "ggk.listener"


class ListenerError(Exception):
    """A listener's settings cannot work (TLS files missing, a client CA without TLS)."""


def scoped(app: Callable, listener: str, separate_digikoppeling: bool) -> Callable:
    """Wrap ``app`` so it knows its listener, and each listener serves only its own paths."""

    def serve(environ, start_response):
        environ[LISTENER_KEY] = listener
        path = environ.get("PATH_INFO", "")
        is_digikoppeling = path.startswith(DIGIKOPPELING_PREFIX)
        wrong_listener = separate_digikoppeling and is_digikoppeling != (listener == "digikoppeling")
        if wrong_listener and path != "/health":
            start_response("404 Not Found", [("Content-Type", "text/plain; charset=utf-8")])
            return [b"Not found on this listener.\n"]
        return app(environ, start_response)

    return serve


def tls_adapter(listener: ListenerConfig) -> BuiltinSSLAdapter | None:
    """Return the TLS adapter of a listener; with ``client_ca`` every client must show a certificate it signed."""
    if listener.client_ca and not listener.uses_tls:
        raise ListenerError(f"listener {listener.name}: a client CA needs a server certificate and key as well")
    if not listener.uses_tls:
        return None
    try:
        adapter = BuiltinSSLAdapter(listener.tls_cert, listener.tls_key)
    except (OSError, ssl.SSLError) as error:
        raise ListenerError(f"listener {listener.name}: cannot load {listener.tls_cert} and {listener.tls_key}: {error}") from None
    adapter.context.minimum_version = ssl.TLSVersion.TLSv1_2
    if listener.client_ca:
        adapter.context.verify_mode = ssl.CERT_REQUIRED
        try:
            adapter.context.load_verify_locations(cafile=listener.client_ca)
        except (OSError, ssl.SSLError) as error:
            raise ListenerError(f"listener {listener.name}: cannot load client CA {listener.client_ca}: {error}") from None
    else:
        adapter.context.verify_mode = ssl.CERT_NONE  # never ask a browser for a certificate
    return adapter


@dataclass
class Running:
    listener: ListenerConfig
    server: wsgi.Server
    thread: threading.Thread

    @property
    def port(self) -> int:
        return self.server.bind_addr[1]


class HubServer:
    """Run one cheroot server per listener, each in its own thread, until ``stop``."""

    def __init__(self, app: Callable, listeners: Iterable[ListenerConfig], threads: int):
        self._listeners = list(listeners)
        self._separate = any(item.name == "digikoppeling" for item in self._listeners)
        self._app = app
        self._threads = threads
        self.running: list[Running] = []
        self._stopped = threading.Event()

    @classmethod
    def from_config(cls, app: Callable, config: WebConfig) -> "HubServer":
        listeners = [config.portal] + ([config.digikoppeling] if config.digikoppeling else [])
        return cls(app, listeners, config.threads)

    def start(self) -> None:
        """Bind every listener and start serving; raise ListenerError or OSError when one cannot bind."""
        for listener in self._listeners:
            server = wsgi.Server((listener.host, listener.port), scoped(self._app, listener.name, self._separate),
                                 numthreads=self._threads, server_name="ggk")
            server.ssl_adapter = tls_adapter(listener)
            server.prepare()
            thread = threading.Thread(target=server.serve, name=f"ggk-{listener.name}", daemon=True)
            thread.start()
            running = Running(listener, server, thread)
            self.running.append(running)
            log.info("web_listener_started", listener=listener.name, host=listener.host, port=running.port,
                     tls=listener.uses_tls, client_certificates=bool(listener.client_ca))

    def port(self, name: str) -> int:
        return next(item.port for item in self.running if item.listener.name == name)

    def stop(self) -> None:
        for item in self.running:
            item.server.stop()
            item.thread.join(timeout=10)
            log.info("web_listener_stopped", listener=item.listener.name)
        self.running = []
        self._stopped.set()

    def serve_until_signal(self) -> None:
        """Start, then stop cleanly on SIGINT or SIGTERM; call from the main thread."""
        for number in (signal.SIGINT, signal.SIGTERM):
            signal.signal(number, lambda *_: self._stopped.set())
        self.start()
        while not self._stopped.wait(1.0):
            pass
        self.stop()
