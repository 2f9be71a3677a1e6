"""CloudWatch alarms through Amazon SNS: POST /api/webhooks/cloudwatch.

A stand-in SNS runs in this module: a self-signed RSA certificate (python3-cryptography), a
tiny HTTP server on 127.0.0.1 that serves it as a .pem and answers SubscribeURLs (recording each
GET), and messages signed exactly as SNS signs them (SignatureVersion 1: SHA1withRSA, 2:
SHA256withRSA, over the documented string to sign). The server under test is pointed at it with
AW_SNS_CERT_BASE_URL (accepted only with AW_TEST_MODE=1); a second server without the override
checks that the real host rule (https://sns.<region>.amazonaws.com/) applies.
"""

import base64
import datetime
import json
import os
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from aw_harness import REPO_ROOT, AwServer, assert_error, free_port, run_cli
from helpers3 import alerts_of, incident, new_company, page_all

FIXTURES = os.path.join(REPO_ROOT, "tests", "testdata", "intake", "cloudwatch")
TOPIC = "arn:aws:sns:us-east-1:123456789012:alertwhisperer"
PATH = "/api/webhooks/cloudwatch"


def fixture(name):
    with open(os.path.join(FIXTURES, name)) as f:
        return json.load(f)


def iso_now(offset_seconds=0):
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=offset_seconds)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


class StandInSns:
    """Signs messages like SNS and serves the certificate and the SubscribeURLs."""

    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sns.stand-in.test")])
        now = datetime.datetime.now(datetime.timezone.utc)
        cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                .public_key(self.key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(now - datetime.timedelta(days=1))
                .not_valid_after(now + datetime.timedelta(days=1))
                .sign(self.key, hashes.SHA256()))
        self.pem = cert.public_bytes(serialization.Encoding.PEM)
        self.cert_fetches = 0
        self.confirmations = []  # paths (with query) of the SubscribeURL GETs
        self.lock = threading.Lock()
        sns = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                if self.path == "/SimpleNotificationService-test.pem":
                    with sns.lock:
                        sns.cert_fetches += 1
                    body, ctype = sns.pem, "application/x-pem-file"
                elif self.path.startswith("/confirm?"):
                    with sns.lock:
                        sns.confirmations.append(self.path)
                    body, ctype = b"<ConfirmSubscriptionResponse/>", "text/xml"
                else:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.cert_url = self.base + "/SimpleNotificationService-test.pem"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    @staticmethod
    def string_to_sign(m):
        if m["Type"] == "Notification":
            names = ["Message", "MessageId"] + (["Subject"] if "Subject" in m else []) + \
                    ["Timestamp", "TopicArn", "Type"]
        else:
            names = ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"]
        return "".join(f"{n}\n{m[n]}\n" for n in names).encode()

    def sign(self, m, version="2", cert_url=None):
        m = dict(m, SignatureVersion=version, SigningCertURL=cert_url or self.cert_url)
        digest = hashes.SHA1() if version == "1" else hashes.SHA256()
        sig = self.key.sign(self.string_to_sign(m), padding.PKCS1v15(), digest)
        m["Signature"] = base64.b64encode(sig).decode()
        return m

    def notification(self, alarm, version="2", message_id=None, timestamp=None, cert_url=None):
        text = alarm if isinstance(alarm, str) else json.dumps(alarm)
        subject = "a message" if isinstance(alarm, str) else \
            f'{alarm.get("NewStateValue")}: "{alarm.get("AlarmName")}" in US East (N. Virginia)'
        m = {"Type": "Notification", "MessageId": message_id or str(uuid.uuid4()), "TopicArn": TOPIC,
             "Subject": subject, "Message": text,
             "Timestamp": timestamp or iso_now(),
             "UnsubscribeURL": self.base + "/unsubscribe"}
        return self.sign(m, version, cert_url)

    def confirmation(self, token, type_="SubscriptionConfirmation", subscribe_url=None, version="2"):
        m = {"Type": type_, "MessageId": str(uuid.uuid4()), "TopicArn": TOPIC, "Token": token,
             "Message": f"You have chosen to subscribe to the topic {TOPIC}.\n"
                        "To confirm the subscription, visit the SubscribeURL included in this message.",
             "SubscribeURL": subscribe_url or
             f"{self.base}/confirm?Action=ConfirmSubscription&TopicArn={TOPIC}&Token={token}",
             "Timestamp": iso_now()}
        return self.sign(m, version)


