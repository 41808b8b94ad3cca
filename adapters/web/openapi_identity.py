"""The OpenAPI description of the account, invitation, sign-up and audit calls, merged into ``/api/openapi.json``."""

from __future__ import annotations

from adapters.web.openapi import FORBIDDEN, NULLABLE_STRING, UNSIGNED, _json, _parameter, _problem, _ref

MOMENT = {"type": "string", "format": "date-time"}
NULLABLE_MOMENT = {"type": ["string", "null"], "format": "date-time"}
ROLES = ["operator", "gebruikersbeheerder", "productbeheerder", "gebruiker"]
AUDIT_EVENTS = [
    "login_succeeded", "login_failed", "login_locked", "logout", "totp_enrolled", "recovery_code_used",
    "second_factor_reset", "password_changed", "user_created", "user_disabled", "user_enabled", "roles_changed",
    "grants_changed", "invitation_issued", "invitation_accepted", "signup_submitted", "signup_approved",
    "signup_rejected", "message_uploaded", "message_downloaded",
]
CSRF_HEADER = {"name": "X-CSRF-Token", "in": "header", "required": True, "schema": {"type": "string"}}
GRANT = {"type": "string", "pattern": "^[a-z0-9]+:(send|receive|registertoets)$", "description": "service:action"}
REFUSED = _problem("Core refused the change (GGK403), with the reason in `detail`.")
INVALID = _problem("A value is not valid (GGK400); `errors` names the field.")
CONFLICT = _problem("The username is taken, or the application is pending or decided already (GGK409).")
NOT_FOUND = _problem("No such account or application among those the caller may see (GGK404).")


def _path(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}


def _body(schema: dict) -> dict:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


SCHEMAS = {
    "User": {
        "type": "object",
        "required": ["id", "username", "organisation", "roles", "grants", "status", "links"],
        "properties": {
            "id": {"type": "string", "format": "uuid"},
            "username": {"type": ["string", "null"], "description": "Null until an invitee chooses one."},
            "organisation": {"type": ["string", "null"], "description": "Null for a hub operator."},
            "roles": {"type": "array", "items": {"type": "string", "enum": ROLES}},
            "grants": {"type": "array", "items": GRANT},
            "email": NULLABLE_STRING,
            "status": {"type": "string", "enum": ["invited", "active", "disabled"]},
            "created_at": NULLABLE_MOMENT,
            "links": {"type": "object", "required": ["self"], "properties": {"self": {"type": "string"}}},
        },
    },
    "UserList": {
        "type": "object",
        "required": ["organisation", "users"],
        "properties": {"organisation": NULLABLE_STRING, "users": {"type": "array", "items": _ref("User")}},
    },
    "Invitation": {
        "type": "object",
        "required": ["user", "link", "expires_at", "mailed"],
        "properties": {
            "user": _ref("User"),
            "link": {"type": "string", "description": "The one-time link; the hub cannot show it again."},
            "expires_at": MOMENT,
            "mailed": {"type": "boolean", "description": "Whether the link was also e-mailed."},
        },
    },
    "PendingInvitation": {
        "type": "object",
        "required": ["username", "organisation", "expires_at"],
        "properties": {"username": NULLABLE_STRING, "organisation": NULLABLE_STRING, "expires_at": MOMENT},
    },
    "Signup": {
        "type": "object",
        "required": ["id", "submitted_at", "kind", "code", "name", "services", "channels", "status", "links"],
        "properties": {
            "id": {"type": "string", "format": "uuid"},
            "submitted_at": MOMENT,
            "kind": {"type": "string", "enum": ["gemeente", "aanbieder", "ketenpartner"]},
            "code": {"type": "string"},
            "name": {"type": "string"},
            "services": {"type": "array", "items": {"type": "string"}},
            "channels": {"type": "array", "items": {"type": "string", "enum": ["portal", "webservice", "filedrop"]}},
            "contact_name": {"type": "string"},
            "contact_email": {"type": "string"},
            "username": {"type": "string"},
            "status": {"type": "string", "enum": ["pending", "approved", "rejected"]},
            "decided_at": NULLABLE_MOMENT,
            "reason": NULLABLE_STRING,
            "user_id": NULLABLE_STRING,
            "links": {"type": "object", "required": ["self"], "properties": {"self": {"type": "string"}}},
        },
    },
    "SignupList": {
        "type": "object", "required": ["signups"],
        "properties": {"signups": {"type": "array", "items": _ref("Signup")}},
    },
    "SignupDecision": {
        "type": "object",
        "required": ["signup", "invitation"],
        "properties": {"signup": _ref("Signup"), "invitation": {"oneOf": [_ref("Invitation"), {"type": "null"}]}},
    },
    "AuditRecord": {
        "type": "object",
        "required": ["id", "at", "event", "actor"],
        "properties": {
            "id": {"type": "integer"},
            "at": MOMENT,
            "event": {"type": "string", "enum": AUDIT_EVENTS},
            "actor": {"type": "string", "description": "Who acted, e.g. user:ID@0384/portal, or anonymous/portal."},
            "organisation": NULLABLE_STRING,
            "actor_user_id": NULLABLE_STRING,
            "subject_user_id": NULLABLE_STRING,
            "message_id": NULLABLE_STRING,
            "signup_id": NULLABLE_STRING,
            "details": {"type": "object", "description": "Non-secret facts, such as roles before and after."},
        },
    },
    "AuditPage": {
        "type": "object",
        "required": ["records", "next"],
        "properties": {
            "records": {"type": "array", "items": _ref("AuditRecord")},
            "next": {"type": ["string", "null"], "description": "Pass as `before` for the next page; null on the last."},
        },
    },
    "CsrfToken": {"type": "object", "required": ["csrf_token"], "properties": {"csrf_token": {"type": "string"}}},
}

