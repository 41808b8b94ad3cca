"""Sign-up (aanmelding): the public application form, and the hub operator's pages to decide on it.

Anyone may apply, because the organisation has no account yet. Approval registers or
enrols the organisation and creates its first gebruikersbeheerder; the operator sees
that person's one-time invitation link once.
"""

from __future__ import annotations

import falcon
import structlog

from adapters.i18n.catalog import N_
from adapters.web.forms import Form
from adapters.web.identity_text import explain
from adapters.web.portal import Portal, signed_in
from adapters.web.resources.accounts import PageErrors, identity_of, service_names
from adapters.web.resources.users import show_invitation
from core.errors import GgkError
from core.identity.model import SignupStatus
from core.model import ENROLMENT_CHANNELS, Channel, OrgKind
from core.principal import Principal

log = structlog.get_logger(__name__)

ANONYMOUS = Principal(channel=Channel.PORTAL)
REQUIRED = {
    "code": N_("Enter the organisation's code."),
    "name": N_("Enter the organisation's name."),
    "contact_name": N_("Enter the name of the contact person."),
    "contact_email": N_("Enter the contact person's e-mail address."),
    "username": N_("Choose a username for the first user administrator."),
}
KIND_REQUIRED = N_("Choose the kind of organisation.")
SERVICES_REQUIRED = N_("Choose at least one service.")
CHANNELS_REQUIRED = N_("Choose at least one channel.")
REJECTED_DONE = N_("The application is rejected. The reason is stored with it.")
CORE_FIELDS = {"email": "contact_email"}  # core's field names that differ from the form's


class SignupPage:
    """``/signup``: the public application form; the next page confirms what was sent."""

    def __init__(self, portal: Portal):
        self._portal = portal

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        self._show(req, resp, Form({"channels": [Channel.PORTAL.value]}), PageErrors())

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        form = Form.read(req)
        _ = self._portal.gettext(req)
        errors = self._missing(form, _)
        if errors:
            self._show(req, resp, form, errors)
            return
        try:
            application = identity_of(self._portal).signups.submit(
                ANONYMOUS, OrgKind(form.text("kind")), form.text("code"), form.text("name"), form.texts("services"),
                [Channel(value) for value in form.texts("channels")], form.text("contact_name"),
                form.text("contact_email"), form.text("username"))
        except GgkError as error:
            errors.add(explain(error, fields=CORE_FIELDS), _)
            self._show(req, resp, form, errors)
            return
        log.info("web_signup_submitted", signup_id=application.id, organisation=application.code)
        self._portal.page(req, resp, "signup_done.html", status=201, page_title=_("Application received"),
                          application=application, services=service_names(self._portal))

    def _missing(self, form: Form, _) -> PageErrors:
        errors = PageErrors()
        if form.text("kind") not in {kind.value for kind in OrgKind}:
            errors.add_field("kind", KIND_REQUIRED, _)
        for name, message in REQUIRED.items():
            if not form.text(name):
                errors.add_field(name, message, _)
        if not form.texts("services"):
            errors.add_field("services", SERVICES_REQUIRED, _)
        channels = {channel.value for channel in ENROLMENT_CHANNELS}
        if not form.texts("channels") or not set(form.texts("channels")) <= channels:
            errors.add_field("channels", CHANNELS_REQUIRED, _)
        return errors

    def _show(self, req, resp, form: Form, errors: PageErrors) -> None:
        _ = self._portal.gettext(req)
        self._portal.page(req, resp, "signup.html", status=errors.status, page_title=_("Apply for the hub"), form=form,
                          errors=errors.fields, refusal=errors.refusal, kinds=list(OrgKind),
                          services=service_names(self._portal), channels=list(ENROLMENT_CHANNELS),
                          chosen_services=set(form.texts("services")), chosen_channels=set(form.texts("channels")))


class ApplicationsPage:
    """``GET /applications``: the hub operator's list, waiting applications first."""

    def __init__(self, portal: Portal):
        self._portal = portal

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        principal = signed_in(req).principal
        applications = identity_of(self._portal).signups.list(principal)
        applications.sort(key=lambda a: (a.status != SignupStatus.PENDING, -a.submitted_at.timestamp()))
        _ = self._portal.gettext(req)
        title = _("Applications")
        self._portal.page(req, resp, "applications.html", page_title=title, applications=applications,
                          breadcrumbs=[(_("Overview"), "/"), (title, "/applications")])


class ApplicationPage:
    """``/applications/{id}``: one application; ``POST .../approval`` or ``.../rejection`` decides it."""

    def __init__(self, portal: Portal):
        self._portal = portal

    def on_get(self, req: falcon.Request, resp: falcon.Response, signup_id: str) -> None:
        application = identity_of(self._portal).signups.get(signed_in(req).principal, signup_id)
        done = self._portal.gettext(req)(REJECTED_DONE) if req.get_param("done") == "rejected" else None
        self._show(req, resp, application, Form({}), PageErrors(), done)

    def on_post_decision(self, req: falcon.Request, resp: falcon.Response, signup_id: str, decision: str) -> None:
        if decision not in ("approval", "rejection"):
            raise falcon.HTTPNotFound()
        principal = signed_in(req).principal
        signups = identity_of(self._portal).signups
        form = Form.read(req)
        _ = self._portal.gettext(req)
        errors = PageErrors()
        try:
            if decision == "approval":
                outcome = signups.approve(principal, signup_id, username=form.text("username") or None)
            else:
                signups.reject(principal, signup_id, form.text("reason"))
        except GgkError as error:
            errors.add(explain(error, principal), _)
            self._show(req, resp, signups.get(principal, signup_id), form, errors, None)
            return

        log.info("web_signup_decided", signup_id=signup_id, decision=decision, actor=principal.describe())
        if decision == "rejection":
            raise falcon.HTTPSeeOther(f"/applications/{signup_id}?done=rejected")
        show_invitation(self._portal, req, resp, outcome.invitation, status=201)

    def _show(self, req, resp, application, form: Form, errors: PageErrors, done: str | None) -> None:
        _ = self._portal.gettext(req)
        title = _("Application of %(code)s") % {"code": application.code}
        self._portal.page(req, resp, "application.html", status=errors.status, page_title=title,
                          application=application, form=form, errors=errors.fields, refusal=errors.refusal, done=done,
                          services=service_names(self._portal),
                          breadcrumbs=[(_("Overview"), "/"), (_("Applications"), "/applications"),
                                       (application.code, f"/applications/{application.id}")])