@pytest.fixture(scope="module")
def sns():
    s = StandInSns()
    yield s
    s.close()


@pytest.fixture(scope="module")
def cw_server(sns, tmp_path_factory):
    srv = AwServer(tmp_path_factory.mktemp("aw-cw"),
                   env={"AW_TEST_MODE": "1", "AW_SNS_CERT_BASE_URL": sns.base}).start()
    yield srv
    srv.stop_and_check()


@pytest.fixture
def company(cw_server):
    return new_company(cw_server)


def post(server, message, api_key, headers=None, raw=None):
    """POSTs like SNS: JSON as text/plain, the message type header, the key in the URL."""
    h = {"Content-Type": "text/plain; charset=UTF-8", "User-Agent": "Amazon Simple Notification Service Agent"}
    if message is not None:
        h["x-amz-sns-message-type"] = message["Type"]
        h["x-amz-sns-message-id"] = message["MessageId"]
        h["x-amz-sns-topic-arn"] = message["TopicArn"]
    h.update(headers or {})
    body = raw if raw is not None else json.dumps(message)
    return requests.post(server.url(PATH), params={"api_key": api_key} if api_key else None,
                         data=body.encode() if isinstance(body, str) else body, headers=h, timeout=30)


def alarm(fixture_name="alarm_ec2_cpu.json", instance=None, **fields):
    """A fixture alarm with its own StateChangeTime (each call is a new state change)."""
    a = fixture(fixture_name)
    t = datetime.datetime.now(datetime.timezone.utc)
    a["StateChangeTime"] = t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}+0000"
    if instance is not None:
        a["Trigger"]["Dimensions"][0]["value"] = instance
    a.update(fields)
    return a


def audit_actions(server, company_id, action):
    items, _ = page_all(server.admin(), "/api/audit-logs", {"company_id": company_id, "action": action})
    return items


# -- subscription -------------------------------------------------------------
def test_subscription_confirmation_gets_the_subscribe_url(cw_server, sns, company):
    cid, key = company
    token = "tok-" + uuid.uuid4().hex
    r = post(cw_server, sns.confirmation(token), key)
    assert r.status_code == 200, r.text
    assert r.json()["topic_arn"] == TOPIC
    assert [p for p in sns.confirmations if token in p], "the SubscribeURL was not fetched"
    entries = audit_actions(cw_server, cid, "sns.subscription_confirmed")
    assert len(entries) == 1 and entries[0]["resource_id"] == TOPIC, entries


def test_subscribe_url_on_a_foreign_host_is_not_fetched(cw_server, sns, company):
    cid, key = company
    token = "tok-" + uuid.uuid4().hex
    foreign = f"http://127.0.0.1:{free_port()}/confirm?Token={token}"
    r = post(cw_server, sns.confirmation(token, subscribe_url=foreign), key)
    assert_error(r, 403, "sns_subscribe_url_refused")
    assert not [p for p in sns.confirmations if token in p]


def test_unsubscribe_confirmation_is_acknowledged(cw_server, sns, company):
    cid, key = company
    token = "tok-" + uuid.uuid4().hex
    r = post(cw_server, sns.confirmation(token, type_="UnsubscribeConfirmation"), key)
    assert r.status_code == 200, r.text
    assert not [p for p in sns.confirmations if token in p], "an unsubscribe must not re-subscribe"
    assert len(audit_actions(cw_server, cid, "sns.unsubscribed")) == 1


