"""Account management pages: the list, inviting a user, and one account with its roles, grants and actions.

A gebruikersbeheerder manages their own organisation's accounts, the hub operator every
account (choosing the organisation with ``?org=``). Core decides every change. The
pages only leave out forms that core would refuse, and show core's refusal in plain
language when it refuses anyway.
"""

from __future__ import annotations

import falcon
import structlog

from adapters.i18n.catalog import N_
from adapters.web.forms import Form, grant_value, parse_grants, parse_roles
from adapters.web.identity_text import explain
from adapters.web.portal import Portal, signed_in
from adapters.web.resources.accounts import PageErrors, account_choices, change_access, identity_of
from core.errors import GgkError, NotAuthorised
from core.identity import rules
from core.identity.model import User
from core.principal import Principal

log = structlog.get_logger(__name__)

HUB_OPERATORS = "-"  # the ?org= value for accounts without organisation
DONE = {
    "access": N_("The roles and services are saved."),
    "disabled": N_("The account is disabled. Its sessions have ended."),
    "enabled": N_("The account is enabled."),
    "second-factor": N_("The second factor is reset. At the next login the user links an authenticator app again."),
}
UNKNOWN_CHOICE = N_("Choose from the listed options.")


def chosen_organisation(req: falcon.Request, principal: Principal) -> str | None:
    """Return the organisation whose accounts the page is about; the operator's ``-`` means hub operators."""
    if principal.organisation is not None:
        return principal.organisation
    chosen = (req.get_param("org") or "").strip()
    return None if chosen in ("", HUB_OPERATORS) else chosen


class UsersPage:
    """``GET /users``: the accounts of an organisation (the operator: of every one, or of ``?org=``)."""

    def __init__(self, portal: Portal):
        self._portal = portal

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        session = signed_in(req)
        principal = session.principal
        organisation = chosen_organisation(req, principal)
        all_accounts = principal.organisation is None and not (req.get_param("org") or "").strip()
        users = identity_of(self._portal).users.list(principal, None if all_accounts else organisation)
        if not all_accounts and organisation is None:
            users = [user for user in users if user.organisation is None]
        _ = self._portal.gettext(req)
        title = _("Users")
        self._portal.page(req, resp, "users.html", page_title=title, users=users, organisation=organisation,
                          org_param=(req.get_param("org") or "").strip(), is_operator=principal.organisation is None,
                          breadcrumbs=[(_("Overview"), "/"), (title, "/users")])


class InvitePage:
    """``/users/new``: invite a colleague; the one-time link is shown once, and mailed when SMTP is set up."""

    def __init__(self, portal: Portal):
        self._portal = portal

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        principal = signed_in(req).principal
        if principal.organisation is None and not (req.get_param("org") or "").strip():
            self._choose_organisation(req, resp, principal)
            return
        self._show(req, resp, chosen_organisation(req, principal), Form({}), PageErrors())

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        principal = signed_in(req).principal
        organisation = chosen_organisation(req, principal)
        form = Form.read(req)
        _ = self._portal.gettext(req)
        errors = PageErrors()
        roles, unknown_roles = parse_roles(form.texts("roles"))
        grants, unknown_grants = parse_grants(form.texts("grants"))
        if unknown_roles or unknown_grants:
            errors.add_field("roles" if unknown_roles else "grants", UNKNOWN_CHOICE, _)
            self._show(req, resp, organisation, form, errors)
            return
        try:
            issued = identity_of(self._portal).invitations.invite(
                principal, organisation, roles, grants, username=form.text("username") or None,
                email=form.text("email") or None)
        except GgkError as error:
            errors.add(explain(error, principal), _)
            self._show(req, resp, organisation, form, errors)
            return
        log.info("web_user_invited", user_id=issued.user.id, organisation=organisation, actor=principal.describe())
        show_invitation(self._portal, req, resp, issued, status=201)

    def _choose_organisation(self, req, resp, principal) -> None:
        _ = self._portal.gettext(req)
        organisations = self._portal.organisations.list(principal)
        title = _("Invite a user")
        self._portal.page(req, resp, "user_choose_organisation.html", page_title=title, organisations=organisations,
                          breadcrumbs=[(_("Overview"), "/"), (_("Users"), "/users"), (title, "/users/new")])

    def _show(self, req, resp, organisation: str | None, form: Form, errors: PageErrors) -> None:
        principal = signed_in(req).principal
        _ = self._portal.gettext(req)
        choices = account_choices(self._portal, principal, organisation)
        title = _("Invite a user")
        self._portal.page(
            req, resp, "user_new.html", status=errors.status, page_title=title, organisation=organisation,
            org_param=organisation or HUB_OPERATORS, choices=choices, form=form, errors=errors.fields,
            refusal=errors.refusal, selected_roles=set(form.texts("roles")), selected_grants=set(form.texts("grants")),
            breadcrumbs=[(_("Overview"), "/"), (_("Users"), "/users"), (title, "/users/new")],
        )


