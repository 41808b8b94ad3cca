"""XML-DSig signatures on ebMS 2.0 messages, for the signed profiles (osb-be-s, osb-rm-s).

The signature is a ``ds:Signature`` child of the SOAP Header, as ebMS 2.0 prescribes:

    SignedInfo  CanonicalizationMethod  inclusive C14N 1.0
                SignatureMethod         rsa-sha256
                Reference URI=""        enveloped-signature, XPath filter (below), C14N 1.0; SHA-256
                Reference URI="cid:.."  one per attachment, over its decoded octets; SHA-256

The XPath filter leaves out every element (and its content) whose ``SOAP:actor`` is the
next MSH (ebMS ``nextMSH`` or SOAP ``actor/next``), because intermediaries may change
those header blocks. Verification uses the sender's certificate from the CPA, never a
key carried in the message, and raises SecurityFailure for SHA-1, a missing envelope
reference, an attachment left unsigned, or any digest or signature mismatch.

python-xmlsec (libxmlsec1) does the cryptography because signxml supports neither the
XPath filter transform nor ``cid:`` references. Its I/O callbacks are replaced, once per
process, by one that serves ``cid:`` URIs from the message being processed, so a
signature can make the hub read no file and no URL.
"""

from __future__ import annotations

import io
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field

import structlog
import xmlsec
from lxml import etree

from adapters.soap.ebms.errors import EbmsError, ErrorCode
from adapters.soap.ebms.mime import Attachment, cid_target
from adapters.soap.ebms.model import DS_NS, NEXT_MSH, NS, SOAP_ACTOR_NEXT, SOAP_NS
from core.cpa.schema import hardened_parser

log = structlog.get_logger(__name__)

EBMS_XPATH = (
    f'not(ancestor-or-self::node()[@SOAP:actor="{NEXT_MSH}"] '
    f'| ancestor-or-self::node()[@SOAP:actor="{SOAP_ACTOR_NEXT}"])'
)
C14N = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
ALLOWED_CANONICALISATIONS = {
    C14N, C14N + "#WithComments", "http://www.w3.org/2001/10/xml-exc-c14n#",
    "http://www.w3.org/2001/10/xml-exc-c14n#WithComments",
}
ALLOWED_SIGNATURE_METHODS = {
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256", "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384",
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512",
}
ALLOWED_DIGESTS = {
    "http://www.w3.org/2001/04/xmlenc#sha256", "http://www.w3.org/2001/04/xmldsig-more#sha384",
    "http://www.w3.org/2001/04/xmlenc#sha512",
}
ALLOWED_TRANSFORMS = ALLOWED_CANONICALISATIONS | {
    "http://www.w3.org/2000/09/xmldsig#enveloped-signature", "http://www.w3.org/TR/1999/REC-xpath-19991116",
}
XMLSEC_TRANSFORMS = (
    xmlsec.Transform.C14N, xmlsec.Transform.C14N_COMMENTS, xmlsec.Transform.EXCL_C14N,
    xmlsec.Transform.EXCL_C14N_COMMENTS, xmlsec.Transform.ENVELOPED, xmlsec.Transform.XPATH,
    xmlsec.Transform.SHA256, xmlsec.Transform.SHA384, xmlsec.Transform.SHA512,
)
XMLSEC_SIGNATURE_METHODS = (xmlsec.Transform.RSA_SHA256, xmlsec.Transform.RSA_SHA384, xmlsec.Transform.RSA_SHA512)

_callbacks_lock = threading.Lock()
_callbacks_installed = False
_current = threading.local()


@dataclass(frozen=True)
class VerifiedSignature:
    """A signature that verified: its algorithms and the references it covers.

    ``references`` are copies of the ``ds:Reference`` elements, which a signed
    Acknowledgment repeats as its receipt (ebMS 2.0 non-repudiation of receipt).
    """

    signature_method: str
    reference_uris: tuple[str, ...]
    references: tuple[etree._Element, ...] = field(repr=False)


def sign_envelope(envelope: bytes, attachments: list[Attachment] | tuple[Attachment, ...],
                  key_pem: bytes, certificate_pem: bytes) -> bytes:
    """Return ``envelope`` with an ebMS ``ds:Signature`` over it and over every attachment."""
    document = _parse(envelope)
    header = document.find("soap:Header", NS)
    if header is None:
        header = etree.Element(f"{{{SOAP_NS}}}Header")
        document.insert(0, header)

    signature = xmlsec.template.create(document, xmlsec.Transform.C14N, xmlsec.Transform.RSA_SHA256, ns="ds")
    header.append(signature)
    _envelope_reference(signature)
    for attachment in attachments:
        xmlsec.template.add_reference(signature, xmlsec.Transform.SHA256, uri=f"cid:{attachment.content_id}")
    xmlsec.template.add_x509_data(xmlsec.template.ensure_key_info(signature))

    context = xmlsec.SignatureContext()
    key = xmlsec.Key.from_memory(key_pem, xmlsec.KeyFormat.PEM)
    key.load_cert_from_memory(certificate_pem, xmlsec.KeyFormat.CERT_PEM)
    context.key = key
    with _serving(attachments):
        context.sign(signature)
    return etree.tostring(document, xml_declaration=True, encoding="UTF-8")