# -- notifications -------------------------------------------------------------
@pytest.mark.parametrize("version", ["1", "2"])
def test_alarm_opens_an_incident_and_ok_resolves_it(cw_server, sns, company, version):
    cid, key = company
    instance = "i-" + uuid.uuid4().hex[:17]
    r = post(cw_server, sns.notification(alarm(instance=instance), version=version), key)
    assert r.status_code == 200, r.text
    opened = r.json()
    assert opened["duplicate"] is False and opened["incident_created"] is True, opened
    [stored] = [a for a in alerts_of(cw_server, cid) if a["id"] == opened["alert_id"]]
    assert stored["asset_name"] == instance
    assert stored["signature"] == "web-1 CPU high"
    assert stored["severity"] == "critical"  # "severity: critical" in AlarmDescription
    assert stored["tool_source"] == "CloudWatch"
    assert stored["status"] == "active"
    assert stored["metadata"]["labels"]["InstanceId"] == instance
    assert stored["metadata"]["sns"]["topic_arn"] == TOPIC
    assert incident(cw_server, opened["incident_id"])["status"] == "new"

    r = post(cw_server, sns.notification(alarm("alarm_ec2_cpu_ok.json", instance=instance), version=version), key)
    assert r.status_code == 200, r.text
    assert r.json()["duplicate"] is False
    by_id = {a["id"]: a for a in alerts_of(cw_server, cid)}
    assert by_id[opened["alert_id"]]["status"] == "resolved"
    assert incident(cw_server, opened["incident_id"])["status"] == "resolved"


def test_a_repeat_stores_no_new_alert(cw_server, sns, company):
    cid, key = company
    a = alarm(instance="i-" + uuid.uuid4().hex[:17])
    msg = sns.notification(a)
    first = post(cw_server, msg, key)
    assert first.status_code == 200, first.text
    again = post(cw_server, msg, key)  # an SNS retry: same MessageId
    assert again.status_code == 200, again.text
    assert again.json()["duplicate"] is True and again.json()["alert_id"] == first.json()["alert_id"]
    # The same state change from a second topic (a new MessageId): the same alarm transition.
    other = post(cw_server, sns.notification(a), key)
    assert other.json()["duplicate"] is True and other.json()["alert_id"] == first.json()["alert_id"]
    assert len(alerts_of(cw_server, cid)) == 1


def test_insufficient_data_stores_nothing(cw_server, sns, company):
    cid, key = company
    r = post(cw_server, sns.notification(fixture("alarm_insufficient_data.json")), key)
    assert r.status_code == 200, r.text
    assert r.json()["alert_id"] is None
    assert alerts_of(cw_server, cid) == []


def test_the_certificate_is_fetched_once(cw_server, sns, company):
    _, key = company
    post(cw_server, sns.notification(alarm(instance="i-warm")), key)  # cached from here on
    before = sns.cert_fetches
    for _ in range(3):
        r = post(cw_server, sns.notification(alarm(instance="i-" + uuid.uuid4().hex[:17])), key)
        assert r.status_code == 200, r.text
    assert sns.cert_fetches == before


# -- refusals -------------------------------------------------------------------
def test_a_tampered_message_is_refused_and_nothing_stored(cw_server, sns, company):
    cid, key = company
    msg = sns.notification(alarm(instance="i-tampered"))
    bad = dict(msg, Message=msg["Message"].replace("i-tampered", "i-elsewhere"))
    assert_error(post(cw_server, bad, key), 403, "sns_invalid_signature")
    # Signed with SHA1 but labelled SignatureVersion 2.
    v1 = sns.notification(alarm(instance="i-tampered"), version="1")
    assert_error(post(cw_server, dict(v1, SignatureVersion="2"), key), 403, "sns_invalid_signature")
    # Signed by another key.
    impostor = StandInSns()
    try:
        forged = impostor.notification(alarm(instance="i-tampered"), cert_url=sns.cert_url)
        assert_error(post(cw_server, forged, key), 403, "sns_invalid_signature")
    finally:
        impostor.close()
    assert alerts_of(cw_server, cid) == []
    assert len(audit_actions(cw_server, cid, "sns.message_refused")) == 3


