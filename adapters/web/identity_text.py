"""Words of the account pages: roles, actions, audit events, and core's refusals in plain language.

Core's identity errors carry an English developer text and a stable code with
parameters. ``explain`` turns them into a message for the person at the form, naming
the form field it concerns where there is one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from adapters.i18n.catalog import N_
from core.errors import Conflict, GgkError, InvalidRequest, NotAuthorised, NotFound
from core.identity.model import AuditEvent, SignupStatus, UserStatus
from core.model import Channel, OrgKind
from core.principal import Action, Principal, Role

ROLE_LABELS = {
    Role.OPERATOR: N_("Hub operator"),
    Role.GEBRUIKERSBEHEERDER: N_("User administrator"),
    Role.PRODUCTBEHEERDER: N_("Product administrator"),
    Role.GEBRUIKER: N_("User"),
}
ROLE_HINTS = {
    Role.OPERATOR: N_("Manages the hub, its organisations and the applications."),
    Role.GEBRUIKERSBEHEERDER: N_("Manages the accounts of colleagues in the organisation."),
    Role.PRODUCTBEHEERDER: N_("Manages the organisation's CPAs for the webservice."),
    Role.GEBRUIKER: N_("Works with the services granted below."),
}
ACTION_LABELS = {
    Action.SEND: N_("Send"),
    Action.RECEIVE: N_("Receive"),
    Action.REGISTERTOETS: N_("Registertoets"),
}
STATUS_LABELS = {
    UserStatus.INVITED: N_("Invited"),
    UserStatus.ACTIVE: N_("Active"),
    UserStatus.DISABLED: N_("Disabled"),
}
SIGNUP_LABELS = {
    SignupStatus.PENDING: N_("Waiting for a decision"),
    SignupStatus.APPROVED: N_("Approved"),
    SignupStatus.REJECTED: N_("Rejected"),
}
KIND_LABELS = {
    OrgKind.GEMEENTE: N_("Gemeente"),
    OrgKind.AANBIEDER: N_("Care provider (aanbieder)"),
    OrgKind.KETENPARTNER: N_("Chain partner"),
}
CHANNEL_LABELS = {
    Channel.PORTAL: N_("Web portal"),
    Channel.WEBSERVICE: N_("Webservice (Digikoppeling)"),
    Channel.FILEDROP: N_("File drop"),
}
AUDIT_LABELS = {
    AuditEvent.LOGIN_SUCCEEDED: N_("Logged in"),
    AuditEvent.LOGIN_FAILED: N_("Login failed"),
    AuditEvent.LOGIN_LOCKED: N_("Login locked after failed attempts"),
    AuditEvent.LOGOUT: N_("Logged out"),
    AuditEvent.TOTP_ENROLLED: N_("Authenticator app linked"),
    AuditEvent.RECOVERY_CODE_USED: N_("Recovery code used"),
    AuditEvent.SECOND_FACTOR_RESET: N_("Second factor reset"),
    AuditEvent.PASSWORD_CHANGED: N_("Password changed"),
    AuditEvent.USER_CREATED: N_("Account created"),
    AuditEvent.USER_DISABLED: N_("Account disabled"),
    AuditEvent.USER_ENABLED: N_("Account enabled"),
    AuditEvent.ROLES_CHANGED: N_("Roles changed"),
    AuditEvent.GRANTS_CHANGED: N_("Services changed"),
    AuditEvent.INVITATION_ISSUED: N_("Invitation link issued"),
    AuditEvent.INVITATION_ACCEPTED: N_("Invitation accepted"),
    AuditEvent.SIGNUP_SUBMITTED: N_("Application submitted"),
    AuditEvent.SIGNUP_APPROVED: N_("Application approved"),
    AuditEvent.SIGNUP_REJECTED: N_("Application rejected"),
    AuditEvent.MESSAGE_UPLOADED: N_("Message sent"),
    AuditEvent.MESSAGE_DOWNLOADED: N_("Message downloaded"),
}

NOT_OWN_ACCOUNT = N_("Nobody may change their own account. Ask another user administrator or the hub operator.")
OPERATOR_ONLY_ACCOUNT = N_("Only the hub operator manages an account with the role %(roles)s.")
ROLE_NOT_YOURS = N_("You may not give the role %(roles)s. The hub operator does that.")
GRANT_NOT_ENROLLED = N_("You cannot grant %(grants)s: the organisation is not enrolled for that service.")
OTHER_ORGANISATION = N_("You may not manage the accounts of %(organisation)s.")
HUB_OPERATORS = N_("You may not manage the accounts of hub operators.")
NOT_ALLOWED = N_("You are not authorised to do this.")
USERNAME_RULE = N_("A username has 3 to 64 letters, digits or the characters . _ @ -, and starts with a letter or digit.")
USERNAME_TAKEN = N_("The username %(username)s is taken. Choose another.")
PASSWORD_SHORT = N_("The password is too short: use at least %(count)s characters.")
PASSWORD_LONG = N_("The password is too long: use at most %(count)s characters.")
PASSWORD_USERNAME = N_("Choose a password that differs from the username.")
EMAIL_RULE = N_("Enter an e-mail address such as naam@gemeente.nl.")
ROLE_REQUIRED = N_("Choose at least one role.")
SERVICE_REQUIRED = N_("Choose at least one service.")
SERVICE_UNKNOWN = N_("Choose one of the listed services.")
CHANNEL_RULE = N_("Choose the web portal, the webservice or the file drop.")
CODE_RULE = N_("A gemeentecode has 4 digits, an AGB code 8 digits, and a chain partner's code 2 to 16 capitals or digits, such as CAK.")
TEXT_RULE = N_("Fill in this field, in at most 200 characters.")
KIND_CONFLICT = N_("Organisation %(code)s exists already as another kind of organisation.")
APPLICATION_PENDING = N_("An application for %(code)s is already waiting for a decision.")
APPLICATION_DECIDED = N_("This application was decided already.")
ACCOUNT_DISABLED = N_("This account is disabled. Enable it first.")
LINK_INVALID = N_("This link is not valid, was used already or has expired. Ask your user administrator for a new link.")
NOT_FOUND = N_("This account or application does not exist, or you may not see it.")
INVALID = N_("The request is not valid. Check what you entered and try again.")


@dataclass(frozen=True)
class Explanation:
    """A refusal for people: untranslated ``message`` and its ``params``; ``field`` is the form field, if any."""

    status: int
    code: str
    message: str
    params: dict = field(default_factory=dict)
    field: str | None = None


def explain(error: GgkError, principal: Principal | None = None, subject_user_id: str | None = None,
            fields: dict[str, str] | None = None) -> Explanation:
    """Explain an identity error; ``fields`` renames core's field names to the form's, e.g. email -> contact_email."""
    found = _explanation(error, principal, subject_user_id)
    if found.field and fields:
        return Explanation(found.status, found.code, found.message, found.params, fields.get(found.field, found.field))
    return found


def _explanation(error: GgkError, principal: Principal | None, subject_user_id: str | None) -> Explanation:
    if error.code == "GGK410":
        return Explanation(410, error.code, LINK_INVALID)
    if isinstance(error, NotAuthorised):
        return _refusal(error, principal, subject_user_id)
    if isinstance(error, InvalidRequest):
        return _invalid(error)
    if isinstance(error, Conflict):
        return _conflict(error)
    if isinstance(error, NotFound):
        return Explanation(404, error.code, NOT_FOUND)
    raise error


def _refusal(error: NotAuthorised, principal: Principal | None, subject_user_id: str | None) -> Explanation:
    params = error.params
    if principal is not None and principal.user is not None and principal.user == subject_user_id:
        return Explanation(403, error.code, NOT_OWN_ACCOUNT)
    if "roles" in params:
        roles = ", ".join(params["roles"])
        message = OPERATOR_ONLY_ACCOUNT if "user_id" in params else ROLE_NOT_YOURS
        return Explanation(403, error.code, message, {"roles": roles}, None if "user_id" in params else "roles")
    if "grants" in params:
        return Explanation(403, error.code, GRANT_NOT_ENROLLED, {"grants": ", ".join(params["grants"])}, "grants")
    if "organisation" in params:
        if params["organisation"] is None:
            return Explanation(403, error.code, HUB_OPERATORS)
        return Explanation(403, error.code, OTHER_ORGANISATION, {"organisation": params["organisation"]})
    return Explanation(403, error.code, NOT_ALLOWED)


def _invalid(error: InvalidRequest) -> Explanation:
    params = error.params
    name = params.get("field")
    if name == "password":
        return _password(error)
    by_field = {"username": USERNAME_RULE, "email": EMAIL_RULE, "roles": ROLE_REQUIRED, "services": SERVICE_REQUIRED,
                "name": TEXT_RULE, "contact_name": TEXT_RULE, "reason": TEXT_RULE}
    if name in by_field:
        return Explanation(400, error.code, by_field[name], field=name)
    if "services" in params:
        return Explanation(400, error.code, SERVICE_UNKNOWN, field="services")
    if "channels" in params:
        return Explanation(400, error.code, CHANNEL_RULE, field="channels")
    if "kind" in params:
        return Explanation(400, error.code, CODE_RULE, field="code")
    if "code" in params:
        return Explanation(400, error.code, KIND_CONFLICT, {"code": params["code"]})
    if "user_id" in params:
        return Explanation(400, error.code, ACCOUNT_DISABLED)
    return Explanation(400, error.code, INVALID)


def _password(error: InvalidRequest) -> Explanation:
    rule = error.params.get("rule")
    if rule == "min_length":
        return Explanation(400, error.code, PASSWORD_SHORT, {"count": error.params["min_length"]}, "password")
    if rule == "max_length":
        return Explanation(400, error.code, PASSWORD_LONG, {"count": error.params["max_length"]}, "password")
    return Explanation(400, error.code, PASSWORD_USERNAME, field="password")


def _conflict(error: Conflict) -> Explanation:
    params = error.params
    if "username" in params:
        return Explanation(409, error.code, USERNAME_TAKEN, {"username": params["username"]}, "username")
    if "signup_id" in params:
        return Explanation(409, error.code, APPLICATION_DECIDED)
    if "code" in params:
        return Explanation(409, error.code, APPLICATION_PENDING, {"code": params["code"]}, "code")
    return Explanation(409, error.code, INVALID)
