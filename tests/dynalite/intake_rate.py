"""Intake rate of the server on dynalite with one or more replicas (docs/PERFORMANCE.md).

  eval "$(tests/dynalite/start.sh)"
  AW_BINARY=build/alertwhisperer /usr/bin/python3 tests/dynalite/intake_rate.py 2000 2

Starts REPLICAS servers on one set of tables, sends N alerts from N distinct hosts
(each opens an incident) from 32 threads spread evenly over them, prints
alerts/s and the DynamoDB requests per alert (summed over the replicas).
"""

import os
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "api"))
os.environ["AW_TEST_STORE"] = "dynamodb"

import requests  # noqa: E402

from aw_harness import AwServer, new_alert  # noqa: E402
from helpers3 import new_company, unique  # noqa: E402


def calls(srv):
    return srv.admin().get("/api/admin/store-stats").json()["calls"]


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    replicas = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    d = tempfile.mkdtemp(prefix="aw-rate-")
    srvs = [AwServer(d).start() for _ in range(replicas)]
    try:
        cid, key = new_company(srvs[0])
        srvs[0].admin().put(f"/api/companies/{cid}/rate-limit", json={"enabled": False, "requests_per_minute": 6000, "burst_size": 1000})
        asset = unique("rate")
        bodies = [new_alert(asset_name=f"{asset}-{i}", signature="cpu_high", message=f"m{i}") for i in range(n)]
        before = [calls(s) for s in srvs]
        codes, lock, threads = {}, threading.Lock(), 32

        def worker(t):
            sessions = [requests.Session() for _ in srvs]
            for i in range(t, n, threads):
                r = sessions[i % replicas].post(srvs[i % replicas].url("/api/webhooks/alerts"), json=bodies[i],
                                                headers={"X-API-Key": key}, timeout=60)
                with lock:
                    codes[r.status_code] = codes.get(r.status_code, 0) + 1

        t0 = time.time()
        ts = [threading.Thread(target=worker, args=(t,)) for t in range(threads)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        elapsed = time.time() - t0
        total = {}
        for s, b in zip(srvs, before):
            for op, v in calls(s).items():
                total[op] = total.get(op, 0) + v - b.get(op, 0)
        per = {op: round(v / n, 2) for op, v in sorted(total.items()) if v}
        print(f"replicas={replicas} alerts={n} {elapsed:.1f}s {n / elapsed:.0f} alerts/s answers={codes}")
        print(f"DynamoDB requests per alert: {sum(total.values()) / n:.2f} {per}")
    finally:
        for s in srvs:
            s.terminate()


if __name__ == "__main__":
    main()
