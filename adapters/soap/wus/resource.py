"""The falcon resource of the WUS registertoets: ``GET ?wsdl`` and ``POST`` of a SOAP request."""

from __future__ import annotations

import falcon
import structlog

from adapters.soap.wus import envelope
from adapters.soap.wus.caller import caller_oin, caller_principal
from core.errors import GgkError
from core.ports import Store
from plugins.wlz.registertoets import RegistertoetsService

log = structlog.get_logger(__name__)

XML = "text/xml; charset=utf-8"


class RegistertoetsResource:
    """A SOAP endpoint: SOAP faults replace the portal's CSRF check and error pages."""

    csrf_exempt = True

    def __init__(self, service: RegistertoetsService, hub: Store, oin_header: str | None):
        self._service = service
        self._hub = hub
        self._oin_header = oin_header

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        if req.query_string.lower() not in ("wsdl", "wsdl="):
            resp.status = falcon.HTTP_400
            resp.content_type = "text/plain; charset=utf-8"
            resp.text = "This is a SOAP endpoint: POST a request, or GET ?wsdl for its WSDL.\n"
            return
        resp.content_type = XML
        resp.data = envelope.wsdl(f"{req.prefix}{req.path}")

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        body = req.bounded_stream.read(envelope.MAX_REQUEST_BYTES + 1)
        resp.content_type = XML
        try:
            request = envelope.parse_request(body, req.get_header("SOAPAction"))
            principal = caller_principal(self._hub, caller_oin(req.env, req.headers, self._oin_header))
            answer = self._service.toets(principal, request.bsns, request.peildatum)
        except GgkError as error:
            log.info("wus_registertoets_fault", code=error.code, message_id=envelope.read_message_id(body))
            resp.status = falcon.HTTP_500  # SOAP 1.1 over HTTP sends every fault with status 500
            resp.data = envelope.fault_envelope(error.code, error.detail, envelope.read_message_id(body))
            return
        except Exception:
            log.exception("wus_registertoets_failed", message_id=envelope.read_message_id(body))
            resp.status = falcon.HTTP_500
            resp.data = envelope.fault_envelope("GGK500", "the hub failed to answer; try again later",
                                                envelope.read_message_id(body), server=True)
            return
        resp.status = falcon.HTTP_200
        resp.data = envelope.answer_envelope(answer, request.message_id)
