"""A throwaway test CA and leaf certificates made with ``cryptography``, for tests only.

Each leaf carries its OIN in the subject serialNumber, as PKIoverheid certificates do.
Keys are 2048-bit RSA and live only in memory or in the test's tmp folder.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID


@dataclass(frozen=True)
class Identity:
    """A private key with its certificate, both PEM-encoded."""

    key_pem: bytes
    certificate_pem: bytes

    def write(self, folder: Path, name: str) -> tuple[Path, Path]:
        key_path = folder / f"{name}.key.pem"
        certificate_path = folder / f"{name}.cert.pem"
        key_path.write_bytes(self.key_pem)
        certificate_path.write_bytes(self.certificate_pem)
        return key_path, certificate_path


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _key_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


class TestCa:
    """A self-signed CA that issues leaf certificates valid for a day around now."""

    __test__ = False  # not a pytest test class

    def __init__(self, name: str = "ggk test CA"):
        self._key = _key()
        self._name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        now = datetime.now(timezone.utc)
        self.certificate = (
            x509.CertificateBuilder()
            .subject_name(self._name).issuer_name(self._name)
            .public_key(self._key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(hours=1)).not_valid_after(now + timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .sign(self._key, hashes.SHA256())
        )

    @property
    def certificate_pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    def issue(self, common_name: str, oin: str, hosts: tuple[str, ...] = ()) -> Identity:
        """Issue a leaf certificate; ``hosts`` (IP addresses or DNS names) make it usable by a TLS server."""
        key = _key()
        subject = x509.Name([
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, oin),
        ])
        now = datetime.now(timezone.utc)
        certificate = (
            x509.CertificateBuilder()
            .subject_name(subject).issuer_name(self._name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(hours=1)).not_valid_after(now + timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        )
        if hosts:
            certificate = certificate.add_extension(x509.SubjectAlternativeName([_general_name(h) for h in hosts]),
                                                    critical=False)
        certificate = certificate.sign(self._key, hashes.SHA256())
        return Identity(_key_pem(key), certificate.public_bytes(serialization.Encoding.PEM))


def _general_name(host: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        return x509.DNSName(host)