def verify_envelope(envelope: bytes, attachments: list[Attachment] | tuple[Attachment, ...],
                    certificate: bytes) -> VerifiedSignature:
    """Verify the ebMS signature in ``envelope`` with the sender's certificate; raise SecurityFailure if it fails.

    ``certificate`` is PEM or DER, as taken from the CPA (``CpaMatch.signing_certificate``).
    """
    document = _parse(envelope)
    signature = document.find("soap:Header/ds:Signature", NS)
    if signature is None:
        raise _failure("the SOAP Header has no ds:Signature")
    _check_algorithms(signature)
    uris = _check_coverage(signature, attachments)

    context = xmlsec.SignatureContext()
    try:
        key_format = xmlsec.KeyFormat.CERT_PEM if certificate.lstrip().startswith(b"-----BEGIN") else xmlsec.KeyFormat.CERT_DER
        context.key = xmlsec.Key.from_memory(certificate, key_format)
    except xmlsec.Error as error:
        raise EbmsError(ErrorCode.UNKNOWN, f"the sender's certificate cannot be loaded: {error}") from None
    for transform in XMLSEC_TRANSFORMS:
        context.enable_reference_transform(transform)
    for method in XMLSEC_SIGNATURE_METHODS + XMLSEC_TRANSFORMS[:4]:
        context.enable_signature_transform(method)

    try:
        with _serving(attachments):
            context.verify(signature)
    except xmlsec.Error as error:
        log.info("ebms_signature_invalid", error=str(error), references=len(uris))
        raise _failure(f"the signature does not verify: {error}") from None

    references = tuple(_copy(item) for item in signature.iterfind("ds:SignedInfo/ds:Reference", NS))
    method = signature.find("ds:SignedInfo/ds:SignatureMethod", NS).get("Algorithm")
    return VerifiedSignature(method, uris, references)


def _parse(envelope: bytes) -> etree._Element:
    try:
        return etree.fromstring(envelope, hardened_parser())
    except etree.XMLSyntaxError as error:
        raise EbmsError(ErrorCode.OTHER_XML, f"the SOAP envelope is not well-formed XML: {error.msg}") from None


def _envelope_reference(signature: etree._Element) -> None:
    reference = xmlsec.template.add_reference(signature, xmlsec.Transform.SHA256, uri="")
    xmlsec.template.add_transform(reference, xmlsec.Transform.ENVELOPED)
    xpath = xmlsec.template.add_transform(reference, xmlsec.Transform.XPATH)
    etree.SubElement(xpath, f"{{{DS_NS}}}XPath", nsmap={"SOAP": SOAP_NS}).text = EBMS_XPATH
    xmlsec.template.add_transform(reference, xmlsec.Transform.C14N)


def _check_algorithms(signature: etree._Element) -> None:
    info = signature.find("ds:SignedInfo", NS)
    if info is None:
        raise _failure("ds:Signature has no ds:SignedInfo")
    canonicalisation = _algorithm(info.find("ds:CanonicalizationMethod", NS))
    method = _algorithm(info.find("ds:SignatureMethod", NS))
    if canonicalisation not in ALLOWED_CANONICALISATIONS:
        raise _failure(f"canonicalization {canonicalisation} is not accepted")
    if method not in ALLOWED_SIGNATURE_METHODS:
        raise _failure(f"signature method {method} is not accepted; sign with RSA-SHA256 or stronger, never SHA-1")
    for reference in info.iterfind("ds:Reference", NS):
        digest = _algorithm(reference.find("ds:DigestMethod", NS))
        if digest not in ALLOWED_DIGESTS:
            raise _failure(f"digest method {digest} of reference {reference.get('URI')!r} is not accepted; "
                           "use SHA-256 or stronger, never SHA-1")
        for transform in reference.iterfind("ds:Transforms/ds:Transform", NS):
            if _algorithm(transform) not in ALLOWED_TRANSFORMS:
                raise _failure(f"transform {_algorithm(transform)} is not accepted")


def _check_coverage(signature: etree._Element, attachments) -> tuple[str, ...]:
    """Require a reference to the whole envelope and one to every attachment; refuse any other URI."""
    uris = tuple(item.get("URI") for item in signature.iterfind("ds:SignedInfo/ds:Reference", NS))
    if "" not in uris:
        raise _failure('the signature has no reference URI="" over the SOAP envelope')
    signed = {cid_target(uri) for uri in uris if uri}
    if None in signed:
        raise _failure("a signature reference points outside the message; only URI=\"\" and cid: are accepted")
    unsigned = [attachment.content_id for attachment in attachments if attachment.content_id not in signed]
    if unsigned:
        raise _failure(f"attachment(s) {', '.join(unsigned)} are not covered by the signature")
    return uris


def _algorithm(element: etree._Element | None) -> str | None:
    return element.get("Algorithm") if element is not None else None


def _failure(detail: str) -> EbmsError:
    return EbmsError(ErrorCode.SECURITY_FAILURE, detail, location="//Header/Signature")


def _copy(element: etree._Element) -> etree._Element:
    return etree.fromstring(etree.tostring(element))


@contextmanager
def _serving(attachments):
    """Let the cid: callbacks serve ``attachments`` to xmlsec on this thread while the block runs."""
    _install_callbacks()
    _current.parts = {attachment.content_id: attachment.data for attachment in attachments}
    try:
        yield
    finally:
        _current.parts = None


def _install_callbacks() -> None:
    global _callbacks_installed
    with _callbacks_lock:
        if _callbacks_installed:
            return
        xmlsec.cleanup_callbacks()  # drops libxmlsec1's file and HTTP handlers for reference URIs
        xmlsec.register_callbacks(_matches, _open, _read, _close)
        _callbacks_installed = True


def _matches(uri: bytes) -> bool:
    return uri[:4].lower() == b"cid:" and getattr(_current, "parts", None) is not None


def _open(uri: bytes):
    content_id = cid_target(uri.decode("utf-8", "replace"))
    data = (getattr(_current, "parts", None) or {}).get(content_id)
    return io.BytesIO(data) if data is not None else None


def _read(stream, buffer: memoryview) -> int:
    return stream.readinto(buffer) if stream is not None else -1


def _close(stream) -> None:
    if stream is not None:
        stream.close()
