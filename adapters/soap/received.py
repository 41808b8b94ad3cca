"""A received ebMS message that passed the MSH's checks, with the CPA terms it came under."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from adapters.soap.agreement import Agreement
from adapters.soap.ebms.cpacheck import CpaMatch
from adapters.soap.ebms.model import EbmsMessage, MessageHeader
from adapters.soap.signing import VerifiedSignature


@dataclass(frozen=True)
class Received:
    message: EbmsMessage
    agreement: Agreement
    match: CpaMatch
    at: datetime
    verified: VerifiedSignature | None = None

    @property
    def header(self) -> MessageHeader:
        return self.message.envelope.header

    @property
    def organisation(self) -> str:
        return self.agreement.organisation
