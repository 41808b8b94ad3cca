"""The WUS registertoets over real HTTP on loopback, called by zeep built from the hub's WSDL."""

from __future__ import annotations

import datetime as dt
import threading

import falcon
import pytest
import requests
import zeep
from cheroot import wsgi
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from lxml import etree
from zeep.plugins import HistoryPlugin
from zeep.transports import Transport
from zeep.wsa import WsAddressingPlugin

from adapters.soap.wus import REGISTERTOETS_PATH, add_wus_routes
from adapters.soap.wus.caller import caller_oin
from adapters.soap.wus.envelope import NAMESPACE, WSA
from core.model import Channel, OrgKind
from tests.wlz.builders import bsns, invalid_bsn, register_csv
from tests.wlz.hub import OPERATOR, build_wlz_hub

OIN_HEADER = "X-Client-OIN"
GEMEENTE_OIN = "00000001001234567000"
OTHER_OIN = "00000001009999999000"
PEOPLE = bsns(3)
BATCH_LIMIT = 10_000


@pytest.fixture
def server(tmp_path, database_url):
    """Serve the WUS routes of a hub on 127.0.0.1 and return its base URL and the hub."""
    hub = build_wlz_hub(tmp_path / "hub", database_url, {("wlz", "wus_oin_header"): OIN_HEADER})
    hub.add(OrgKind.GEMEENTE, "0363", channels=(Channel.WEBSERVICE,), oin=GEMEENTE_OIN)
    hub.add(OrgKind.GEMEENTE, "0599", services=("wmo",), oin=OTHER_OIN)
    rows = [("B1", PEOPLE[0], "VV", "2026-01-01", None), ("B2", PEOPLE[1], "GGZ", "2025-01-01", "2026-03-31")]
    hub.services.register.import_file(OPERATOR, register_csv(tmp_path / "register.csv", rows))
    app = falcon.App()
    add_wus_routes(app, hub.container)
    http = wsgi.Server(("127.0.0.1", 0), app, numthreads=2)
    http.prepare()
    thread = threading.Thread(target=http.serve, daemon=True)
    thread.start()
    host, port = http.bind_addr
    yield f"http://{host}:{port}{REGISTERTOETS_PATH}", hub
    http.stop()
    thread.join(timeout=10)
    hub.container.engine().dispose()


def client_for(url: str, oin: str | None = GEMEENTE_OIN) -> tuple[zeep.Client, HistoryPlugin]:
    session = requests.Session()
    if oin is not None:
        session.headers[OIN_HEADER] = oin
    history = HistoryPlugin()
    client = zeep.Client(f"{url}?wsdl", transport=Transport(session=session),
                         plugins=[WsAddressingPlugin(), history])
    return client, history


def fault_code(fault: zeep.exceptions.Fault) -> str:
    return fault.detail.findtext(f"{{{NAMESPACE}}}RegistertoetsFout/{{{NAMESPACE}}}Code")


def test_wsdl_is_served_at_the_address(server):
    url, _hub = server

    response = requests.get(f"{url}?wsdl", timeout=10)

    document = etree.fromstring(response.content)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/xml")
    address = document.find(".//{http://schemas.xmlsoap.org/wsdl/soap/}address")
    assert address.get("location") == url


def test_single_bsn_answer_relates_to_request(server):
    url, _hub = server
    client, history = client_for(url)

    answer = client.service.Registertoets(Peildatum="2026-03-15", Bsn=[PEOPLE[1]])

    assert answer.Peildatum == dt.date(2026, 3, 15)
    result = answer.Resultaat[0]
    assert (result.Bsn, result.Indicatie) == (PEOPLE[1], True)
    assert (result.Periode[0].Soort, result.Periode[0].Einddatum) == ("GGZ", dt.date(2026, 3, 31))
    sent_id = history.last_sent["envelope"].findtext(f".//{{{WSA}}}MessageID")
    received = history.last_received["envelope"]
    assert received.findtext(f".//{{{WSA}}}RelatesTo") == sent_id
    assert received.findtext(f".//{{{WSA}}}Action") == f"{NAMESPACE}:RegistertoetsAntwoord"