ACCESS = {"type": "object", "required": ["roles", "grants"],
          "properties": {"roles": {"type": "array", "items": {"type": "string"}},
                         "grants": {"type": "array", "items": {"type": "string"}}}}
INVITE = {"type": "object", "required": ["roles"], "properties": {
    "organisation": {"type": ["string", "null"], "description": "The operator names it; - or null: a hub operator "
                                                                "account. A user administrator's own by default."},
    "username": NULLABLE_STRING, "email": NULLABLE_STRING, **ACCESS["properties"]}}
SIGNUP = {"type": "object", "required": ["kind", "code", "name", "services", "contact_name", "contact_email", "username"],
          "properties": {"kind": {"type": "string"}, "code": {"type": "string"}, "name": {"type": "string"},
                         "services": {"type": "array", "items": {"type": "string"}},
                         "channels": {"type": "array", "items": {"type": "string"}},
                         "contact_name": {"type": "string"}, "contact_email": {"type": "string"},
                         "username": {"type": "string"}}}
AUDIT_FILTERS = [
    _parameter("event", "Only this event.", {"type": "string", "enum": AUDIT_EVENTS}),
    _parameter("user", "Records whose actor or subject is this account (username or id)."),
    _parameter("message", "Records about this message id."),
    _parameter("org", "Only this organisation (hub operator; a user administrator always reads their own)."),
    _parameter("from", "On or after this day (Dutch time).", {"type": "string", "format": "date"}),
    _parameter("to", "On or before this day (Dutch time).", {"type": "string", "format": "date"}),
    _parameter("before", "The `next` value of the previous page."),
    _parameter("limit", "Records per page, 1 to 500 (default 50).", {"type": "integer", "minimum": 1, "maximum": 500}),
]

