"""Harness for the black-box API tests: starts and talks to the real `alertwhisperer` binary.

The binary comes from $AW_BINARY (default: <repo>/build/alertwhisperer). Each test
module gets one server (`server`, module scope) on a free port with its own data
directory, AW_DEMO=true and no JWT_SECRET, so the demo data is seeded on first start
and the server generates its own signing key. Tests that need a clean store, or that
restart a server on the same data directory, use `fresh_server` / `server_factory`.

Helpers on AwServer:
  login(email, password) -> access token (asserts 200)
  login_response(email, password) -> requests.Response
  session(token=None) -> ApiSession (a requests.Session taking "/api/..." paths)
  as_user(email, password) -> authed ApiSession
  admin() -> authed ApiSession for the MSP admin
  api_key_for(company_id) -> the company's API key (GET /api/companies/{id} as admin)
  send_alert(api_key, **fields) -> requests.Response of the webhook
"""

import base64
import hashlib
import json
import os
import signal
import socket
import subprocess
import tempfile
import time
import uuid

import pytest
import requests

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
AW_BINARY = os.environ.get("AW_BINARY", os.path.join(REPO_ROOT, "build", "alertwhisperer"))

ADMIN_EMAIL = "admin@alertwhisperer.com"
ADMIN_PASSWORD = "admin123"
COMPANIES = {
    "comp-acme": ("Acme Corp", "acme.com"),
    "comp-techstart": ("TechStart", "techstart.com"),
    "comp-global": ("Global Systems", "global.com"),
}
# (local part, password, role) of the per-company demo users.
DEMO_ROLES = [
    ("company", "company123", "company_admin"),
    ("tech", "tech123", "technician"),
    ("client", "client123", "client"),
]

# The store the servers use: AW_TEST_STORE=rocksdb (default, the server's
# default too, "the embedded store") or dynamodb, the latter on the DynamoDB API server at AW_TEST_DYNAMODB_ENDPOINT (dynalite;
# `make test` starts one). Each data directory gets its own table prefix, so
# servers stay isolated, and a restart on the same directory sees its data.
AW_TEST_STORE = os.environ.get("AW_TEST_STORE", "rocksdb")
DYNAMODB_ENDPOINT = os.environ.get("AW_TEST_DYNAMODB_ENDPOINT", "")

START_TIMEOUT_S = 20
STOP_TIMEOUT_S = 10

# Settings that would change the server's behaviour if inherited from the caller.
_SCRUBBED_ENV = [
    "JWT_SECRET", "JWT_ALGORITHM", "JWT_EXPIRATION_HOURS", "PORT", "AW_DATA_DIR", "AW_STORE",
    "AW_DEMO", "AW_MASTER_KEY", "DYNAMODB_ENDPOINT", "DYNAMODB_TABLE_PREFIX", "AWS_REGION",
    "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "GEMINI_API_KEY",
]


def demo_user(company_id, kind):
    """Returns (email, password) of a demo user; kind is company|tech|client."""
    domain = COMPANIES[company_id][1]
    for local, password, _ in DEMO_ROLES:
        if local == kind:
            return f"{local}@{domain}", password
    raise KeyError(kind)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def on_dynamodb():
    return AW_TEST_STORE == "dynamodb"


def on_embedded_store():
    """RocksDB: one process owns the data directory."""
    return AW_TEST_STORE == "rocksdb"


def store_counters(stats):
    """The embedded store's counters in a store-stats body (its key names the engine), or None."""
    return stats.get("rocksdb")


def table_prefix(data_dir):
    """The DynamoDB table prefix of the server on `data_dir`."""
    digest = hashlib.sha256(os.path.abspath(str(data_dir)).encode()).hexdigest()
    return f"t{digest[:12]}_"


def dynamodb_env(data_dir):
    """Settings of a server on dynalite; secrets are fixed per data directory
    (in this mode they must come from configuration)."""
    digest = hashlib.sha256(("secrets:" + os.path.abspath(str(data_dir))).encode()).digest()
    return {
        "AW_STORE": "dynamodb",
        "DYNAMODB_ENDPOINT": DYNAMODB_ENDPOINT,
        "AWS_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "AKIDTEST",
        "AWS_SECRET_ACCESS_KEY": "test-secret-key",
        "DYNAMODB_TABLE_PREFIX": table_prefix(data_dir),
        "AW_DYNAMODB_CREATE_TABLES": "true",
        "JWT_SECRET": "jwt-" + digest.hex(),
        "AW_MASTER_KEY": base64.b64encode(digest).decode(),
    }