def test_batch_of_limit_over_http(server):
    url, hub = server
    client, _history = client_for(url)
    asked = bsns(BATCH_LIMIT - 1, start=30_000_000) + [PEOPLE[0]]

    answer = client.service.Registertoets(Peildatum="2026-05-01", Bsn=asked)

    assert len(answer.Resultaat) == BATCH_LIMIT
    assert [r.Bsn for r in answer.Resultaat] == asked
    assert [r.Bsn for r in answer.Resultaat if r.Indicatie] == [PEOPLE[0]]
    audit = hub.services.registertoets.audit(OPERATOR, "0363")
    assert [(a.bsn_count, a.channel) for a in audit] == [(BATCH_LIMIT, "webservice")]


@pytest.mark.parametrize("arguments, code", [
    ({"Bsn": [PEOPLE[0], invalid_bsn(PEOPLE[1])]}, "WLZ001"),
    ({"Peildatum": "2026-02-30", "Bsn": [PEOPLE[0]]}, "WLZ002"),
    ({"Peildatum": "15 maart", "Bsn": [PEOPLE[0]]}, "WLZ002"),
    ({"Bsn": []}, "WLZ003"),
    ({"Bsn": bsns(BATCH_LIMIT + 1)}, "WLZ003"),
], ids=["invalid-bsn", "impossible-date", "date-format", "empty", "over-limit"])
def test_bad_input_is_fault_with_code(server, arguments, code):
    url, hub = server
    client, _history = client_for(url)

    with pytest.raises(zeep.exceptions.Fault) as raised:
        client.service.Registertoets(**arguments)

    assert fault_code(raised.value) == code
    assert raised.value.code.endswith("Client")
    assert hub.services.registertoets.audit(OPERATOR) == []


@pytest.mark.parametrize("oin", [None, OTHER_OIN, "00000001000000000000"],
                         ids=["no-oin", "not-enrolled", "unknown-oin"])
def test_caller_without_access_is_ggk403(server, oin):
    url, _hub = server
    client, _history = client_for(url, oin)

    with pytest.raises(zeep.exceptions.Fault) as raised:
        client.service.Registertoets(Bsn=[PEOPLE[0]])

    assert fault_code(raised.value) == "GGK403"


def test_request_without_addressing_is_wlz006(server):
    url, _hub = server
    body = (f'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:rt="{NAMESPACE}">'
            f"<soap:Body><rt:RegistertoetsVraag><rt:Bsn>{PEOPLE[0]}</rt:Bsn></rt:RegistertoetsVraag></soap:Body>"
            f"</soap:Envelope>")

    response = requests.post(url, data=body.encode(), timeout=10,
                             headers={"Content-Type": "text/xml; charset=utf-8", OIN_HEADER: GEMEENTE_OIN})

    document = etree.fromstring(response.content)
    assert response.status_code == 500
    assert document.findtext(f".//{{{NAMESPACE}}}Code") == "WLZ006"
    assert "wsa:MessageID" in document.findtext(".//faultstring")


def test_oin_comes_from_client_certificate():
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "gemeente"),
                         x509.NameAttribute(NameOID.SERIAL_NUMBER, GEMEENTE_OIN)])
    now = dt.datetime.now(dt.timezone.utc)
    certificate = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
                   .serial_number(1).not_valid_before(now).not_valid_after(now + dt.timedelta(days=1))
                   .sign(key, hashes.SHA256()))
    pem = certificate.public_bytes(serialization.Encoding.PEM).decode()

    from_certificate = caller_oin({"SSL_CLIENT_CERT": pem}, {OIN_HEADER.upper(): OTHER_OIN}, OIN_HEADER)
    from_header = caller_oin({}, {OIN_HEADER.upper(): OTHER_OIN}, OIN_HEADER)
    header_not_trusted = caller_oin({}, {OIN_HEADER.upper(): OTHER_OIN}, None)

    assert from_certificate == GEMEENTE_OIN
    assert from_header == OTHER_OIN
    assert header_not_trusted is None
