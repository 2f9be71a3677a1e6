"""The web UI served by the binary at "/" (http/static_assets.h), and the
cookie session the UI signs in with (POST /api/auth/login with X-AW-Session)."""

import gzip
import subprocess

import pytest
import requests

from aw_harness import ADMIN_EMAIL, ADMIN_PASSWORD, assert_error

INDEX = "<!doctype html><html><head><script type=module src=/assets/app-3f9a.js></script></head>" \
        "<body><div id=root></div></body></html>"
APP_JS = "console.log('alert whisperer');\n" * 200  # > 1 KiB: served gzip when asked


@pytest.fixture(scope="module")
def ui_server(tmp_path_factory):
    from aw_harness import AwServer
    dist = tmp_path_factory.mktemp("dist")
    (dist / "index.html").write_text(INDEX)
    (dist / "assets").mkdir()
    (dist / "assets" / "app-3f9a.js").write_text(APP_JS)
    (dist / "favicon.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    srv = AwServer(tmp_path_factory.mktemp("aw-data"), env={"AW_WEB_DIR": str(dist)}).start()
    yield srv
    srv.stop_and_check()


def test_root_serves_the_app_with_security_headers(ui_server):
    r = requests.get(ui_server.url("/"), timeout=30)
    assert r.status_code == 200
    assert r.text == INDEX
    assert r.headers["Content-Type"].startswith("text/html")
    assert r.headers["Cache-Control"] == "no-cache"
    csp = r.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"] == "no-referrer"
    # Revalidation: the ETag answers 304 without a body.
    again = requests.get(ui_server.url("/"), headers={"If-None-Match": r.headers["ETag"]}, timeout=30)
    assert again.status_code == 304
    assert again.content == b""


def test_hashed_assets_are_immutable_and_gzipped(ui_server):
    r = requests.get(ui_server.url("/assets/app-3f9a.js"), headers={"Accept-Encoding": "gzip"},
                     stream=True, timeout=30)
    raw = r.raw.read()
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("text/javascript")
    assert "immutable" in r.headers["Cache-Control"]
    assert r.headers["Content-Encoding"] == "gzip"
    assert len(raw) < len(APP_JS) / 4
    assert gzip.decompress(raw).decode() == APP_JS
    plain = requests.get(ui_server.url("/assets/app-3f9a.js"), headers={"Accept-Encoding": "identity"},
                         timeout=30)
    assert "Content-Encoding" not in plain.headers
    assert plain.text == APP_JS


def test_deep_links_get_the_app_and_missing_files_do_not(ui_server):
    for path in ("/incidents/0193a7c0-0000-7000-8000-000000000000", "/companies/comp-acme/settings",
                 "/alerts"):
        r = requests.get(ui_server.url(path), timeout=30)
        assert r.status_code == 200, path
        assert r.text == INDEX
    missing = requests.get(ui_server.url("/assets/app-old.js"), timeout=30)
    assert_error(missing, 404, "not_found")


def test_unknown_api_paths_stay_json_404s(ui_server):
    for path in ("/api/nope", "/api", "/api/incidents/x/nope", "/v2/nope", "/ws/x"):
        r = requests.get(ui_server.url(path), timeout=30)
        assert_error(r, 404, "not_found")
        assert r.headers["Content-Type"].startswith("application/json"), path
    # Other methods on UI paths are not the app either.
    assert_error(requests.post(ui_server.url("/incidents/1"), timeout=30), 404, "not_found")


def test_a_bad_web_dir_stops_start_up_with_a_sentence(tmp_path):
    from aw_harness import AW_BINARY, free_port, server_env
    (tmp_path / "data").mkdir()
    env = server_env({"AW_WEB_DIR": str(tmp_path / "nothing-here")}, tmp_path / "data")
    p = subprocess.run([AW_BINARY, "serve", "--port", str(free_port()), "--data-dir", str(tmp_path / "data")],
                       env=env, capture_output=True, text=True, timeout=60)
    assert p.returncode == 2
    assert "AW_WEB_DIR=" in p.stderr and "index.html" in p.stderr


def _cookie_login(server, email=ADMIN_EMAIL, password=ADMIN_PASSWORD):
    return requests.post(server.url("/api/auth/login"), json={"email": email, "password": password},
                         headers={"X-AW-Session": "cookie"}, timeout=30)


def test_cookie_session_keeps_the_refresh_token_out_of_scripts(ui_server):
    r = _cookie_login(ui_server)
    assert r.status_code == 200
    body = r.json()
    assert "refresh_token" not in body and body["access_token"]
    cookie = r.headers["Set-Cookie"]
    assert cookie.startswith("aw_refresh=rt_")
    for attr in ("HttpOnly", "SameSite=Strict", "Path=/api/auth", "Max-Age="):
        assert attr in cookie
    assert "Secure" not in cookie  # plain HTTP here; behind TLS (X-Forwarded-Proto) it is set
    token = cookie.split(";")[0].split("=", 1)[1]

    # Refresh through the cookie rotates it; the old one then fails.
    jar = {"aw_refresh": token}
    r2 = requests.post(ui_server.url("/api/auth/refresh"), headers={"X-AW-Session": "cookie"}, cookies=jar,
                       timeout=30)
    assert r2.status_code == 200
    assert "refresh_token" not in r2.json()
    new_token = r2.headers["Set-Cookie"].split(";")[0].split("=", 1)[1]
    assert new_token != token
    me = requests.get(ui_server.url("/api/auth/me"),
                      headers={"Authorization": "Bearer " + r2.json()["access_token"]}, timeout=30)
    assert me.json()["email"] == ADMIN_EMAIL

    # Without the header the cookie is not consulted (a cross-site form cannot send it).
    assert_error(requests.post(ui_server.url("/api/auth/refresh"), cookies={"aw_refresh": new_token},
                               timeout=30), (400, 422))
    # No cookie at all: 401 with a sentence.
    assert_error(requests.post(ui_server.url("/api/auth/refresh"), headers={"X-AW-Session": "cookie"},
                               timeout=30), 401, "invalid_refresh_token")

    # Sign out: the cookie is cleared and the session's family revoked.
    out = requests.post(ui_server.url("/api/auth/logout"), headers={"X-AW-Session": "cookie"},
                        cookies={"aw_refresh": new_token}, timeout=30)
    assert out.status_code == 204
    assert "Max-Age=0" in out.headers["Set-Cookie"]
    assert_error(requests.post(ui_server.url("/api/auth/refresh"), headers={"X-AW-Session": "cookie"},
                               cookies={"aw_refresh": new_token}, timeout=30), 401, "invalid_refresh_token")


def test_cookie_is_secure_behind_tls(ui_server):
    r = requests.post(ui_server.url("/api/auth/login"), json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD},
                      headers={"X-AW-Session": "cookie", "X-Forwarded-Proto": "https"}, timeout=30)
    assert "; Secure" in r.headers["Set-Cookie"]


def test_api_clients_keep_the_json_refresh_token_and_can_log_out(ui_server):
    r = requests.post(ui_server.url("/api/auth/login"), json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD},
                      timeout=30)
    assert "Set-Cookie" not in r.headers
    refresh = r.json()["refresh_token"]
    assert requests.post(ui_server.url("/api/auth/logout"), json={"refresh_token": refresh},
                         timeout=30).status_code == 204
    assert_error(requests.post(ui_server.url("/api/auth/refresh"), json={"refresh_token": refresh}, timeout=30),
                 401, "invalid_refresh_token")
    # Signing out twice, or with an unknown token, is not an error.
    assert requests.post(ui_server.url("/api/auth/logout"), json={"refresh_token": refresh},
                         timeout=30).status_code == 204
    assert requests.post(ui_server.url("/api/auth/logout"), json={"refresh_token": "rt_unknown"},
                         timeout=30).status_code == 204
    assert_error(requests.post(ui_server.url("/api/auth/logout"), data="{", timeout=30), 400, "invalid_json")