def show_invitation(portal: Portal, req: falcon.Request, resp: falcon.Response, issued, *, status: int) -> None:
    """Show the one-time link of ``issued``: the hub keeps only its hash, so this is the only time it is seen."""
    _ = portal.gettext(req)
    title = _("Invitation link")
    portal.page(req, resp, "invitation_link.html", status=status, page_title=title, issued=issued,
                breadcrumbs=[(_("Overview"), "/"), (_("Users"), "/users"), (title, req.path)])


class UserPage:
    """``GET /users/{id}``: one account, with forms for what the signed-in user may change."""

    def __init__(self, portal: Portal):
        self._portal = portal

    def on_get(self, req: falcon.Request, resp: falcon.Response, user_id: str) -> None:
        user = identity_of(self._portal).users.get(signed_in(req).principal, user_id)
        render_user(self._portal, req, resp, user, PageErrors(), done=req.get_param("done"))


def render_user(portal: Portal, req, resp, user: User, errors: PageErrors, done: str | None = None) -> None:
    principal = signed_in(req).principal
    _ = portal.gettext(req)
    blocked = None
    try:
        rules.require_manage_user(principal, user)
    except NotAuthorised as error:
        explanation = explain(error, principal, user.id)
        blocked = _(explanation.message) % explanation.params if explanation.params else _(explanation.message)
    choices = account_choices(portal, principal, user.organisation) if blocked is None else None
    label = user.username or _("(not chosen yet)")
    portal.page(
        req, resp, "user.html", status=errors.status, page_title=_("Account %(name)s") % {"name": label},
        user=user, label=label, choices=choices, blocked=blocked, errors=errors.fields, refusal=errors.refusal,
        done=_(DONE[done]) if done in DONE else None, user_grants={grant_value(g) for g in user.grants},
        user_roles={role.value for role in user.roles},
        breadcrumbs=[(_("Overview"), "/"), (_("Users"), "/users"), (label, f"/users/{user.id}")],
    )


class UserAction:
    """``POST /users/{id}/{action}``: change access, disable or enable, issue a new link, reset the second factor."""

    ACTIONS = ("access", "status", "link", "second-factor")

    def __init__(self, portal: Portal):
        self._portal = portal

    def on_post(self, req: falcon.Request, resp: falcon.Response, user_id: str, action: str) -> None:
        if action not in self.ACTIONS:
            raise falcon.HTTPNotFound()
        principal = signed_in(req).principal
        identity = identity_of(self._portal)
        user = identity.users.get(principal, user_id)
        form = Form.read(req)
        _ = self._portal.gettext(req)
        errors = PageErrors()
        try:
            done = self._perform(identity, principal, user, action, form, errors, _)
        except GgkError as error:
            errors.add(explain(error, principal, user.id), _)
            done = None
        if errors:
            render_user(self._portal, req, resp, identity.users.get(principal, user_id), errors)
            return
        if action == "link":
            show_invitation(self._portal, req, resp, done, status=201)
            return
        log.info("web_user_changed", user_id=user.id, action=action, actor=principal.describe())
        raise falcon.HTTPSeeOther(f"/users/{user.id}?done={done}")

    def _perform(self, identity, principal: Principal, user: User, action: str, form: Form, errors: PageErrors, _):
        if action == "access":
            return self._access(identity, principal, user, form, errors, _)
        if action == "status":
            if form.text("action") == "disable":
                identity.users.disable(principal, user.id)
                return "disabled"
            identity.users.enable(principal, user.id)
            return "enabled"
        if action == "link":
            return identity.invitations.reissue(principal, user.id)
        identity.users.reset_second_factor(principal, user.id)
        return "second-factor"

    def _access(self, identity, principal: Principal, user: User, form: Form, errors: PageErrors, _) -> str | None:
        roles, unknown_roles = parse_roles(form.texts("roles"))
        grants, unknown_grants = parse_grants(form.texts("grants"))
        if unknown_roles or unknown_grants:
            errors.add_field("roles" if unknown_roles else "grants", UNKNOWN_CHOICE, _)
            return None
        change_access(self._portal, principal, user, roles, grants)
        return "access"
