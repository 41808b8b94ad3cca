"""Every API answer the tests provoke matches /api/openapi.json (validated with openapi-core)."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from openapi_core import Config, OpenAPI
from openapi_core.testing import MockRequest, MockResponse
from openapi_spec_validator import validate

from tests.web.messages import jw301_variant
from tests.web.support import AANBIEDER, GEMEENTE, OTHER_GEMEENTE, multipart, upload_api, user

HOST = "http://falconframework.org"


class Checked:
    """Call the API through a web client and validate each response against the served document."""

    def __init__(self, client, document: dict):
        self.client = client
        config = Config(extra_media_type_deserializers={
            "application/problem+json": json.loads,
        })
        self.openapi = OpenAPI.from_dict(document, config=config)
        self.operations: set[tuple[str, str, int]] = set()

    def call(self, method: str, path: str, pattern: str, *, params=None, **kwargs):
        result = self.client.request(method, path, params=params, **kwargs)
        full_path = path + ("?" + urlencode(params) if params else "")
        request = MockRequest(HOST, method.lower(), path, path_pattern=pattern, args=params or {},
                              headers=kwargs.get("headers"))
        kind = result.headers.get("content-type", "").split(";")[0]
        response = MockResponse(result.content, status_code=result.status_code, content_type=kind)
        self.openapi.validate_response(request, response)
        self.operations.add((method.lower(), pattern, result.status_code))
        assert full_path
        return result


@pytest.fixture
def checked(hub):
    client = hub.client().sign_in(user(AANBIEDER))
    document = client.get("/api/openapi.json").json
    return Checked(client, document)


def test_document_is_valid_openapi_31(hub):
    document = hub.client().get("/api/openapi.json").json

    validate(document)
    assert document["openapi"] == "3.1.0"


def test_every_answer_matches_document(hub, jw301, checked):
    sender = hub.client().sign_in(user(GEMEENTE))
    message_id = upload_api(sender, [("JW301.xml", jw301)]).json["results"][0]["message_id"]
    token = checked.client.csrf_token()

    checked.call("GET", "/health", "/health")
    checked.call("GET", "/api/session", "/api/session")
    checked.call("GET", "/api/overview", "/api/overview")
    first = checked.call("GET", "/api/messages", "/api/messages", params={"limit": "1"})
    checked.call("GET", "/api/messages", "/api/messages", params={"box": "all", "type": "JW301"})
    checked.call("GET", "/api/messages", "/api/messages", params={"box": "sent"})
    checked.call("GET", "/api/messages", "/api/messages", params={"from": "gisteren"})
    checked.call("GET", f"/api/messages/{message_id}", "/api/messages/{message_id}")
    checked.call("GET", f"/api/messages/{message_id}/file", "/api/messages/{message_id}/file")
    checked.call("GET", "/api/messages/00000000-0000-4000-8000-000000000000", "/api/messages/{message_id}")
    checked.call("POST", "/api/downloads", "/api/downloads", json={"ids": [message_id]}, headers={"X-CSRF-Token": token})
    checked.call("POST", "/api/downloads", "/api/downloads", json={"ids": []}, headers={"X-CSRF-Token": token})
    checked.call("POST", "/api/downloads", "/api/downloads", json={"ids": [message_id]}, headers={"X-CSRF-Token": "forged"})

    assert first.json["messages"][0]["id"] == message_id
    assert ("get", "/api/messages/{message_id}", 404) in checked.operations


def test_upload_answers_match_document(hub, jw301):
    client = hub.client().sign_in(user(GEMEENTE))
    document = client.get("/api/openapi.json").json
    checked = Checked(client, document)
    token = client.csrf_token()

    for files, expected in (
        ([("JW301.xml", jw301)], 201),
        ([("JW301-2.xml", jw301_variant(jw301, "OAS000000002")), ("leeg.xml", b"")], 200),
        ([("leeg.xml", b"")], 422),
        ([], 400),
    ):
        body, headers = multipart([("files", name, data) for name, data in files])
        result = checked.call("POST", "/api/messages", "/api/messages", body=body,
                              headers={**headers, "X-CSRF-Token": token})
        assert result.status_code == expected


def test_signed_out_answers_match_document(hub):
    client = hub.client()
    checked = Checked(client, client.get("/api/openapi.json").json)

    for path in ("/api/session", "/api/overview", "/api/messages"):
        result = checked.call("GET", path, path)
        assert result.status_code == 401


def test_other_organisation_answers_match_document(hub, jw301):
    sender = hub.client().sign_in(user(GEMEENTE))
    message_id = upload_api(sender, [("JW301.xml", jw301)]).json["results"][0]["message_id"]
    outsider = hub.client().sign_in(user(OTHER_GEMEENTE))
    checked = Checked(outsider, outsider.get("/api/openapi.json").json)

    trace = checked.call("GET", f"/api/messages/{message_id}", "/api/messages/{message_id}")
    file = checked.call("GET", f"/api/messages/{message_id}/file", "/api/messages/{message_id}/file")

    assert (trace.status_code, file.status_code) == (404, 404)
