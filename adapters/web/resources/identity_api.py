"""The account, invitation, sign-up and audit actions of the portal as JSON under ``/api/``.

Each call runs as the signed-in user (session cookie); state-changing calls need the
``X-CSRF-Token`` header. Callers without a session (sign-up, accepting an invitation)
get a token from ``GET /api/csrf``. Core's refusals become RFC 9457 problems with the
same plain-language text as the pages.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import falcon

from adapters.i18n.catalog import N_
from adapters.web.audit_filters import parse_audit_filters
from adapters.web.errors import PortalError
from adapters.web.forms import json_body, json_strings, json_text, parse_grants, parse_roles
from adapters.web.identity_views import (
    audit_page_view, invitation_view, pending_invitation_view, signup_view, user_view,
)
from adapters.web.portal import Portal, signed_in
from adapters.web.resources.accounts import change_access, identity_of, refused
from adapters.web.resources.signups import ANONYMOUS, CORE_FIELDS
from adapters.web.resources.users import HUB_OPERATORS, chosen_organisation
from core.errors import GgkError
from core.identity.model import SignupStatus
from core.model import Channel, OrgKind
from core.principal import Principal

USER_ACTIONS = ("access", "disable", "enable", "invitation", "second-factor-reset")
UNKNOWN_VALUES = N_("Unknown values: %(values)s.")


@contextmanager
def core_refusals(principal: Principal | None, subject_user_id: str | None = None,
                  fields: dict[str, str] | None = None) -> Iterator[None]:
    """Turn a core error inside the block into a problem response with a plain-language detail."""
    try:
        yield
    except GgkError as error:
        raise refused(error, principal, subject_user_id, fields) from None


def _unknown(name: str, values: list[str]) -> PortalError:
    return PortalError(400, "GGK400", UNKNOWN_VALUES, {"values": ", ".join(values)},
                       fields={name: (UNKNOWN_VALUES, {"values": ", ".join(values)})})


def access_from(body: dict):
    roles, unknown_roles = parse_roles(json_strings(body, "roles"))
    grants, unknown_grants = parse_grants(json_strings(body, "grants"))
    if unknown_roles:
        raise _unknown("roles", unknown_roles)
    if unknown_grants:
        raise _unknown("grants", unknown_grants)
    return roles, grants


class UsersApi:
    """``GET /api/users``: the accounts the caller manages; ``POST``: invite a user and return the one-time link."""

    def __init__(self, portal: Portal):
        self._portal = portal

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        principal = signed_in(req).principal
        organisation = chosen_organisation(req, principal)
        everyone = principal.organisation is None and not (req.get_param("org") or "").strip()
        with core_refusals(principal):
            users = identity_of(self._portal).users.list(principal, None if everyone else organisation)
        if not everyone and organisation is None:
            users = [user for user in users if user.organisation is None]
        resp.media = {"organisation": None if everyone else organisation, "users": [user_view(u) for u in users]}

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        principal = signed_in(req).principal
        body = json_body(req)
        roles, grants = access_from(body)
        organisation = json_text(body, "organisation")
        if organisation is None or organisation == HUB_OPERATORS:
            organisation = principal.organisation
        with core_refusals(principal):
            issued = identity_of(self._portal).invitations.invite(
                principal, organisation, roles, grants, username=json_text(body, "username"),
                email=json_text(body, "email"))
        resp.status = falcon.HTTP_201
        resp.media = invitation_view(issued)


class UserApi:
    """``GET /api/users/{id}``: one account the caller manages, or the caller's own."""

    def __init__(self, portal: Portal):
        self._portal = portal

    def on_get(self, req: falcon.Request, resp: falcon.Response, user_id: str) -> None:
        principal = signed_in(req).principal
        with core_refusals(principal, user_id):
            resp.media = user_view(identity_of(self._portal).users.get(principal, user_id))


class UserActionApi:
    """``POST /api/users/{id}/{action}``: access, disable, enable, invitation, second-factor-reset."""

    def __init__(self, portal: Portal):
        self._portal = portal

    def on_post(self, req: falcon.Request, resp: falcon.Response, user_id: str, action: str) -> None:
        if action not in USER_ACTIONS:
            raise PortalError(404, "GGK404")
        principal = signed_in(req).principal
        identity = identity_of(self._portal)
        body = json_body(req) if action == "access" else {}
        with core_refusals(principal, user_id):
            if action == "invitation":
                resp.status = falcon.HTTP_201
                resp.media = invitation_view(identity.invitations.reissue(principal, user_id))
                return
            user = self._perform(self._portal, identity, principal, user_id, action, body)
        resp.media = user_view(user)

    @staticmethod
    def _perform(portal: Portal, identity, principal: Principal, user_id: str, action: str, body: dict):
        if action == "disable":
            return identity.users.disable(principal, user_id)
        if action == "enable":
            return identity.users.enable(principal, user_id)
        if action == "second-factor-reset":
            return identity.users.reset_second_factor(principal, user_id)
        roles, grants = access_from(body)
        return change_access(portal, principal, identity.users.get(principal, user_id), roles, grants)


