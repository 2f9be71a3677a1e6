#!/usr/bin/python3
"""Writes pre-signed webhook requests for the HMAC intake benchmark.

Usage: sign_requests.py SECRET COUNT OUT_FILE RUN_ID
Each line: <X-Timestamp>\t<X-Signature>\t<body>. The timestamp is now, so the
file must be used within the server's +-300 s window. Bodies follow the same
distribution as bench/intake.lua (a fleet of BENCH_HOSTS hosts, 50 signatures,
every message distinct).
"""
import hashlib
import hmac
import json
import os
import sys
import time


def main():
    secret, count, out, run_id = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    hosts = int(os.environ.get("BENCH_HOSTS", "1000"))
    sevs = ["critical", "high", "medium", "low"]
    ts = str(int(time.time()))
    key = secret.encode()
    with open(out, "w") as f:
        for n in range(1, count + 1):
            body = json.dumps({
                "asset_name": "host-%d" % ((n * 7919) % hosts),
                "signature": "bench_sig_%d" % (n % 50),
                "severity": sevs[n % 4],
                "message": "bench alert r%s-n%d" % (run_id, n),
                "tool_source": "wrk",
            }, separators=(",", ":"))
            sig = hmac.new(key, (ts + "." + body).encode(), hashlib.sha256).hexdigest()
            f.write("%s\tsha256=%s\t%s\n" % (ts, sig, body))


if __name__ == "__main__":
    main()