def server_env(extra=None, data_dir=None):
    env = {k: v for k, v in os.environ.items() if k not in _SCRUBBED_ENV}
    env["AW_DEMO"] = "true"
    if on_embedded_store():
        env["AW_STORE"] = AW_TEST_STORE
    if on_dynamodb() and data_dir is not None:
        env.update(dynamodb_env(data_dir))
    if extra:
        for k, v in extra.items():
            if v is None:
                env.pop(k, None)
            else:
                env[k] = v
    return env


def run_cli(args, data_dir=None, env=None, stdin_text=None, timeout=60):
    """Runs `alertwhisperer <args>` to completion; returns CompletedProcess (text mode)."""
    cmd = [AW_BINARY] + list(args)
    if data_dir is not None:
        cmd += ["--data-dir", str(data_dir)]
    return subprocess.run(cmd, input=stdin_text, capture_output=True, text=True,
                          env=server_env(env, data_dir), timeout=timeout,
                          cwd=str(data_dir) if data_dir else tempfile.gettempdir())


class ApiSession(requests.Session):
    """requests.Session bound to one server: relative paths ("/api/...") get the base URL."""

    def __init__(self, base_url, token=None):
        super().__init__()
        self.base_url = base_url
        if token:
            self.headers["Authorization"] = f"Bearer {token}"

    def request(self, method, url, *args, **kwargs):
        if url.startswith("/"):
            url = self.base_url + url
        kwargs.setdefault("timeout", 30)
        return super().request(method, url, *args, **kwargs)


class AwServer:
    def __init__(self, data_dir, env=None, log_dir=None):
        self.data_dir = str(data_dir)
        self.extra_env = dict(env or {})
        self.log_dir = str(log_dir or data_dir)
        self.proc = None
        self.port = None
        self.base_url = None
        self._admin_token = None
        self._stderr_path = None
        self._stdout_path = None

    # -- lifecycle ---------------------------------------------------------
    def start(self):
        last_error = None
        for _ in range(3):  # a free port can be taken between probe and bind
            self.port = free_port()
            self.base_url = f"http://127.0.0.1:{self.port}"
            tag = uuid.uuid4().hex[:8]
            self._stdout_path = os.path.join(self.log_dir, f"server-{tag}.stdout")
            self._stderr_path = os.path.join(self.log_dir, f"server-{tag}.stderr")
            with open(self._stdout_path, "wb") as out, open(self._stderr_path, "wb") as err:
                self.proc = subprocess.Popen(
                    [AW_BINARY, "serve", "--port", str(self.port), "--data-dir", self.data_dir],
                    stdout=out, stderr=err, env=server_env(self.extra_env, self.data_dir),
                    cwd=self.data_dir)
            ok, last_error = self._wait_healthy()
            if ok:
                self._admin_token = None
                return self
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
                break  # it is running but not healthy: retrying will not help
        pytest.fail(f"server did not become healthy within {START_TIMEOUT_S}s: {last_error}\n"
                    f"--- stderr ---\n{self.stderr()}\n--- stdout ---\n{self.stdout()}")

    def _wait_healthy(self):
        deadline = time.monotonic() + START_TIMEOUT_S
        last_error = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False, f"exited with code {self.proc.returncode}"
            try:
                r = requests.get(self.base_url + "/api/health", timeout=2)
                if r.status_code == 200:
                    return True, None
                last_error = f"health answered {r.status_code}"
            except requests.RequestException as e:
                last_error = repr(e)
            time.sleep(0.05)
        return False, last_error

    def terminate(self, timeout=STOP_TIMEOUT_S):
        """Sends SIGTERM and returns the exit code (None if it did not exit in time)."""
        if self.proc is None or self.proc.poll() is not None:
            return None if self.proc is None else self.proc.returncode
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return None

    def stop_and_check(self):
        """SIGTERM; asserts a clean exit (code 0 within STOP_TIMEOUT_S)."""
        if self.proc is None:
            return
        already_dead = self.proc.poll() is not None
        code = self.terminate()
        assert not already_dead, (f"server died during the tests with code {self.proc.returncode}"
                                  f"\n--- stderr ---\n{self.stderr()}")
        assert code == 0, (f"server did not exit 0 within {STOP_TIMEOUT_S}s after SIGTERM "
                           f"(code {code})\n--- stderr ---\n{self.stderr()}")
        if on_dynamodb():
            self.assert_no_scan()

    def store_calls(self):
        """DynamoDB calls by operation, from the line a stopped server logs."""
        for text in (self.stderr(), self.stdout()):
            for line in reversed(text.splitlines()):
                if "store calls since start: " in line:
                    return json.loads(line.split("store calls since start: ", 1)[1])["calls"]
        return None

    def assert_no_scan(self):
        """No request path scans: checked on every server of the DynamoDB pass."""
        calls = self.store_calls()
        assert calls is not None, f"no store call counts logged at shutdown\n{self.stderr()}"
        assert calls.get("Scan", 0) == 0, f"the server made Scan calls: {calls}"

    def stderr(self):
        return _read_tail(self._stderr_path)

    def stdout(self):
        return _read_tail(self._stdout_path)

    # -- helpers -----------------------------------------------------------
    def url(self, path):
        return self.base_url + path

    def session(self, token=None):
        return ApiSession(self.base_url, token)

    def login_response(self, email, password):
        return requests.post(self.url("/api/auth/login"),
                             json={"email": email, "password": password}, timeout=30)

    def login(self, email, password):
        r = self.login_response(email, password)
        assert r.status_code == 200, f"login {email}: {r.status_code} {r.text}"
        return r.json()["access_token"]

    def as_user(self, email, password):
        return self.session(self.login(email, password))

    def admin_token(self):
        if self._admin_token is None:
            self._admin_token = self.login(ADMIN_EMAIL, ADMIN_PASSWORD)
        return self._admin_token

    def admin(self):
        return self.session(self.admin_token())

    def api_key_for(self, company_id):
        r = self.admin().get(f"/api/companies/{company_id}")
        assert r.status_code == 200, f"GET company {company_id}: {r.status_code} {r.text}"
        key = r.json().get("api_key")
        assert key, f"company {company_id} has no api_key: {r.text}"
        return key

    def send_alert(self, api_key, headers=None, **fields):
        body = new_alert(**fields)
        h = {"X-API-Key": api_key}
        h.update(headers or {})
        return requests.post(self.url("/api/webhooks/alerts"), json=body, headers=h, timeout=30)

    def create_user(self, role="technician", company_ids=("comp-acme",), password="Passw0rd!x",
                    email=None, name="Test User"):
        """Creates a user as the admin; returns (user json, email, password)."""
        email = email or f"user-{uuid.uuid4().hex[:10]}@example.com"
        r = self.admin().post("/api/users", json={
            "email": email, "name": name, "password": password, "role": role,
            "company_ids": list(company_ids)})
        assert r.status_code == 201, f"create user: {r.status_code} {r.text}"
        return r.json(), email, password

    def create_company(self, name=None):
        name = name or f"Test Co {uuid.uuid4().hex[:8]}"
        r = self.admin().post("/api/companies", json={"name": name})
        assert r.status_code == 201, f"create company: {r.status_code} {r.text}"
        return r.json()