PATHS = {
    "/api/csrf": {"get": {
        "summary": "Return a CSRF token for a caller without a session (sign-up, accepting an invitation).",
        "security": [], "responses": {"200": _json(_ref("CsrfToken"), "The token; keep the cookie it comes with.")},
    }},
    "/api/users": {
        "get": {
            "summary": "List the accounts the caller manages.",
            "parameters": [_parameter("org", "Hub operator: only this organisation, or - for the hub operators.")],
            "responses": {"200": _json(_ref("UserList"), "The accounts."), "401": UNSIGNED, "403": REFUSED},
        },
        "post": {
            "summary": "Invite a user: create the account and return its one-time link.",
            "parameters": [CSRF_HEADER], "requestBody": _body(INVITE),
            "responses": {"201": _json(_ref("Invitation"), "The new account and its link."), "400": INVALID,
                          "401": UNSIGNED, "403": FORBIDDEN, "409": CONFLICT},
        },
    },
    "/api/users/{user_id}": {"get": {
        "summary": "Return one account.", "parameters": [_path("user_id")],
        "responses": {"200": _json(_ref("User"), "The account."), "401": UNSIGNED, "404": NOT_FOUND},
    }},
    "/api/users/{user_id}/{action}": {"post": {
        "summary": "Change an account: access (roles and grants), disable, enable, invitation (a new link), "
                   "second-factor-reset. Nobody changes their own account.",
        "parameters": [_path("user_id"), {**_path("action"), "schema": {"type": "string", "enum": [
            "access", "disable", "enable", "invitation", "second-factor-reset"]}}, CSRF_HEADER],
        "requestBody": {"required": False, "content": {"application/json": {"schema": ACCESS}}},
        "responses": {"200": _json(_ref("User"), "The changed account."),
                      "201": _json(_ref("Invitation"), "The new link (action invitation)."), "400": INVALID,
                      "401": UNSIGNED, "403": REFUSED, "404": NOT_FOUND},
    }},
    "/api/invitations/{token}": {
        "get": {
            "summary": "Return what an invitation link is for.", "security": [], "parameters": [_path("token")],
            "responses": {"200": _json(_ref("PendingInvitation"), "The invitation."),
                          "410": _problem("The link is not valid, used or expired (GGK410).")},
        },
        "post": {
            "summary": "Accept an invitation: set the password (and the username, when left open).",
            "security": [], "parameters": [_path("token"), CSRF_HEADER],
            "requestBody": _body({"type": "object", "required": ["password"], "properties": {
                "password": {"type": "string"}, "username": NULLABLE_STRING}}),
            "responses": {"200": _json(_ref("User"), "The account, now active."), "400": INVALID, "403": FORBIDDEN,
                          "409": CONFLICT, "410": _problem("The link is not valid, used or expired (GGK410).")},
        },
    },
    "/api/signups": {
        "get": {
            "summary": "List applications (hub operator).",
            "parameters": [_parameter("status", "Only this status.", {"type": "string", "enum": [
                "pending", "approved", "rejected"]})],
            "responses": {"200": _json(_ref("SignupList"), "The applications."), "400": INVALID, "401": UNSIGNED,
                          "403": REFUSED},
        },
        "post": {
            "summary": "Apply for the hub; no login needed.", "security": [], "parameters": [CSRF_HEADER],
            "requestBody": _body(SIGNUP),
            "responses": {"201": _json(_ref("Signup"), "The stored application."), "400": INVALID, "403": FORBIDDEN,
                          "409": CONFLICT},
        },
    },
    "/api/signups/{signup_id}": {"get": {
        "summary": "Return one application (hub operator).", "parameters": [_path("signup_id")],
        "responses": {"200": _json(_ref("Signup"), "The application."), "401": UNSIGNED, "403": REFUSED,
                      "404": NOT_FOUND},
    }},
    "/api/signups/{signup_id}/{decision}": {"post": {
        "summary": "Decide an application: approval (optional `username`) or rejection (`reason`).",
        "parameters": [_path("signup_id"), {**_path("decision"), "schema": {
            "type": "string", "enum": ["approval", "rejection"]}}, CSRF_HEADER],
        "requestBody": _body({"type": "object", "properties": {"username": NULLABLE_STRING, "reason": NULLABLE_STRING}}),
        "responses": {"201": _json(_ref("SignupDecision"), "Approved: the first user administrator's link."),
                      "200": _json(_ref("SignupDecision"), "Rejected."), "400": INVALID, "401": UNSIGNED,
                      "403": REFUSED, "404": NOT_FOUND, "409": CONFLICT},
    }},
    "/api/audit": {"get": {
        "summary": "Return one page of audit records, newest first.", "parameters": AUDIT_FILTERS,
        "responses": {"200": _json(_ref("AuditPage"), "One page."), "400": INVALID, "401": UNSIGNED, "403": REFUSED},
    }},
}
