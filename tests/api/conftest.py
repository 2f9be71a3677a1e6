"""Fixtures for the black-box API tests (helpers live in aw_harness.py).

  server          one demo server per test module (AW_DEMO=true, no JWT_SECRET)
  fresh_server    a demo server with a clean store, for one test
  server_factory  start(data_dir=None, env=None) -> AwServer; restarts on one data dir
  login, authed, api_key_for, admin   shortcuts bound to `server`
Every server is stopped with SIGTERM and must exit 0 within 10 s.
"""

import os
import uuid

import pytest

from aw_harness import (ADMIN_EMAIL, ADMIN_PASSWORD, AW_BINARY, AW_TEST_STORE, DYNAMODB_ENDPOINT,
                        AwServer)


@pytest.fixture(scope="session", autouse=True)
def _binary_exists():
    if not (os.path.isfile(AW_BINARY) and os.access(AW_BINARY, os.X_OK)):
        pytest.exit(f"AW_BINARY {AW_BINARY} is not an executable file", returncode=2)
    if AW_TEST_STORE not in ("rocksdb", "dynamodb"):
        pytest.exit(f"AW_TEST_STORE={AW_TEST_STORE!r}: expected rocksdb or dynamodb", returncode=2)
    if AW_TEST_STORE == "dynamodb" and not DYNAMODB_ENDPOINT:
        pytest.exit("AW_TEST_STORE=dynamodb needs AW_TEST_DYNAMODB_ENDPOINT "
                    "(eval \"$(tests/dynalite/start.sh)\")", returncode=2)


# Tests of one store only, with the reason; they are deselected (not skipped)
# in the other pass, where what they stand for is covered as named.
# EMBEDDED_ONLY: the embedded store (RocksDB) only.
EMBEDDED_ONLY = {
    "test_cli.py::test_second_process_on_one_data_dir_is_refused":
        "one process per data directory of the embedded store; on DynamoDB several replicas share the tables "
        "by design (test_replicas.py)",
    "test_ws.py::test_stuck_client_is_cut_off_while_intake_continues":
        "a latency bound (p99 < 1 s) under a flood of 15 KB alerts: on dynalite, one Node.js process, "
        "the store sets that latency; the WebSocket behaviour it checks does not depend on the store",
    "test_execution_recovery.py::test_a_run_left_running_by_kill_9_is_polled_to_its_end_after_restart":
        "expects the restarted process to take a dead run over at once, the embedded store's rule (one "
        "process per data directory); on DynamoDB a run is taken over only once its heartbeat is 120 s stale, since "
        "another live replica may still be polling it (docs/runbooks.md, After a crash)",
    "test_execution_recovery.py::test_unknown_fate_and_stale_approvals_are_closed_with_a_reason":
        "same takeover rule as above: immediate on the embedded store, after a 120 s stale heartbeat on DynamoDB",
    "test_package.py::":
        "the Debian package and its unit do not depend on the store; the packaged binary's first run "
        "is checked on the embedded store, the package's default",
}


def pytest_configure(config):
    config.addinivalue_line("markers", "dynamodb_only: runs in the DynamoDB pass only (AW_TEST_STORE=dynamodb)")


def pytest_collection_modifyitems(config, items):
    keep, drop = [], []
    for item in items:
        name = item.nodeid.split("/")[-1]
        if AW_TEST_STORE == "dynamodb":
            wrong = any(name.startswith(k) for k in EMBEDDED_ONLY)
        else:
            wrong = item.get_closest_marker("dynamodb_only") is not None
        (drop if wrong else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def pytest_report_header(config):
    return f"store: {AW_TEST_STORE}" + (f" at {DYNAMODB_ENDPOINT}" if AW_TEST_STORE == "dynamodb" else "")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One demo server per test module."""
    data_dir = tmp_path_factory.mktemp("aw-data")
    srv = AwServer(data_dir).start()
    yield srv
    srv.stop_and_check()


class ServerFactory:
    """Starts servers for one test; all are stopped (and checked) at the end."""

    def __init__(self, tmp_path):
        self.tmp_path = tmp_path
        self.servers = []

    def new_data_dir(self):
        d = self.tmp_path / f"data-{len(self.servers)}-{uuid.uuid4().hex[:6]}"
        d.mkdir()
        return d

    def start(self, data_dir=None, env=None):
        srv = AwServer(data_dir or self.new_data_dir(), env=env, log_dir=self.tmp_path)
        self.servers.append(srv)
        return srv.start()

    def close(self):
        for srv in self.servers:
            if srv.proc is not None and srv.proc.poll() is None:
                srv.stop_and_check()


@pytest.fixture
def server_factory(tmp_path):
    factory = ServerFactory(tmp_path)
    yield factory
    factory.close()


@pytest.fixture
def fresh_server(server_factory):
    """A demo server with a clean store, for this test only."""
    return server_factory.start()


@pytest.fixture
def login(server):
    return server.login


@pytest.fixture
def authed(server):
    """Factory: authed(email, password) -> ApiSession; authed() -> admin session."""
    def make(email=ADMIN_EMAIL, password=ADMIN_PASSWORD):
        return server.as_user(email, password)
    return make


@pytest.fixture
def api_key_for(server):
    return server.api_key_for


@pytest.fixture
def admin(server):
    return server.admin()
