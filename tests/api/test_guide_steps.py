"""The three guide steps, run exactly as a newcomer would: plain HTTP calls, no helpers.

1. log in as the demo admin; 2. list the companies (and read Acme's API key);
3. send an alert to the webhook with that key, then see it in GET /api/alerts.
"""

import uuid

import requests


def _step1_login(base):
    r = requests.post(f"{base}/api/auth/login",
                      json={"email": "admin@alertwhisperer.com", "password": "admin123"})
    assert r.status_code == 200, r.text
    return r.json()["access_token"]


def _step2_companies(base, token):
    r = requests.get(f"{base}/api/companies", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200, r.text
    return r.json()


def test_step1_login(server):
    r = requests.post(f"{server.base_url}/api/auth/login",
                      json={"email": "admin@alertwhisperer.com", "password": "admin123"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["token_type"] == "bearer"
    assert body["access_token"]
    assert body["user"]["email"] == "admin@alertwhisperer.com"
    assert body["user"]["role"] == "msp_admin"


def test_step2_list_companies(server):
    token = _step1_login(server.base_url)
    companies = _step2_companies(server.base_url, token)
    assert isinstance(companies, list)
    by_id = {c["id"]: c for c in companies}
    assert by_id["comp-acme"]["name"] == "Acme Corp"
    assert by_id["comp-techstart"]["name"] == "TechStart"
    assert by_id["comp-global"]["name"] == "Global Systems"
    assert by_id["comp-acme"]["api_key"].startswith("aw_")


def test_step3_send_alert_and_see_it(server):
    base = server.base_url
    token = _step1_login(base)
    acme = next(c for c in _step2_companies(base, token) if c["id"] == "comp-acme")
    message = f"CPU usage above 90% ({uuid.uuid4().hex[:8]})"

    r = requests.post(f"{base}/api/webhooks/alerts?api_key={acme['api_key']}", json={
        "asset_name": "web-server-01",
        "signature": "high_cpu",
        "severity": "high",
        "message": message,
        "tool_source": "Datadog",
    })
    assert r.status_code == 202, r.text
    alert_id = r.json()["alert_id"]

    r = requests.get(f"{base}/api/alerts?company_id=comp-acme",
                     headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200, r.text
    mine = [a for a in r.json() if a["id"] == alert_id]
    assert len(mine) == 1, f"alert {alert_id} not listed"
    alert = mine[0]
    assert alert["message"] == message
    assert alert["asset_name"] == "web-server-01"
    assert alert["severity"] == "high"
    assert alert["status"] == "active"
    assert alert["company_id"] == "comp-acme"
