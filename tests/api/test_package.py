"""The Debian package (`make package`, scripts/make-package.sh) and its systemd unit.

The package is built from the binary under test, unpacked into a scratch root with `dpkg -x`
(never installed on this machine), and checked: its metadata, its layout and modes, the unit
(hardening present, `systemd-analyze verify` clean), the maintainer scripts' syntax, and the
packaged binary itself following docs/operations.md's first-run steps: `user add` on an empty
data directory with the packaged settings (no demo data), then `serve` with the packaged web UI,
sign-in as that admin. Runs once (the embedded-store pass): nothing here depends on the store.
"""

import os
import re
import stat
import subprocess
import time

import pytest
import requests

from aw_harness import AW_BINARY, free_port

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


@pytest.fixture(scope="module")
def package(tmp_path_factory):
    out = tmp_path_factory.mktemp("deb")
    r = subprocess.run([os.path.join(ROOT, "scripts", "make-package.sh"), str(out)], capture_output=True,
                       text=True, env={**os.environ, "AW_BINARY": AW_BINARY}, timeout=300)
    assert r.returncode == 0, r.stderr
    deb = r.stdout.strip().splitlines()[-1]
    assert os.path.isfile(deb) and deb.endswith("_amd64.deb"), r.stdout
    root = tmp_path_factory.mktemp("root")
    subprocess.run(["dpkg", "-x", deb, str(root)], check=True)
    control = tmp_path_factory.mktemp("control")
    subprocess.run(["dpkg-deb", "-e", deb, str(control)], check=True)
    return {"deb": deb, "root": str(root), "control": str(control)}


def _control_fields(path):
    fields = {}
    for line in open(os.path.join(path, "control")):
        m = re.match(r"^([A-Za-z-]+): (.*)$", line)
        if m:
            fields[m.group(1)] = m.group(2)
    return fields


def test_metadata_names_the_version_and_the_libraries(package):
    fields = _control_fields(package["control"])
    version = subprocess.run([AW_BINARY, "--version"], capture_output=True, text=True).stdout.split()[-1]
    assert fields["Package"] == "alertwhisperer"
    assert fields["Version"] == version
    assert os.path.basename(package["deb"]) == f"alertwhisperer_{version}_amd64.deb"
    depends = fields["Depends"]
    for lib in ("libc6", "libssl3", "libsodium23", "libcurl4", "adduser"):
        assert lib in depends, depends
    assert open(os.path.join(package["control"], "conffiles")).read().split() == ["/etc/alertwhisperer/env"]


def test_layout_and_modes(package):
    root = package["root"]
    binary = os.path.join(root, "usr/bin/alertwhisperer")
    assert os.stat(binary).st_mode & 0o777 == 0o755
    assert os.path.isfile(os.path.join(root, "usr/share/alertwhisperer/web/index.html"))
    assert os.listdir(os.path.join(root, "usr/share/alertwhisperer/web/assets"))
    assert os.path.isfile(os.path.join(root, "lib/systemd/system/alertwhisperer.service"))
    env = os.path.join(root, "etc/alertwhisperer/env")
    assert stat.S_IMODE(os.stat(env).st_mode) == 0o640  # it may hold secrets
    assert os.path.isfile(os.path.join(root, "usr/share/doc/alertwhisperer/operations.md"))
    # Stripped: the debug line tables stay in the build.
    out = subprocess.run(["file", "-b", binary], capture_output=True, text=True, check=True).stdout
    assert "ELF" in out and "not stripped" not in out, out
    for script in ("postinst", "prerm", "postrm"):
        path = os.path.join(package["control"], script)
        assert os.stat(path).st_mode & 0o111, script
        r = subprocess.run(["sh", "-n", path], capture_output=True, text=True)
        assert r.returncode == 0, f"{script}: {r.stderr}"
    postinst = open(os.path.join(package["control"], "postinst")).read()
    assert "adduser --system" in postinst and "chmod 0640 /etc/alertwhisperer/env" in postinst


