"""The cheroot server: a portal listener that never asks for a client certificate, and a
Digikoppeling listener that demands one and hands its subject to the app."""

from __future__ import annotations

import http.client
import json
import shutil
import ssl
import subprocess
from pathlib import Path

import falcon
import pytest

from adapters.web.config import ListenerConfig
from adapters.web.server import HubServer, ListenerError, tls_adapter
from tests.web.certificates import TestAuthority


class PeerResource:
    """Test-only route: report which listener served the request and the client certificate's subject."""

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = {"listener": req.env.get("ggk.listener"), "verify": req.env.get("SSL_CLIENT_VERIFY"),
                      "subject_cn": req.env.get("SSL_CLIENT_S_DN_CN"), "subject": req.env.get("SSL_CLIENT_S_DN")}


def peer_app() -> falcon.App:
    app = falcon.App()
    app.add_route("/digikoppeling/peer", PeerResource())
    app.add_route("/peer", PeerResource())
    return app


@pytest.fixture
def pki(tmp_path: Path) -> dict:
    authority = TestAuthority(tmp_path)
    (tmp_path / "other").mkdir()
    stranger = TestAuthority(tmp_path / "other", "other CA")
    return {
        "ca": authority.authority,
        "server": authority.issue("server", "localhost", server=True),
        "client": authority.issue("client", "gemeente-0384.test", server=False),
        "stranger": stranger.issue("stranger", "stranger", server=False),
    }


@pytest.fixture
def running(pki):
    portal = ListenerConfig("portal", "127.0.0.1", 0, tls_cert=str(pki["server"].certificate),
                            tls_key=str(pki["server"].key))
    digikoppeling = ListenerConfig("digikoppeling", "127.0.0.1", 0, tls_cert=str(pki["server"].certificate),
                                   tls_key=str(pki["server"].key), client_ca=str(pki["ca"].certificate))
    server = HubServer(peer_app(), [portal, digikoppeling], threads=2)
    server.start()
    yield server
    server.stop()


def client_context(pki, certificate=None) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=str(pki["ca"].certificate))
    if certificate is not None:
        context.load_cert_chain(str(certificate.certificate), str(certificate.key))
    return context


def get(port: int, path: str, context: ssl.SSLContext) -> tuple[int, dict | bytes]:
    connection = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        kind = response.getheader("Content-Type", "")
        return response.status, json.loads(body) if kind.startswith("application/json") else body
    finally:
        connection.close()


def test_digikoppeling_listener_sees_client_certificate(running, pki):
    status, body = get(running.port("digikoppeling"), "/digikoppeling/peer", client_context(pki, pki["client"]))

    assert status == 200
    assert body["listener"] == "digikoppeling"
    assert body["verify"] == "SUCCESS"
    assert body["subject_cn"] == "gemeente-0384.test"


def test_digikoppeling_listener_refuses_client_without_certificate(running, pki):
    with pytest.raises((ssl.SSLError, ConnectionError)):
        get(running.port("digikoppeling"), "/digikoppeling/peer", client_context(pki))


def test_digikoppeling_listener_refuses_certificate_of_other_ca(running, pki):
    with pytest.raises((ssl.SSLError, ConnectionError)):
        get(running.port("digikoppeling"), "/digikoppeling/peer", client_context(pki, pki["stranger"]))


def test_portal_listener_ignores_offered_certificate(running, pki):
    status, body = get(running.port("portal"), "/peer", client_context(pki, pki["client"]))

    assert status == 200
    assert body["listener"] == "portal"
    assert body["verify"] == "NONE"
    assert body["subject_cn"] is None


def test_each_listener_serves_only_its_paths(running, pki):
    portal_status, _ = get(running.port("portal"), "/digikoppeling/peer", client_context(pki))
    digikoppeling_status, _ = get(running.port("digikoppeling"), "/peer", client_context(pki, pki["client"]))

    assert portal_status == 404
    assert digikoppeling_status == 404


def test_client_ca_without_server_certificate_is_refused():
    with pytest.raises(ListenerError):
        tls_adapter(ListenerConfig("digikoppeling", "127.0.0.1", 0, client_ca="/nonexistent/ca.pem"))


def handshake_messages(port: int, ca: Path) -> str:
    """Return the TLS 1.2 handshake messages ``openssl s_client -msg`` saw, client certificate not offered."""
    completed = subprocess.run(
        ["openssl", "s_client", "-connect", f"127.0.0.1:{port}", "-CAfile", str(ca), "-tls1_2", "-msg"],
        input=b"", capture_output=True, timeout=30,
    )
    return completed.stdout.decode("utf-8", "replace")


@pytest.mark.skipif(shutil.which("openssl") is None, reason="the openssl command is not installed")
def test_only_digikoppeling_handshake_requests_certificate(running, pki):
    portal = handshake_messages(running.port("portal"), pki["ca"].certificate)
    digikoppeling = handshake_messages(running.port("digikoppeling"), pki["ca"].certificate)

    assert "ServerHelloDone" in portal
    assert "CertificateRequest" not in portal
    assert "CertificateRequest" in digikoppeling
