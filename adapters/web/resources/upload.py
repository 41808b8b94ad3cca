"""Send files: the upload page, and ``POST /api/messages`` for the page's script and other clients."""

from __future__ import annotations

from contextlib import ExitStack

import falcon

from adapters.web.portal import Portal, signed_in
from adapters.web.uploads import check_request_size, read_files, result_dict, submit, upload_status


def receive_upload(portal: Portal, req: falcon.Request) -> tuple[int, list[dict]]:
    """Read, submit and describe the uploaded files; return the HTTP status and one result per file."""
    session = signed_in(req)
    config = portal.config
    check_request_size(req, config.max_upload_files, config.max_file_size)
    with ExitStack() as stack:
        files = read_files(req, portal.csrf, stack, config.max_upload_files, config.max_file_size)
        if not files:
            return 400, []
        outcomes = submit(portal.ingest, session.principal, files)
    return upload_status(outcomes), [result_dict(outcome, req.context.language) for outcome in outcomes]


class UploadPage:
    def __init__(self, portal: Portal):
        self._portal = portal

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        signed_in(req)
        self._show(req, resp, results=None, status=200)

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        status, results = receive_upload(self._portal, req)
        self._show(req, resp, results=results, status=status)

    def _show(self, req: falcon.Request, resp: falcon.Response, *, results: list[dict] | None, status: int) -> None:
        _ = self._portal.gettext(req)
        errors = {"files": _("Choose at least one file to send.")} if status == 400 else {}
        config = self._portal.config
        self._portal.page(
            req, resp, "upload.html", status=status, page_title=_("Send files"), results=results, errors=errors,
            max_files=config.max_upload_files, max_size=config.max_file_size,
            breadcrumbs=[(_("Overview"), "/"), (_("Send files"), "/upload")],
        )
