"""Sending files through the portal: real JW301s, empty and oversized files, odd file names."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.web.support import AANBIEDER, GEMEENTE, OPERATOR, build_hub, multipart, upload_api, upload_form, user


def test_upload_form_accepts_real_jw301(hub, jw301):
    client = hub.client().sign_in(user(GEMEENTE))

    result = upload_form(client, [("JW301.xml", jw301)])

    assert result.status_code == 201
    assert "JW301.xml" in result.text
    assert re.search(r'href="/messages/[0-9a-f-]{36}"', result.text)
    assert "Geaccepteerd" in result.text


def test_upload_api_reports_each_file(hub, jw301):
    client = hub.client().sign_in(user(GEMEENTE))

    result = upload_api(client, [("JW301.xml", jw301), ("leeg.xml", b"")])

    assert result.status_code == 200
    body = result.json
    assert [r["status"] for r in body["results"]] == ["accepted", "rejected"]
    assert body["results"][0]["recipient"] == AANBIEDER
    assert body["results"][1]["code"] == "GGK001"
    assert body["results"][1]["explanation"] == "Het bestand is leeg."
    assert (body["accepted"], body["rejected"]) == (1, 1)


def test_empty_file_is_rejected_in_dutch(hub):
    client = hub.client().sign_in(user(GEMEENTE))

    result = upload_form(client, [("leeg.xml", b"")])

    assert result.status_code == 422
    assert "Het bestand is leeg." in result.text
    assert "GGK001" in result.text


def test_oversized_file_is_rejected_with_ib007(tmp_path: Path, jw32: Path, jw301: bytes):
    hub = build_hub(tmp_path / "data", max_size=1000)
    hub.container.catalog().import_release(OPERATOR, jw32 / "xsd")
    client = hub.client().sign_in(user(GEMEENTE))

    result = upload_api(client, [("JW301.xml", jw301)])

    assert result.status_code == 413
    outcome = result.json["results"][0]
    assert outcome["code"] == "IB007"
    assert outcome["explanation"] == "Het bestand is groter dan het maximum van 1000 bytes."
    trace = client.get(f"/api/messages/{outcome['message_id']}").json
    assert trace["message"]["status"] == "rejected"


def test_request_larger_than_every_file_together_is_refused(tmp_path: Path):
    hub = build_hub(tmp_path / "data", max_size=100, extra={("web", "max_upload_files"): 2})
    client = hub.client().sign_in(user(GEMEENTE))
    token = client.csrf_token()
    body, headers = multipart([("csrf_token", None, token.encode()), ("files", "a.xml", b"x" * 70_000)])

    result = client.post("/upload", body=body, headers=headers)

    assert result.status_code == 413
    assert "IB007" in result.text


def test_too_many_files_are_refused(tmp_path: Path):
    hub = build_hub(tmp_path / "data", extra={("web", "max_upload_files"): 2})
    client = hub.client().sign_in(user(GEMEENTE))

    result = upload_api(client, [("a.xml", b"<a/>"), ("b.xml", b"<b/>"), ("c.xml", b"<c/>")])

    assert result.status_code == 413
    assert result.json["code"] == "GGK413-FILES"
    assert "Verstuur maximaal 2 bestanden tegelijk." == result.json["detail"]


@pytest.mark.parametrize("sent_name, shown_name", [
    ("C:\\Users\\jan\\Documents\\JW301.xml", "JW301.xml"),
    ("../../etc/JW301.xml", "JW301.xml"),
    ("bericht\x07\x1b.xml", "bericht.xml"),
    ("<img src=x onerror=alert(1)>.xml", "<img src=x onerror=alert(1)>.xml"),
    ("<b>evil</b>.xml", "b>.xml"),
    ("één bericht (kopie).xml", "één bericht (kopie).xml"),
])
def test_odd_file_names_keep_base_name_only(hub, jw301, sent_name, shown_name):
    client = hub.client().sign_in(user(GEMEENTE))

    result = upload_api(client, [(sent_name, jw301)])

    assert result.json["results"][0]["file"] == shown_name
    page = client.get(f"/messages/{result.json['results'][0]['message_id']}").text
    assert "<img src=x" not in page
    assert "<b>" not in page


def test_file_name_without_base_name_is_rejected_ggk006(hub, jw301):
    client = hub.client().sign_in(user(GEMEENTE))

    result = upload_api(client, [("dir/", jw301)])

    assert result.status_code == 422
    assert result.json["results"][0]["code"] == "GGK006"
    assert result.json["results"][0]["explanation"] == "Het bestand heeft geen bruikbare bestandsnaam."


def test_upload_without_files_asks_for_one(hub):
    client = hub.client().sign_in(user(GEMEENTE))

    result = upload_form(client, [])

    assert result.status_code == 400
    assert "Kies ten minste één bestand om te versturen." in result.text
    assert 'aria-invalid="true"' in result.text


def test_upload_with_forged_csrf_token_is_refused(hub, jw301):
    client = hub.client().sign_in(user(GEMEENTE))

    result = upload_form(client, [("JW301.xml", jw301)], token="forged-token")

    assert result.status_code == 403
    assert "Het formulier is verlopen of niet geldig." in result.text
    assert client.get("/api/messages?box=sent").json["messages"] == []


def test_upload_without_csrf_first_field_is_refused(hub, jw301):
    client = hub.client().sign_in(user(GEMEENTE))
    body, headers = multipart([("files", "JW301.xml", jw301)])

    result = client.post("/upload", body=body, headers=headers)

    assert result.status_code == 403


def test_upload_when_signed_out_redirects_to_login(hub, jw301):
    client = hub.client()

    result = client.get("/upload")

    assert result.status_code == 303
    assert result.headers["location"] == "/login?next=%2Fupload"