def new_alert(**fields):
    """A valid webhook body with a unique message; keyword arguments override fields."""
    body = {
        "asset_name": f"srv-{uuid.uuid4().hex[:8]}",
        "signature": "cpu_high",
        "severity": "high",
        "message": f"test alert {uuid.uuid4().hex}",
        "tool_source": "pytest",
    }
    for k, v in fields.items():
        if v is _OMIT:
            body.pop(k, None)
        else:
            body[k] = v
    return body


class _Omit:
    def __repr__(self):
        return "OMIT"


_OMIT = _Omit()
OMIT = _OMIT  # pass as a field value to drop the field from new_alert()


def _read_tail(path, limit=20000):
    if not path or not os.path.exists(path):
        return ""
    with open(path, "rb") as f:
        data = f.read()
    return data[-limit:].decode("utf-8", "replace")


def assert_error(r, status, code=None, mentions=None):
    """Asserts the error contract: status, JSON {detail, code}, X-Request-ID."""
    statuses = status if isinstance(status, (tuple, list, set)) else (status,)
    assert r.status_code in statuses, (
        f"{r.request.method} {r.request.url}: expected {status}, got {r.status_code} {r.text[:500]}")
    try:
        body = r.json()
    except ValueError:
        pytest.fail(f"error body is not JSON: {r.status_code} {r.text[:500]!r}")
    assert isinstance(body, dict), body
    assert isinstance(body.get("detail"), str) and body["detail"], f"no detail sentence: {body}"
    assert isinstance(body.get("code"), str) and body["code"], f"no code: {body}"
    if code is not None:
        assert body["code"] == code, f"expected code {code!r}, got {body}"
    if mentions is not None:
        assert mentions in body["detail"], f"detail should name {mentions!r}: {body}"
    assert r.headers.get("X-Request-ID"), "error response without X-Request-ID"
    return body


def assert_no_secrets(obj, path="$"):
    """No password / password_hash key anywhere in a JSON value."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            assert k not in ("password", "password_hash", "hashed_password"), f"{path}.{k} leaked"
            assert_no_secrets(v, f"{path}.{k}")
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            assert_no_secrets(v, f"{path}[{i}]")
