"""The real senders (docs/intake.md): Debian's Prometheus and Alertmanager, run here on free
127.0.0.1 ports, deliver to us as they would in production.

- Prometheus evaluates a rule every second that fires at once and stops firing ~18 s later;
  it sends to Alertmanager, whose webhook receiver (send_resolved, bearer API key) posts to
  /api/webhooks/alertmanager for company A;
- the same Prometheus also uses us directly as its second alertmanager (API v2,
  `authorization: {credentials: <key of company B>}`), posting to /api/v2/alerts;
- `amtool alert add` posts to /api/v2/alerts with --http.config.file carrying a bearer key.
Each test sees the incident open and then resolve through our API. Everything is stopped at the
end, also on failure. Skipped only when the binaries are absent (scripts/install-deps.sh --test
installs them)."""

import os
import shutil
import subprocess
import time

import pytest

from aw_harness import free_port
from helpers3 import alerts_of, incidents_of, new_company

PROMETHEUS = shutil.which("prometheus") or "/usr/bin/prometheus"
ALERTMANAGER = shutil.which("prometheus-alertmanager") or "/usr/bin/prometheus-alertmanager"
AMTOOL = shutil.which("amtool") or "/usr/bin/amtool"
FIRE_SECONDS = 18  # the rule fires this long after Prometheus starts, then resolves
DEADLINE_S = 85    # per test: open and resolve within this

pytestmark = pytest.mark.skipif(
    not (os.access(PROMETHEUS, os.X_OK) and os.access(ALERTMANAGER, os.X_OK)),
    reason="prometheus / prometheus-alertmanager are not installed (scripts/install-deps.sh --test installs them)")


def _wait_ready(url, proc, name, log, timeout=30):
    import requests
    end = time.time() + timeout
    while time.time() < end:
        if proc.poll() is not None:
            pytest.fail(f"{name} exited with {proc.returncode}:\n{open(log).read()[-3000:]}")
        try:
            if requests.get(url, timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    pytest.fail(f"{name} not ready after {timeout} s:\n{open(log).read()[-3000:]}")


class Senders:
    def __init__(self, tmp):
        self.tmp = tmp
        self.procs = []

    def start(self, name, args):
        log = str(self.tmp / f"{name}.log")
        proc = subprocess.Popen(args, stdout=open(log, "wb"), stderr=subprocess.STDOUT, cwd=str(self.tmp))
        self.procs.append((name, proc, log))
        return proc, log

    def logs(self):
        return "\n".join(f"--- {n} ---\n{open(l).read()[-4000:]}" for n, _, l in self.procs)

    def stop(self):
        for _, proc, _ in self.procs:
            if proc.poll() is None:
                proc.terminate()
        for _, proc, _ in self.procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)


@pytest.fixture(scope="module")
def chain(server, tmp_path_factory):
    """Starts Alertmanager and Prometheus; yields (company A, company B, senders, started)."""
    tmp = tmp_path_factory.mktemp("senders")
    cid_a, key_a = new_company(server)
    cid_b, key_b = new_company(server)
    aw_host = server.url("").split("//", 1)[1].rstrip("/")
    am_port, prom_port = free_port(), free_port()
    (tmp / "am").mkdir()
    (tmp / "alertmanager.yml").write_text(f"""
route:
  receiver: aw
  group_by: ['alertname', 'instance']
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: aw
    webhook_configs:
      - url: http://{aw_host}/api/webhooks/alertmanager
        send_resolved: true
        max_alerts: 50
        http_config:
          authorization:
            type: Bearer
            credentials: {key_a}
""")
    ends = int(time.time()) + FIRE_SECONDS
    (tmp / "rules.yml").write_text(f"""
groups:
  - name: aw-real-senders
    interval: 1s
    rules:
      - alert: AwRealSenderFlap
        expr: vector(time()) < {ends}
        labels:
          severity: critical
          instance: real-sender-host
        annotations:
          summary: "the real senders' test alert"
""")
    (tmp / "prometheus.yml").write_text(f"""
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: ['{tmp}/rules.yml']
alerting:
  alertmanagers:
    - api_version: v2
      static_configs:
        - targets: ['127.0.0.1:{am_port}']
    - api_version: v2
      authorization:
        credentials: {key_b}
      static_configs:
        - targets: ['{aw_host}']
""")
    senders = Senders(tmp)
    try:
        am, am_log = senders.start("alertmanager", [
            ALERTMANAGER, f"--config.file={tmp}/alertmanager.yml", f"--storage.path={tmp}/am",
            f"--web.listen-address=127.0.0.1:{am_port}", "--cluster.listen-address=", "--log.level=info"])
        _wait_ready(f"http://127.0.0.1:{am_port}/-/ready", am, "alertmanager", am_log)
        (tmp / "prom").mkdir()
        prom, prom_log = senders.start("prometheus", [
            PROMETHEUS, f"--config.file={tmp}/prometheus.yml", f"--storage.tsdb.path={tmp}/prom",
            f"--web.listen-address=127.0.0.1:{prom_port}", "--log.level=info"])
        _wait_ready(f"http://127.0.0.1:{prom_port}/-/ready", prom, "prometheus", prom_log)
        yield {"a": cid_a, "b": cid_b, "senders": senders, "ends": ends}
    finally:
        senders.stop()


