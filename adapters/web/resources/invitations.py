"""``/invitations/{token}``: the invited person chooses a password (and a username, when left open).

The link is the only credential, so the page needs no login. After accepting, the person
logs in; that first login links the authenticator app. The token is never logged.
"""

from __future__ import annotations

import falcon
import structlog

from adapters.i18n.catalog import N_
from adapters.web.forms import Form
from adapters.web.identity_text import explain
from adapters.web.portal import Portal
from adapters.web.resources.accounts import PageErrors, identity_of
from core.errors import GgkError

log = structlog.get_logger(__name__)

PASSWORDS_DIFFER = N_("The two passwords differ. Type the same password twice.")
PASSWORD_REQUIRED = N_("Choose a password.")
USERNAME_REQUIRED = N_("Choose a username.")


class InvitationPage:
    def __init__(self, portal: Portal):
        self._portal = portal

    def on_get(self, req: falcon.Request, resp: falcon.Response, token: str) -> None:
        self._show(req, resp, token, Form({}), PageErrors())

    def on_post(self, req: falcon.Request, resp: falcon.Response, token: str) -> None:
        identity = identity_of(self._portal)
        form = Form.read(req)
        _ = self._portal.gettext(req)
        errors = PageErrors()
        password, repeated = form.secret("password"), form.secret("password_repeat")
        try:
            view = identity.invitations.view(token)
        except GgkError as error:
            self._invalid(req, resp, error)
            return
        if view.username is None and not form.text("username"):
            errors.add_field("username", USERNAME_REQUIRED, _)
        if not password:
            errors.add_field("password", PASSWORD_REQUIRED, _)
        elif password != repeated:
            errors.add_field("password_repeat", PASSWORDS_DIFFER, _)
        if not errors:
            try:
                user = identity.invitations.accept(token, password, form.text("username") if view.username is None else None)
            except GgkError as error:
                errors.add(explain(error), _)
            else:
                log.info("web_invitation_accepted", user_id=user.id, organisation=user.organisation)
                raise falcon.HTTPSeeOther("/login?welcome=1")
        self._show(req, resp, token, form, errors)

    def _show(self, req, resp, token: str, form: Form, errors: PageErrors) -> None:
        try:
            view = identity_of(self._portal).invitations.view(token)
        except GgkError as error:
            self._invalid(req, resp, error)
            return
        _ = self._portal.gettext(req)
        self._portal.page(req, resp, "invitation.html", status=errors.status, page_title=_("Choose your password"),
                          view=view, form=form, errors=errors.fields, refusal=errors.refusal, token=token)

    def _invalid(self, req, resp, error: GgkError) -> None:
        explanation = explain(error)
        _ = self._portal.gettext(req)
        self._portal.page(req, resp, "invitation.html", status=explanation.status, page_title=_("Invitation link"),
                          view=None, form=Form({}), errors={}, refusal=_(explanation.message), token="")