def test_unit_is_hardened_and_verifies_clean(package, tmp_path):
    unit = open(os.path.join(package["root"], "lib/systemd/system/alertwhisperer.service")).read()
    for line in ("User=alertwhisperer", "NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes",
                 "StateDirectory=alertwhisperer", "EnvironmentFile=/etc/alertwhisperer/env",
                 "ExecStart=/usr/bin/alertwhisperer serve --data-dir /var/lib/alertwhisperer",
                 "RestartPreventExitStatus=2", "CapabilityBoundingSet="):
        assert re.search(rf"^{re.escape(line)}$", unit, re.M), line
    # systemd-analyze checks that ExecStart is executable: point it at the unpacked binary.
    copy = tmp_path / "alertwhisperer.service"
    copy.write_text(unit.replace("/usr/bin/alertwhisperer", os.path.join(package["root"], "usr/bin/alertwhisperer")))
    r = subprocess.run(["systemd-analyze", "verify", str(copy)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    # A setting it cannot parse is only a warning (exit 0): the output must be clean as well.
    complaints = [l for l in (r.stdout + r.stderr).splitlines() if "alertwhisperer.service" in l]
    assert complaints == [], complaints
    # The check can fail: a misspelt setting is reported.
    bad = tmp_path / "bad" / "alertwhisperer.service"
    bad.parent.mkdir()
    bad.write_text(copy.read_text().replace("ProtectSystem=strict", "ProtectSystem=bogus"))
    r = subprocess.run(["systemd-analyze", "verify", str(bad)], capture_output=True, text=True, timeout=60)
    assert "protect system value" in r.stdout + r.stderr and "bogus" in r.stdout + r.stderr


def _packaged_env(root):
    env = {}
    for line in open(os.path.join(root, "etc/alertwhisperer/env")):
        line = line.strip()
        if line and not line.startswith("#"):
            k, _, v = line.partition("=")
            env[k] = v
    return env


def test_packaged_binary_first_run_as_documented(package, tmp_path):
    root = package["root"]
    binary = os.path.join(root, "usr/bin/alertwhisperer")
    settings = _packaged_env(root)
    assert settings["AW_DEMO"] == "false"
    data = tmp_path / "var-lib"
    data.mkdir(mode=0o700)
    port = free_port()
    base = {k: v for k, v in os.environ.items() if not k.startswith(("AW_", "JWT_", "AWS_", "DYNAMODB_"))}
    env = {**base, **settings, "PORT": str(port), "AW_BIND_ADDRESS": "127.0.0.1",
           # The unpacked root is not /usr/share: the UI is found through AW_WEB_DIR here.
           "AW_WEB_DIR": os.path.join(root, "usr/share/alertwhisperer/web")}
    r = subprocess.run([binary, "user", "add", "--email", "owner@msp.example", "--name", "Owner", "--role",
                        "msp_admin", "--data-dir", str(data)], input="a-long-first-password\n",
                       capture_output=True, text=True, env=env, cwd=str(data), timeout=60)
    assert r.returncode == 0, r.stderr
    log = open(tmp_path / "serve.log", "wb")
    proc = subprocess.Popen([binary, "serve", "--data-dir", str(data)], env=env, cwd=str(data), stdout=log,
                            stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while True:
            try:
                if requests.get(url + "/api/health", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, open(tmp_path / "serve.log").read()
            time.sleep(0.1)
        page = requests.get(url + "/", timeout=5)
        assert page.status_code == 200 and '<div id="root">' in page.text
        # No demo data: the demo admin does not exist; the documented admin signs in.
        demo = requests.post(url + "/api/auth/login", json={"email": "admin@alertwhisperer.com",
                                                            "password": "admin123"}, timeout=5)
        assert demo.status_code == 401
        me = requests.post(url + "/api/auth/login", json={"email": "owner@msp.example",
                                                          "password": "a-long-first-password"}, timeout=5)
        assert me.status_code == 200, me.text
        companies = requests.get(url + "/api/companies", timeout=5,
                                 headers={"Authorization": "Bearer " + me.json()["access_token"]})
        assert companies.status_code == 200 and companies.json() == []
        # The generated keys are private to the service user.
        for name in ("master.key", "jwt_secret"):
            assert stat.S_IMODE(os.stat(data / name).st_mode) & 0o077 == 0, name
    finally:
        proc.terminate()
        assert proc.wait(timeout=15) == 0
