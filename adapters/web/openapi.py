"""The OpenAPI 3.1 description of the JSON API, served at ``/api/openapi.json``.

Tests validate every API answer they receive against this document, so a change to an
answer's shape fails until the document says the same.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

NULLABLE_STRING = {"type": ["string", "null"]}
NULLABLE_INTEGER = {"type": ["integer", "null"]}
STATES = ["received", "rejected", "validated", "routed", "delivered", "downloaded", "retour_received",
          "pushed", "push_failed", "undeliverable"]


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _problem(description: str) -> dict:
    return {"description": description, "content": {"application/problem+json": {"schema": _ref("Problem")}}}


def _parameter(name: str, description: str, schema: dict | None = None) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema or {"type": "string"}}


FILTERS = [
    _parameter("service", "Only this service, e.g. jw."),
    _parameter("type", "Only this message type, e.g. JW301."),
    _parameter("partner", "Only messages from (inbox) or to (sent) this organisation code."),
    _parameter("status", "Only messages in this state.", {"type": "string", "enum": STATES}),
    _parameter("from", "Received by the hub on or after this day (Dutch time).", {"type": "string", "format": "date"}),
    _parameter("to", "Received by the hub on or before this day (Dutch time).", {"type": "string", "format": "date"}),
    _parameter("identificatie", "Only messages with this BerichtIdentificatie/Identificatie."),
    _parameter("after", "The `next` cursor of the previous page."),
    _parameter("limit", "Messages per page, 1 to 500 (default 50).", {"type": "integer", "minimum": 1, "maximum": 500}),
    _parameter("org", "Organisation code; only the hub operator, who belongs to none, needs it."),
]

SCHEMAS = {
    "Problem": {
        "type": "object",
        "required": ["title", "status", "code", "detail"],
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string", "description": "Short summary in the caller's language."},
            "status": {"type": "integer"},
            "code": {"type": "string", "description": "Stable error code, e.g. GGK404 or IB007."},
            "detail": {"type": "string", "description": "Explanation for people, Dutch unless English was chosen."},
            "errors": {"type": "object", "additionalProperties": {"type": "string"},
                       "description": "Per invalid parameter, what is wrong with it."},
        },
    },
    "Rejection": {
        "type": ["object", "null"],
        "required": ["code", "explanation", "detail", "line", "column"],
        "properties": {
            "code": NULLABLE_STRING,
            "explanation": NULLABLE_STRING,
            "detail": NULLABLE_STRING,
            "line": NULLABLE_INTEGER,
            "column": NULLABLE_INTEGER,
        },
    },
    "Message": {
        "type": "object",
        "required": ["id", "received_at", "status", "sender", "recipient", "message_type", "links"],
        "properties": {
            "id": {"type": "string", "format": "uuid"},
            "received_at": {"type": "string", "format": "date-time"},
            "channel": {"type": "string", "enum": ["portal", "webservice", "filedrop", "cli"]},
            "sender": NULLABLE_STRING,
            "recipient": NULLABLE_STRING,
            "service": NULLABLE_STRING,
            "message_type": NULLABLE_STRING,
            "release": NULLABLE_STRING,
            "direction": {"type": ["string", "null"], "enum": ["heen", "retour", None]},
            "bericht_code": NULLABLE_STRING,
            "identificatie": NULLABLE_STRING,
            "dagtekening": {"type": ["string", "null"], "format": "date"},
            "retour_identificatie": NULLABLE_STRING,
            "retour_dagtekening": {"type": ["string", "null"], "format": "date"},
            "retour_codes": {"type": "array", "items": {"type": "string"}},
            "status": {"type": "string", "enum": STATES},
            "rejection": _ref("Rejection"),
            "heen_id": NULLABLE_STRING,
            "retour_id": NULLABLE_STRING,
            "heen_unknown": {"type": "boolean"},
            "filename": NULLABLE_STRING,
            "size": {"type": "integer", "minimum": 0},
            "downloaded_at": {"type": ["string", "null"], "format": "date-time"},
            "links": {
                "type": "object",
                "required": ["self", "file"],
                "properties": {"self": {"type": "string"}, "file": NULLABLE_STRING},
            },
        },
    },
    "Event": {
        "type": "object",
        "required": ["at", "state"],
        "properties": {
            "at": {"type": "string", "format": "date-time"},
            "state": {"type": "string", "enum": STATES},
            "code": NULLABLE_STRING,
            "description": {"type": "string", "description": "The step for people, in the caller's language."},
            "detail": {"type": ["string", "null"], "description": "The hub's technical note, in English."},
        },
    },
    "Trace": {
        "type": "object",
        "required": ["message", "events", "heen", "retour"],
        "properties": {
            "message": _ref("Message"),
            "events": {"type": "array", "items": _ref("Event")},
            "heen": {"oneOf": [_ref("Message"), {"type": "null"}]},
            "retour": {"oneOf": [_ref("Message"), {"type": "null"}]},
        },
    },
    "MessagePage": {
        "type": "object",
        "required": ["organisation", "box", "messages", "next"],
        "properties": {
            "organisation": {"type": "string"},
            "box": {"type": "string", "enum": ["inbox", "sent", "all"]},
            "messages": {"type": "array", "items": _ref("Message")},
            "next": {"type": ["string", "null"], "description": "Pass as `after` for the next page; null on the last."},
        },
    },
    "UploadResult": {
        "type": "object",
        "required": ["message_id", "file", "status", "code", "explanation"],
        "properties": {
            "message_id": {"type": ["string", "null"], "description": "Null only for a file the hub did not take in."},
            "file": NULLABLE_STRING,
            "status": {"type": "string", "enum": ["accepted", "rejected"]},
            "code": NULLABLE_STRING,
            "explanation": NULLABLE_STRING,
            "detail": NULLABLE_STRING,
            "line": NULLABLE_INTEGER,
            "column": NULLABLE_INTEGER,
            "message_type": NULLABLE_STRING,
            "recipient": NULLABLE_STRING,
            "heen_id": NULLABLE_STRING,
            "heen_unknown": {"type": "boolean"},
        },
    },
    "UploadResponse": {
        "type": "object",
        "required": ["results", "accepted", "rejected"],
        "properties": {
            "results": {"type": "array", "items": _ref("UploadResult")},
            "accepted": {"type": "integer", "minimum": 0},
            "rejected": {"type": "integer", "minimum": 0},
        },
    },
    "Count": {
        "type": "object",
        "required": ["count", "at_least"],
        "properties": {"count": {"type": "integer", "minimum": 0},
                       "at_least": {"type": "boolean",
                                     "description": "Always false: the counts are exact. Kept for older clients."}},
    },
    "Overview": {
        "type": "object",
        "required": ["organisation", "services", "days"],
        "properties": {
            "organisation": {"type": "string"},
            "services": {"type": "array", "items": {
                "type": "object",
                "required": ["service", "name", "new", "not_downloaded", "rejected"],
                "properties": {"service": {"type": "string"}, "name": {"type": "string"}, "new": _ref("Count"),
                               "not_downloaded": _ref("Count"), "rejected": _ref("Count")},
            }},
            "days": {"type": "array", "items": {
                "type": "object",
                "required": ["day", "received", "sent"],
                "properties": {"day": {"type": "string", "format": "date"}, "received": {"type": "integer"},
                               "sent": {"type": "integer"}},
            }},
        },
    },
    "Session": {
        "type": "object",
        "required": ["user", "display_name", "organisation", "roles", "language", "csrf_token"],
        "properties": {
            "user": NULLABLE_STRING,
            "display_name": {"type": "string"},
            "organisation": NULLABLE_STRING,
            "organisation_name": NULLABLE_STRING,
            "roles": {"type": "array", "items": {"type": "string"}},
            "language": {"type": "string", "enum": ["nl", "en"]},
            "csrf_token": {"type": "string"},
        },
    },
    "RegistertoetsAnswer": {
        "type": "object",
        "required": ["peildatum", "results"],
        "properties": {
            "peildatum": {"type": "string", "format": "date"},
            "results": {"type": "array", "description": "One per BSN asked, in the order asked, duplicates included.",
                        "items": {"type": "object", "required": ["bsn", "indicatie", "perioden"], "properties": {
                            "bsn": {"type": "string", "pattern": "^[0-9]{9}$"},
                            "indicatie": {"type": "boolean"},
                            "perioden": {"type": "array", "items": {
                                "type": "object", "required": ["soort", "ingangsdatum", "einddatum"],
                                "properties": {
                                    "soort": {"type": "string", "enum": ["VV", "VG", "LG", "ZG", "GGZ", "LVG"]},
                                    "ingangsdatum": {"type": "string", "format": "date"},
                                    "einddatum": {"type": ["string", "null"], "format": "date"}}}}}}},
        },
    },
    "Health": {
        "type": "object",
        "required": ["status", "database"],
        "properties": {"status": {"type": "string", "enum": ["ok", "unavailable"]},
                       "database": {"type": "string", "enum": ["reachable", "unreachable"]}},
    },
}

UNSIGNED = _problem("Not signed in, or the session expired (GGK401).")
FORBIDDEN = _problem("The CSRF token is missing or wrong (GGK403-CSRF), or the action is not allowed (GGK403).")
MESSAGE_ID = {"name": "message_id", "in": "path", "required": True, "schema": {"type": "string"}}

PATHS = {
    "/health": {"get": {
        "summary": "Tell a load balancer whether this process can serve.", "security": [],
        "responses": {"200": _json(_ref("Health"), "Serving."), "503": _json(_ref("Health"), "Database unreachable.")},
    }},
    "/api/session": {"get": {
        "summary": "Return the signed-in user and the CSRF token for state-changing calls.",
        "responses": {"200": _json(_ref("Session"), "The session."), "401": UNSIGNED},
    }},
    "/api/overview": {"get": {
        "summary": "Count the mailbox per service and the messages per day of the last 30 days.",
        "parameters": [FILTERS[-1]],
        "responses": {"200": _json(_ref("Overview"), "The figures."), "400": _problem("No organisation chosen."),
                      "401": UNSIGNED},
    }},
    "/api/messages": {
        "get": {
            "summary": "List one page of messages, newest first, with keyset pagination.",
            "parameters": [_parameter("box", "inbox (received, default), sent, or all.",
                                      {"type": "string", "enum": ["inbox", "sent", "all"]}), *FILTERS],
            "responses": {"200": _json(_ref("MessagePage"), "One page."), "400": _problem("A filter is not valid."),
                          "401": UNSIGNED},
        },
        "post": {
            "summary": "Send one or more message files; each gets its own outcome.",
            "description": "201: every file accepted. 200: some accepted. 422: none accepted. "
                           "413: every file larger than the maximum, or too many files.",
            "parameters": [{"name": "X-CSRF-Token", "in": "header", "required": True, "schema": {"type": "string"}}],
            "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                "type": "object", "properties": {"files": {"type": "array", "items": {
                    "type": "string", "contentMediaType": "application/xml"}}}}}}},
            "responses": {
                "201": _json(_ref("UploadResponse"), "Every file accepted."),
                "200": _json(_ref("UploadResponse"), "Some files accepted, some rejected."),
                "422": _json(_ref("UploadResponse"), "Every file rejected."),
                "413": {"description": "Too large.", "content": {
                    "application/json": {"schema": _ref("UploadResponse")},
                    "application/problem+json": {"schema": _ref("Problem")}}},
                "400": _problem("No file in the request."), "401": UNSIGNED, "403": FORBIDDEN,
            },
        },
    },
    "/api/messages/{message_id}": {"get": {
        "summary": "Return a message's history and its linked heen or retour.",
        "parameters": [MESSAGE_ID],
        "responses": {"200": _json(_ref("Trace"), "The trace."),
                      "404": _problem("No such message among the caller's messages (GGK404)."), "401": UNSIGNED},
    }},
    "/api/messages/{message_id}/file": {"get": {
        "summary": "Download the message file; the recipient's download marks it downloaded.",
        "parameters": [MESSAGE_ID],
        "responses": {"200": {"description": "The file.", "content": {"application/xml": {}}},
                      "404": _problem("No such message or file (GGK404)."), "401": UNSIGNED},
    }},
    "/api/downloads": {"post": {
        "summary": "Download several messages as one ZIP, rejection reports beside rejected files.",
        "parameters": [{"name": "X-CSRF-Token", "in": "header", "required": True, "schema": {"type": "string"}}],
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "required": ["ids"],
            "properties": {"ids": {"type": "array", "minItems": 1, "maxItems": 200, "items": {"type": "string"}}}}}}},
        "responses": {"200": {"description": "The ZIP.", "content": {"application/zip": {}}},
                      "400": _problem("No or too many ids."), "404": _problem("None of the messages is visible."),
                      "401": UNSIGNED, "403": FORBIDDEN},
    }},
    "/api/wlz/registertoets": {"post": {
        "summary": "Ask whether residents have a Wlz indication on a peildatum (the Wlz registertoets).",
        "description": "Needs the grant (wlz, registertoets) of an organisation enrolled for wlz. Every question "
                       "is audited without the BSNs. Errors: WLZ001 a BSN fails the elfproef (positions, never "
                       "the BSN), WLZ002 the peildatum is not a date, WLZ003 no BSN or more than the batch limit.",
        "parameters": [{"name": "X-CSRF-Token", "in": "header", "required": True, "schema": {"type": "string"}}],
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "required": ["bsns"],
            "properties": {"bsns": {"type": "array", "minItems": 1, "items": {"type": "string"},
                                    "description": "Nine-digit BSNs, at most the hub's wlz.batch_limit (10000)."},
                           "peildatum": {"type": "string", "format": "date",
                                         "description": "Default: today in the Netherlands."}}}}}},
        "responses": {"200": _json(_ref("RegistertoetsAnswer"), "The answer per BSN."),
                      "400": _problem("An invalid BSN, peildatum or batch size (WLZ001, WLZ002, WLZ003)."),
                      "401": UNSIGNED, "403": FORBIDDEN},
    }},
}


def _version() -> str:
    try:
        return version("ggk")
    except PackageNotFoundError:
        return "0"


def openapi_document() -> dict:
    """Return the OpenAPI 3.1 document of the API."""
    from adapters.web import openapi_identity

    return {
        "openapi": "3.1.0",
        "info": {"title": "ggk portal API", "version": _version(),
                 "description": "The web portal's actions as JSON: mailbox, sending files, downloads, track & "
                                "trace, accounts, invitations, sign-up, the audit log and the Wlz registertoets."},
        "servers": [{"url": "/"}],
        "security": [{"session": []}],
        "paths": {**PATHS, **openapi_identity.PATHS},
        "components": {
            "schemas": {**SCHEMAS, **openapi_identity.SCHEMAS},
            "securitySchemes": {"session": {"type": "apiKey", "in": "cookie", "name": "__Host-ggk-session",
                                            "description": "Session cookie set at login (ggk-session in development over HTTP)."}},
        },
    }
