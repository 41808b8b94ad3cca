"""The HTTP edge of the hub's MSH: ``POST /digikoppeling/ebms``.

The resource reads at most ``max_body`` bytes. A larger body is answered from its first
PREFIX_BYTES, which hold the SOAP envelope, and the connection is closed without reading
the rest. An error of the hub itself becomes a SOAP Fault with faultcode Server and HTTP
500, so that the sender's MSH treats it as a failed send and tries again later.
"""

from __future__ import annotations

import falcon
import structlog

from adapters.soap.ebms.errors import EbmsError, ErrorCode
from adapters.soap.inbound import HttpRequest, InboundHandler
from adapters.soap.replies import HttpReply, soap_fault

log = structlog.get_logger(__name__)

EBMS_PATH = "/digikoppeling/ebms"
PREFIX_BYTES = 1024 * 1024


class EbmsResource:
    """Receive ebMS messages.

    NOTE: web's CSRF middleware refuses every POST without a CSRF token, so it must skip
    resources marked ``csrf_exempt``. Peers are authenticated by CPA, TLS client
    certificate and signature, and have no browser session.
    """

    csrf_exempt = True

    def __init__(self, handler: InboundHandler, max_body: int):
        self._handler = handler
        self._max_body = max_body

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        declared = req.content_length
        if declared is not None and declared > self._max_body:
            self._answer(resp, self._too_large(req, req.bounded_stream.read(PREFIX_BYTES), declared))
            return
        body = req.bounded_stream.read(self._max_body + 1)
        if len(body) > self._max_body:
            self._answer(resp, self._too_large(req, body[:PREFIX_BYTES], None))
            return

        request = HttpRequest(req.content_type, req.get_header("SOAPAction"), body,
                              req.env.get("SSL_CLIENT_CERT") or None)
        try:
            reply = self._handler.handle(request)
        except Exception:  # answered as a fault of the hub, so the sender's MSH retries
            log.exception("ebms_endpoint_failed", size=len(body))
            reply = soap_fault(EbmsError(ErrorCode.UNKNOWN, "the hub could not process the message; "
                                         "send it again later"), server=True)
        self._answer(resp, reply)

    def _too_large(self, req: falcon.Request, prefix: bytes, declared: int | None) -> HttpReply:
        request = HttpRequest(req.content_type, req.get_header("SOAPAction"), prefix)
        log.warning("ebms_message_too_large", size=declared, limit=self._max_body)
        reply = self._handler.too_large(request, declared, self._max_body)
        return HttpReply(reply.status, {**reply.headers, "Connection": "close"}, reply.body)

    @staticmethod
    def _answer(resp: falcon.Response, reply: HttpReply) -> None:
        resp.status = reply.status
        for name, value in reply.headers.items():
            resp.set_header(name, value)
        resp.data = reply.body
