"""The OIN in a TLS client certificate, as PKIoverheid certificates carry it.

A PKIoverheid organisation certificate carries the OIN in the subject's serialNumber
attribute (OID 2.5.4.5), as 20 digits, sometimes behind a prefix such as ``OIN:``.
"""

from __future__ import annotations

import re

from cryptography import x509
from cryptography.x509.oid import NameOID

OIN = re.compile(r"([0-9]{20})$")


def certificate_oin(pem: str | bytes) -> str | None:
    """Return the OIN in the certificate's subject serialNumber, or None when it has none."""
    data = pem.encode("ascii") if isinstance(pem, str) else pem
    try:
        certificate = x509.load_pem_x509_certificate(data)
    except ValueError:
        return None
    for attribute in certificate.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER):
        match = OIN.search(str(attribute.value).strip())
        if match:
            return match.group(1)
    return None
