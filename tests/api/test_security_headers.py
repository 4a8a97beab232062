"""Security headers on every response, ``Allow`` on a 405, and the origins Socket.IO accepts."""

import re
from pathlib import Path

import pytest

from queue_server.app import create_app
from queue_server.web.security import configured_origins, origin_checker

ROOT = Path(__file__).resolve().parents[2]
PAGES = ["/", "/kiosk/h1", "/display/h1", "/display/h1/window/1", "/counter", "/dashboard",
         "/evaluator/h1/1", "/track/abcdefghijklmnopqrstuv"]


@pytest.mark.parametrize("path", PAGES + ["/api/v1/halls/h1/services", "/healthz",
                                          "/api/v1/nowhere"])
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "no-referrer"


def _templates():
    return sorted(p for p in ROOT.glob("**/templates/**/*.html") if ".venv" not in p.parts)


def test_templates_were_found():
    assert len(_templates()) >= 9


@pytest.mark.parametrize("template", _templates(), ids=lambda p: p.name)
def test_templates_have_no_inline_script_style_or_handlers(template):
    html = template.read_text()
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert "<style" not in html
    assert not re.search(r"\son[a-z]+\s*=", html), "inline event handler"
    assert "javascript:" not in html


def test_a_405_carries_allow(client):
    response = client.get("/api/v1/halls/h1/tickets")
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "method_not_allowed"
    assert "POST" in response.headers["Allow"]


def _polling_handshake(client, origin=None):
    headers = {"Origin": origin} if origin else {}
    return client.get("/socket.io/?EIO=4&transport=polling", headers=headers)


def test_socketio_refuses_a_foreign_origin(client):
    response = _polling_handshake(client, "https://evil.example")
    assert response.status_code == 400
    assert "Access-Control-Allow-Origin" not in response.headers


def test_socketio_accepts_its_own_origin_and_origin_less_agents(client):
    own = _polling_handshake(client, "http://localhost")
    assert own.status_code == 200
    assert own.headers["Access-Control-Allow-Origin"] == "http://localhost"
    assert _polling_handshake(client).status_code == 200


def test_socketio_accepts_the_public_url_and_listed_origins(db_url, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = create_app({"database_url": db_url, "async_mode": "threading", "secret_key": "k",
                      "public_url": "https://hall.example.gov.cn/queue",
                      "allowed_origins": "https://screens.example.gov.cn, http://10.0.0.5:8080"})
    client = app.test_client()
    for origin in ("https://hall.example.gov.cn", "https://screens.example.gov.cn",
                   "http://10.0.0.5:8080"):
        assert _polling_handshake(client, origin).status_code == 200, origin
    assert _polling_handshake(client, "https://other.example.gov.cn").status_code == 400
    app.extensions["hallq"].close()


def test_origin_checker_ignores_case_and_junk_entries():
    extra = configured_origins("", "HTTPS://A.example, not a url, ftp://b.example,")
    assert extra == {"https://a.example"}
    allowed = origin_checker(extra)
    assert allowed("https://a.example", {})
    assert allowed("http://host:5000", {"HTTP_HOST": "host:5000", "wsgi.url_scheme": "http"})
    assert not allowed("http://host:5001", {"HTTP_HOST": "host:5000", "wsgi.url_scheme": "http"})