class InvitationApi:
    """``GET /api/invitations/{token}``: what the link is for; ``POST``: accept it with a password."""

    def __init__(self, portal: Portal):
        self._portal = portal

    def on_get(self, req: falcon.Request, resp: falcon.Response, token: str) -> None:
        with core_refusals(None):
            resp.media = pending_invitation_view(identity_of(self._portal).invitations.view(token))

    def on_post(self, req: falcon.Request, resp: falcon.Response, token: str) -> None:
        body = json_body(req)
        password = body.get("password")
        if not isinstance(password, str) or not password:
            raise PortalError(400, "GGK400", N_("Choose a password."), fields={"password": N_("Choose a password.")})
        with core_refusals(None):
            user = identity_of(self._portal).invitations.accept(token, password, json_text(body, "username"))
        resp.media = user_view(user)


class SignupsApi:
    """``POST /api/signups``: apply (no login); ``GET``: the hub operator's list, ``?status=`` to filter."""

    def __init__(self, portal: Portal):
        self._portal = portal

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        principal = signed_in(req).principal
        status = req.get_param("status")
        if status is not None and status not in {s.value for s in SignupStatus}:
            raise PortalError(400, "GGK400-FILTER", N_("Choose status pending, approved or rejected."),
                              fields={"status": N_("Choose status pending, approved or rejected.")})
        with core_refusals(principal):
            applications = identity_of(self._portal).signups.list(principal, SignupStatus(status) if status else None)
        resp.media = {"signups": [signup_view(application) for application in applications]}

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        body = json_body(req)
        try:
            kind = OrgKind(json_text(body, "kind") or "")
            channels = [Channel(value) for value in json_strings(body, "channels")]
        except ValueError:
            message = N_("Give kind gemeente, aanbieder or ketenpartner, and channels portal, webservice or filedrop.")
            raise PortalError(400, "GGK400", message) from None
        with core_refusals(ANONYMOUS, fields=CORE_FIELDS):
            application = identity_of(self._portal).signups.submit(
                ANONYMOUS, kind, json_text(body, "code") or "", json_text(body, "name") or "",
                json_strings(body, "services"), channels, json_text(body, "contact_name") or "",
                json_text(body, "contact_email") or "", json_text(body, "username") or "")
        resp.status = falcon.HTTP_201
        resp.media = signup_view(application)


class SignupApi:
    """``GET /api/signups/{id}``; ``POST .../approval`` (``username`` optional) or ``.../rejection`` (``reason``)."""

    def __init__(self, portal: Portal):
        self._portal = portal

    def on_get(self, req: falcon.Request, resp: falcon.Response, signup_id: str) -> None:
        principal = signed_in(req).principal
        with core_refusals(principal):
            resp.media = signup_view(identity_of(self._portal).signups.get(principal, signup_id))

    def on_post_decision(self, req: falcon.Request, resp: falcon.Response, signup_id: str, decision: str) -> None:
        if decision not in ("approval", "rejection"):
            raise PortalError(404, "GGK404")
        principal = signed_in(req).principal
        body = json_body(req)
        signups = identity_of(self._portal).signups
        with core_refusals(principal):
            if decision == "rejection":
                outcome = signups.reject(principal, signup_id, json_text(body, "reason") or "")
                resp.media = {"signup": signup_view(outcome.application), "invitation": None}
                return
            outcome = signups.approve(principal, signup_id, username=json_text(body, "username"))
        resp.status = falcon.HTTP_201
        resp.media = {"signup": signup_view(outcome.application), "invitation": invitation_view(outcome.invitation)}


class AuditApi:
    """``GET /api/audit``: one page of audit records, newest first; ``next`` is the ``before`` of the next page."""

    def __init__(self, portal: Portal):
        self._portal = portal

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        principal = signed_in(req).principal
        identity = identity_of(self._portal)
        with core_refusals(principal):
            filters = parse_audit_filters(req, lambda username: identity.users.find(principal, username).id)
            if filters.errors:
                raise PortalError(400, "GGK400-FILTER", N_("One or more filters are not valid."), fields=filters.errors)
            page = identity.audit.read(principal, filters.query)
        resp.media = audit_page_view(page)
