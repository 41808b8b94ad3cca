"""ebMS 2.0 errors: every failure carries the ebMS error code and, where known, the location.

    EbmsError            code (ErrorCode), detail, location, severity
    └── MimeProblem      the MIME packaging cannot be read (code MimeProblem)

The endpoint turns an EbmsError into an ``eb:ErrorList`` (``builders.message_error``).
"""

from __future__ import annotations

import enum


class ErrorCode(str, enum.Enum):
    """The error codes of the ebMS 2.0 ``urn:oasis:names:tc:ebxml-msg:service:errors`` code context."""

    VALUE_NOT_RECOGNIZED = "ValueNotRecognized"
    NOT_SUPPORTED = "NotSupported"
    INCONSISTENT = "Inconsistent"
    OTHER_XML = "OtherXml"
    DELIVERY_FAILURE = "DeliveryFailure"
    TIME_TO_LIVE_EXPIRED = "TimeToLiveExpired"
    SECURITY_FAILURE = "SecurityFailure"
    MIME_PROBLEM = "MimeProblem"
    UNKNOWN = "Unknown"


class Severity(str, enum.Enum):
    WARNING = "Warning"
    ERROR = "Error"


class EbmsError(Exception):
    """A message fails a rule of ebMS 2.0, Digikoppeling or its CPA.

    ``location`` is an XPath-like pointer into the envelope (such as
    ``//MessageHeader/CPAId``) or a ``cid:`` reference, as ``eb:Error/@location`` expects.
    """

    def __init__(self, code: ErrorCode, detail: str, *, location: str | None = None,
                 severity: Severity = Severity.ERROR):
        super().__init__(f"{code.value}: {detail}")
        self.code = code
        self.detail = detail
        self.location = location
        self.severity = severity


class MimeProblem(EbmsError):
    def __init__(self, detail: str, *, location: str | None = None):
        super().__init__(ErrorCode.MIME_PROBLEM, detail, location=location)