def _wait_for(what, check, senders, deadline):
    last = None
    while time.time() < deadline:
        last = check()
        if last:
            return last
        time.sleep(0.5)
    pytest.fail(f"timed out waiting for {what}; last seen: {last!r}\n{senders.logs()}")


def _open_then_resolved(server, chain, cid, tool):
    deadline = time.time() + DEADLINE_S

    def incident_of_the_rule():
        found = [i for i in incidents_of(server, cid) if i.get("signature") == "AwRealSenderFlap"]
        return found[0] if found else None

    first = _wait_for(f"an incident from {tool}", incident_of_the_rule, chain["senders"], deadline)
    if time.time() < chain["ends"]:
        assert first["status"] in ("new", "acknowledged", "in_progress", "escalated"), first
    alerts = [a for a in alerts_of(server, cid) if a["signature"] == "AwRealSenderFlap"]
    assert alerts and all(a["asset_name"] == "real-sender-host" for a in alerts), alerts
    assert {a["tool_source"] for a in alerts} == {tool}
    assert alerts[0]["severity"] == "critical"

    def resolved():
        inc = incident_of_the_rule()
        return inc if inc and inc["status"] == "resolved" else None

    done = _wait_for(f"the incident from {tool} to resolve", resolved, chain["senders"], deadline)
    assert done["id"] == first["id"]
    assert any(a["status"] == "resolved" for a in alerts_of(server, cid) if a["signature"] == "AwRealSenderFlap")


def test_prometheus_to_alertmanager_to_our_webhook(server, chain):
    _open_then_resolved(server, chain, chain["a"], "Alertmanager")


def test_prometheus_posts_straight_to_our_api_v2(server, chain):
    _open_then_resolved(server, chain, chain["b"], "Prometheus")


@pytest.mark.skipif(not os.access(AMTOOL, os.X_OK), reason="amtool is not in this prometheus-alertmanager package")
def test_amtool_alert_add(server, tmp_path):
    cid, key = new_company(server)
    cfg = tmp_path / "http.yml"
    cfg.write_text(f"authorization:\n  type: Bearer\n  credentials: {key}\n")
    out = subprocess.run([AMTOOL, "alert", "add", f"--alertmanager.url={server.url('/')}",
                          f"--http.config.file={cfg}", "alertname=AmtoolCheck", "instance=amtool-host",
                          "severity=warning", "--annotation=summary=added by amtool"],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stdout + out.stderr
    alerts = [a for a in alerts_of(server, cid) if a["signature"] == "AmtoolCheck"]
    assert len(alerts) == 1, alerts
    assert alerts[0]["asset_name"] == "amtool-host" and alerts[0]["severity"] == "medium"
    assert alerts[0]["message"] == "added by amtool" and alerts[0]["status"] == "active"
    # Without the key amtool's post is refused.
    cfg.write_text("authorization:\n  type: Bearer\n  credentials: aw_not_a_key\n")
    out = subprocess.run([AMTOOL, "alert", "add", f"--alertmanager.url={server.url('/')}",
                          f"--http.config.file={cfg}", "alertname=AmtoolCheck2"],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode != 0
    assert not [a for a in alerts_of(server, cid) if a["signature"] == "AmtoolCheck2"]
