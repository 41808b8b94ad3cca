"""The caller of the WUS registertoets: the organisation whose OIN the TLS client certificate carries.

A PKIoverheid organisation certificate contains the OIN (20 digits) in the subject's
serialNumber attribute (OID 2.5.4.5), sometimes behind a prefix such as ``OIN:``. The
hub's TLS listener hands the verified certificate to the app as ``SSL_CLIENT_CERT``.
Behind a TLS-terminating proxy, or over plain HTTP in a test, the setting
``wlz.wus_oin_header`` names an HTTP header that carries the OIN instead.
"""

from __future__ import annotations

import re

from cryptography import x509
from cryptography.x509.oid import NameOID

from core.errors import NotAuthorised
from core.model import Channel
from core.ports import Store
from core.principal import Principal

OIN = re.compile(r"([0-9]{20})$")


def certificate_oin(pem: str) -> str | None:
    try:
        certificate = x509.load_pem_x509_certificate(pem.encode("ascii"))
    except ValueError:
        return None
    for attribute in certificate.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER):
        match = OIN.search(str(attribute.value).strip())
        if match:
            return match.group(1)
    return None


def caller_oin(environ: dict, headers: dict[str, str], oin_header: str | None) -> str | None:
    """Return the caller's OIN from its client certificate, else from the configured header."""
    pem = environ.get("SSL_CLIENT_CERT")
    if pem:
        return certificate_oin(pem)
    if oin_header:
        value = (headers.get(oin_header.upper()) or "").strip()
        return value if re.fullmatch(r"[0-9]{20}", value) else None
    return None


def caller_principal(hub: Store, oin: str | None) -> Principal:
    """Return the principal of the organisation registered with ``oin``; raise NotAuthorised otherwise."""
    if oin is None:
        raise NotAuthorised("the caller showed no OIN: a client certificate with the OIN in its serialNumber is required")
    for organisation in hub.list_organisations():
        if organisation.oin == oin:
            return Principal.organisation_software(organisation.code, Channel.WEBSERVICE)
    raise NotAuthorised(f"no organisation with OIN {oin} is registered", params={"oin": oin})