def test_a_certificate_on_another_host_is_refused(cw_server, sns, company):
    cid, key = company
    impostor = StandInSns()  # a valid signature, but its certificate is not SNS's
    try:
        msg = impostor.notification(alarm(instance="i-foreign"))
        assert_error(post(cw_server, msg, key), 403, "sns_certificate_url_refused")
        assert impostor.cert_fetches == 0, "a certificate on a foreign host was fetched"
    finally:
        impostor.close()
    assert alerts_of(cw_server, cid) == []


def test_a_stale_message_is_refused(cw_server, sns, company):
    cid, key = company
    msg = sns.notification(alarm(instance="i-stale"), timestamp=iso_now(-2 * 3600))
    assert_error(post(cw_server, msg, key), 403, "sns_stale_message")
    assert alerts_of(cw_server, cid) == []


def test_api_key_is_required(cw_server, sns):
    msg = sns.notification(alarm())
    assert_error(post(cw_server, msg, None), 401, "missing_api_key")
    assert_error(post(cw_server, msg, "not-a-key"), 401, "invalid_api_key")


def test_x_api_key_header_works_too(cw_server, sns, company):
    cid, key = company
    r = post(cw_server, sns.notification(alarm(instance="i-header")), None, headers={"X-API-Key": key})
    assert r.status_code == 200, r.text
    assert len(alerts_of(cw_server, cid)) == 1


def test_malformed_messages_are_400_naming_the_field(cw_server, sns, company):
    cid, key = company
    assert_error(post(cw_server, None, key, raw="{not json"), 400, "invalid_json")
    msg = sns.notification(alarm())
    for field in ("Signature", "SigningCertURL", "Timestamp", "MessageId", "TopicArn"):
        body = {k: v for k, v in msg.items() if k != field}
        assert_error(post(cw_server, body, key), 400, "invalid_payload", mentions=field)
    assert_error(post(cw_server, dict(msg, SignatureVersion="3"), key), 400, mentions="SignatureVersion")
    assert_error(post(cw_server, msg, key, headers={"x-amz-sns-message-type": "SubscriptionConfirmation"}),
                 400, mentions="x-amz-sns-message-type")
    # Authentic, but not a CloudWatch alarm.
    assert_error(post(cw_server, sns.notification("plain text"), key), 400, mentions="Message")
    broken = alarm()
    broken["NewStateValue"] = "FIRING"
    assert_error(post(cw_server, sns.notification(broken), key), 400, mentions="Message.NewStateValue")
    broken = alarm()
    broken["Trigger"]["Dimensions"] = [{"name": "InstanceId"}]
    assert_error(post(cw_server, sns.notification(broken), key), 400,
                 mentions="Message.Trigger.Dimensions[0].value")
    assert alerts_of(cw_server, cid) == []


# -- without the test override ---------------------------------------------------
def test_without_the_override_only_sns_hosts_are_trusted(server_factory, sns):
    srv = server_factory.start()  # no AW_SNS_CERT_BASE_URL
    _, key = new_company(srv)
    before = sns.cert_fetches
    assert_error(post(srv, sns.notification(alarm()), key), 403, "sns_certificate_url_refused")
    msg = sns.confirmation("tok-x")
    assert_error(post(srv, msg, key), 403, "sns_certificate_url_refused")
    assert sns.cert_fetches == before
    assert not [p for p in sns.confirmations if "tok-x" in p]


def test_the_override_needs_test_mode(tmp_path, sns):
    r = run_cli(["serve", "--port", str(free_port())], data_dir=tmp_path,
                env={"AW_SNS_CERT_BASE_URL": sns.base, "AW_TEST_MODE": None}, timeout=30)
    assert r.returncode != 0
    assert "AW_SNS_CERT_BASE_URL" in r.stderr and "AW_TEST_MODE=1" in r.stderr, r.stderr


def test_openapi_lists_the_route_with_the_api_key(cw_server):
    doc = requests.get(cw_server.url("/api/openapi.json"), timeout=30).json()
    op = doc["paths"][PATH]["post"]
    assert {"apiKeyQuery": []} in op["security"] and {"apiKeyHeader": []} in op["security"]
