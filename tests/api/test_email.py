"""Email for notifications: through a real local SMTP server (aiosmtpd), with retry when the
server is down at first; and through Amazon SES v2 against a local stand-in that checks the
SigV4 Authorization header."""

import email
import email.policy
import http.server
import json
import re
import threading
import time
import uuid

import pytest
from aiosmtpd.controller import Controller

from aw_harness import free_port

ACME = "comp-acme"


class Recorder:
    """aiosmtpd handler that keeps every message it accepts."""

    def __init__(self):
        self.messages = []
        self.cond = threading.Condition()

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.cond:
            self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), msg))
            self.cond.notify_all()
        return "250 OK"

    def wait_for(self, pred, timeout):
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                found = [m for m in self.messages if pred(m)]
                if found:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no matching email within {timeout}s; got "
                                         f"{[(m[1], str(m[2]['Subject'])) for m in self.messages]}")
                self.cond.wait(left)


def smtp_env(port):
    return {"AW_SMTP_HOST": "127.0.0.1", "AW_SMTP_PORT": str(port), "AW_SMTP_FROM": "alerts@msp.example",
            "AW_SMTP_STARTTLS": "false"}


def critical_alert(srv):
    asset = f"db-{uuid.uuid4().hex[:8]}"
    body = srv.send_alert(srv.api_key_for(ACME), severity="critical", asset_name=asset,
                          signature="database_down").json()
    assert body.get("incident_created"), body
    return asset, body["incident_id"]


def test_critical_incident_email_arrives_over_smtp(server_factory):
    recorder = Recorder()
    port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        srv = server_factory.start(env=smtp_env(port))
        t0 = time.monotonic()
        asset, incident_id = critical_alert(srv)
        assert time.monotonic() - t0 < 2, "the webhook must not wait for email"
        got = recorder.wait_for(lambda m: "tech@acme.com" in m[1], timeout=15)
        mail_from, rcpts, msg = got[0]
        assert mail_from == "alerts@msp.example"
        assert rcpts == ["tech@acme.com"]
        subject = str(msg["Subject"])
        assert "database_down" in subject and asset in subject, subject
        assert incident_id in msg.get_content()
        assert msg["To"] == "tech@acme.com"
        # Technicians and admins of Acme, and the MSP admin; not its client, not TechStart.
        recorder.wait_for(lambda m: "company@acme.com" in m[1], timeout=10)
        recorder.wait_for(lambda m: "admin@alertwhisperer.com" in m[1], timeout=10)
        everyone = {r for m in recorder.messages for r in m[1]}
        assert "client@acme.com" not in everyone
        assert not any(r.endswith("@techstart.com") for r in everyone)
    finally:
        controller.stop()


def test_failed_send_is_logged_without_secrets_and_retried(server_factory):
    port = free_port()  # nothing listens here yet
    srv = server_factory.start(env={**smtp_env(port), "AW_SMTP_USERNAME": "mailer",
                                    "AW_SMTP_PASSWORD": "s3cret-smtp-password"})
    t0 = time.monotonic()
    asset, _ = critical_alert(srv)
    assert time.monotonic() - t0 < 2, "the webhook must not wait for a dead mail server"
    deadline = time.monotonic() + 10
    while "retrying in" not in srv.stderr() + srv.stdout() and time.monotonic() < deadline:
        time.sleep(0.1)
    log = srv.stderr() + srv.stdout()
    assert "retrying in" in log, log[-2000:]
    assert "s3cret-smtp-password" not in log


def test_retry_delivers_once_the_smtp_server_is_up(server_factory):
    port = free_port()
    srv = server_factory.start(env=smtp_env(port))
    asset, _ = critical_alert(srv)
    deadline = time.monotonic() + 10
    while "retrying in" not in srv.stderr() + srv.stdout() and time.monotonic() < deadline:
        time.sleep(0.1)
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        got = recorder.wait_for(lambda m: "tech@acme.com" in m[1], timeout=20)
        assert asset in str(got[0][2]["Subject"])
    finally:
        controller.stop()


class SesStandIn(http.server.BaseHTTPRequestHandler):
    requests = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        SesStandIn.requests.append((self.path, dict(self.headers), body))
        out = json.dumps({"MessageId": uuid.uuid4().hex}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    def log_message(self, *args):
        pass


def test_ses_send_email_is_sigv4_signed(server_factory):
    SesStandIn.requests = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), SesStandIn)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        srv = server_factory.start(env={
            "AWS_SES_REGION": "eu-west-1", "AWS_SES_FROM_EMAIL": "alerts@msp.example",
            "AW_SES_ENDPOINT": f"http://127.0.0.1:{httpd.server_address[1]}",
            "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"})
        asset, incident_id = critical_alert(srv)
        deadline = time.monotonic() + 15
        mine = []
        while time.monotonic() < deadline and not mine:
            mine = [r for r in SesStandIn.requests
                    if "tech@acme.com" in json.loads(r[2])["Destination"]["ToAddresses"]]
            time.sleep(0.1)
        assert mine, f"no SendEmail to tech@acme.com: {SesStandIn.requests}"
        path, headers, body = mine[0]
        assert path == "/v2/email/outbound-emails"
        auth = headers.get("Authorization", "")
        m = re.fullmatch(r"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/(\d{8})/eu-west-1/ses/aws4_request, "
                         r"SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})", auth)
        assert m, auth
        assert m.group(1) == headers["X-Amz-Date"][:8]
        assert "host" in m.group(2).split(";") and "x-amz-date" in m.group(2).split(";")
        req = json.loads(body)
        assert req["FromEmailAddress"] == "alerts@msp.example"
        assert asset in req["Content"]["Simple"]["Subject"]["Data"]
        assert incident_id in req["Content"]["Simple"]["Body"]["Text"]["Data"]
        assert "wJalrXUtnFEMI" not in srv.stderr() + srv.stdout()
    finally:
        httpd.shutdown()
