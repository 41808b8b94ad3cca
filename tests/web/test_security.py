"""Security headers, cookies, CSRF, the language switch and the health check."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine

from adapters.web.security import CONTENT_SECURITY_POLICY
from tests.web.support import GEMEENTE, build_hub, form, user


def test_every_response_has_security_headers(tmp_path: Path):
    client = build_hub(tmp_path / "data").client()

    for path in ("/health", "/login-does-not-exist", "/api/messages", "/static/css/ggk.css"):
        headers = client.get(path).headers
        assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY, path
        assert headers["x-content-type-options"] == "nosniff", path
        assert headers["referrer-policy"] == "same-origin", path
        assert "camera=()" in headers["permissions-policy"], path
        assert headers["x-frame-options"] == "DENY", path


def test_policy_forbids_inline_script_and_framing():
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
    assert CONTENT_SECURITY_POLICY.startswith("default-src 'self'")


def test_hsts_only_over_https(tmp_path: Path):
    client = build_hub(tmp_path / "data").client()

    plain = client.get("/health")
    secure = client.client.simulate_get("/health", protocol="https")

    assert "strict-transport-security" not in plain.headers
    assert secure.headers["strict-transport-security"].startswith("max-age=")


def test_cache_control_on_pages_only(tmp_path: Path):
    client = build_hub(tmp_path / "data").client()

    assert client.get("/health").headers["cache-control"] == "no-store"
    assert "cache-control" not in client.get("/static/css/ggk.css").headers


def test_cookies_are_secure_httponly_samesite_strict_by_default(tmp_path: Path):
    hub = build_hub(tmp_path / "data", extra={("web", "allow_http"): False})

    result = hub.client().client.simulate_get("/login-does-not-exist")

    cookie = result.cookies["ggk-csrf"]
    assert cookie.secure
    assert cookie.http_only
    assert cookie.same_site == "Strict"


def test_allow_http_is_ignored_off_loopback(tmp_path: Path):
    hub = build_hub(tmp_path / "data", extra={("web", "host"): "0.0.0.0"})

    result = hub.client().client.simulate_get("/login-does-not-exist")

    assert result.cookies["ggk-csrf"].secure


def test_forged_csrf_token_is_refused_in_dutch(tmp_path: Path):
    client = build_hub(tmp_path / "data").client().sign_in(user(GEMEENTE))

    result = form(client, "/download", [("ids", "x")], token="not-the-token")
    api = client.post("/api/downloads", json={"ids": ["x"]}, headers={"X-CSRF-Token": "not-the-token"})

    assert result.status_code == 403
    assert "Het formulier is verlopen of niet geldig." in result.text
    assert api.status_code == 403
    assert api.json["code"] == "GGK403-CSRF"


def test_token_of_another_session_is_refused(tmp_path: Path):
    hub = build_hub(tmp_path / "data")
    first = hub.client().sign_in(user(GEMEENTE))
    second = hub.client().sign_in(user(GEMEENTE, name="user-2"))

    result = form(second, "/download", [("ids", "x")], token=first.csrf_token())

    assert result.status_code == 403


def test_request_from_other_origin_is_refused(tmp_path: Path):
    client = build_hub(tmp_path / "data").client().sign_in(user(GEMEENTE))
    token = client.csrf_token()

    result = client.post("/api/downloads", json={"ids": ["x"]},
                         headers={"X-CSRF-Token": token, "Origin": "https://evil.example"})

    assert result.status_code == 403


def test_language_switch_stores_english(tmp_path: Path):
    client = build_hub(tmp_path / "data").client()

    switched = client.get("/nowhere", params={"lang": "en"})
    later = client.get("/nowhere")
    default = build_hub(tmp_path / "other").client().get("/nowhere")

    assert "Page not found" in switched.text
    assert 'lang="en"' in later.text
    assert "Page not found" in later.text
    assert "Pagina niet gevonden" in default.text
    assert '<html lang="nl"' in default.text


def test_health_reports_database(tmp_path: Path):
    hub = build_hub(tmp_path / "data")

    healthy = hub.client().get("/health")
    hub.container.engine.override(create_engine(f"sqlite:///{tmp_path}/missing/folder/db.sqlite"))
    unhealthy = hub.client().get("/health")

    assert (healthy.status_code, healthy.json) == (200, {"status": "ok", "database": "reachable"})
    assert (unhealthy.status_code, unhealthy.json) == (503, {"status": "unavailable", "database": "unreachable"})
