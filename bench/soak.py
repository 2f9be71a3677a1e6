#!/usr/bin/env python3
"""Soak driver for bench/soak.sh: steady mixed load on a running server, one CSV row per interval.

  soak.py run --url URL --token JWT --api-key KEY --pid PID --data-dir DIR --csv OUT.csv
              [--rate 200] [--minutes 60] [--interval 60] [--senders 8] [--read-rate 5]
              [--repeat-share 0.05]
  soak.py plot OUT.csv OUT.png

run: `--senders` threads post single alerts to /api/webhooks/alerts on keep-alive connections,
paced together at `--rate` alerts/s (a sender that falls behind skips the slots it missed and counts
them, so a slow server is seen as a lower rate, not as a burst afterwards). Every alert is new
(distinct message, its own X-Delivery-ID) except `--repeat-share` of them, which resend a recent
delivery (a repeat, answered with the first alert). Assets and signatures cycle over 500 x 4 keys, so
correlation joins most alerts to open incidents. One reader thread GETs the alert and incident lists
(`--read-rate` per second). Every `--interval` seconds a row: the server's RSS, open files
(/proc/PID/fd), threads, the caches whose size the settings cap (RocksDB's memtables + block cache,
the store writer's cache of read items; from /api/admin/store-stats), RSS minus them (`residual`),
jemalloc's allocated and resident heap, the data directory's size, its CPU per accepted
alert, and of the interval
the accepted alerts/s, non-2xx and failed requests, the webhook's p50 / p99 and the reads' p99.
Latencies are measured by this client from the send (Python adds ~1 ms under load).

plot: the CSV as a PNG (RSS and data size, open files, p99, alerts/s against minutes), with Debian's
python3-matplotlib.
"""

import argparse
import csv
import http.client
import json
import os
import random
import sys
import threading
import time
import urllib.parse
import uuid

FIELDS = ["minute", "elapsed_s", "alerts_per_s", "repeats", "non2xx", "errors", "skipped", "p50_ms",
          "p99_ms", "read_p99_ms", "rss_mib", "rocksdb_mem_mib", "writer_cache_mib",
          "residual_mib", "heap_allocated_mib", "heap_resident_mib", "open_fds", "threads", "data_mib", "cpu_us_per_alert"]


def pct(values, p):
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(p * len(values)))]


class Window:
    """What the load threads saw since the last sample; swapped out by the sampler."""

    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        self.lat_ms, self.read_ms = [], []
        self.ok = self.repeats = self.non2xx = self.errors = self.skipped = 0

    def take(self):
        with self.lock:
            snap = (self.lat_ms, self.read_ms, self.ok, self.repeats, self.non2xx, self.errors, self.skipped)
            self.reset()
        return snap


class Load:
    def __init__(self, args):
        self.args = args
        u = urllib.parse.urlparse(args.url)
        self.host, self.port = u.hostname, u.port
        self.win = Window()
        self.stop = threading.Event()
        self.recent = []  # (delivery id, body) of accepted alerts, for repeats
        self.recent_lock = threading.Lock()
        self.counter = 0
        self.run_id = uuid.uuid4().hex[:8]

    def conn(self):
        return http.client.HTTPConnection(self.host, self.port, timeout=30)

    def next_alert(self, rnd):
        with self.recent_lock:
            roll = rnd.random()
            if self.recent and roll < self.args.repeat_share:
                return rnd.choice(self.recent), True
            self.counter += 1
            k = self.counter
            if self.recent and roll < self.args.repeat_share + self.args.recover_share:
                # A recovery of a recent alert's asset and signature: its incident
                # auto-resolves, so open incidents stay bounded as in real use.
                sent = json.loads(rnd.choice(self.recent)[1])
                body = {"asset_name": sent["asset_name"], "signature": sent["signature"],
                        "severity": sent["severity"], "status": "resolved",
                        "message": f"soak {self.run_id} recovery {k}", "tool_source": "soak"}
                return (f"soak-{self.run_id}-{k}", json.dumps(body)), False
        body = {"asset_name": f"soak-host-{k % 500}", "signature": f"soak_sig_{k % 4}",
                "severity": ("critical", "high", "medium", "low")[k % 4],
                "message": f"soak {self.run_id} alert {k}", "tool_source": "soak"}
        return (f"soak-{self.run_id}-{k}", json.dumps(body)), False

    def sender(self, index):
        rnd = random.Random(index)
        interval = self.args.senders / self.args.rate
        c = self.conn()
        due = time.monotonic() + index * interval / self.args.senders
        while not self.stop.is_set():
            now = time.monotonic()
            if now < due:
                time.sleep(due - now)
            elif now - due > interval:  # behind: skip the missed slots
                missed = int((now - due) / interval)
                due += missed * interval
                with self.win.lock:
                    self.win.skipped += missed
            due += interval
            (delivery, body), repeat = self.next_alert(rnd)
            headers = {"X-API-Key": self.args.api_key, "Content-Type": "application/json",
                       "X-Delivery-ID": delivery}
            t0 = time.monotonic()
            try:
                c.request("POST", "/api/webhooks/alerts", body=body, headers=headers)
                r = c.getresponse()
                r.read()
                status = r.status
            except (OSError, http.client.HTTPException):
                c.close()
                c = self.conn()
                with self.win.lock:
                    self.win.errors += 1
                continue
            ms = (time.monotonic() - t0) * 1000
            with self.win.lock:
                self.win.lat_ms.append(ms)
                if 200 <= status < 300:
                    self.win.ok += 1
                    self.win.repeats += repeat
                else:
                    self.win.non2xx += 1
            if 200 <= status < 300 and not repeat:
                with self.recent_lock:
                    self.recent.append((delivery, body))
                    if len(self.recent) > 1000:
                        del self.recent[:500]

    def reader(self):
        paths = ["/api/alerts?limit=50", "/api/incidents?limit=50"]
        headers = {"Authorization": f"Bearer {self.args.token}"}
        c = self.conn()
        i = 0
        while not self.stop.wait(1.0 / self.args.read_rate):
            t0 = time.monotonic()
            try:
                c.request("GET", paths[i % len(paths)], headers=headers)
                r = c.getresponse()
                r.read()
                ok = 200 <= r.status < 300
            except (OSError, http.client.HTTPException):
                c.close()
                c = self.conn()
                ok = False
            i += 1
            with self.win.lock:
                if ok:
                    self.win.read_ms.append((time.monotonic() - t0) * 1000)
                else:
                    self.win.errors += 1


def proc_figures(pid):
    status = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            status[k] = v.split()
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime + stime
    return (int(status["VmRSS"][0]) / 1024, len(os.listdir(f"/proc/{pid}/fd")), int(status["Threads"][0]),
            ticks / os.sysconf("SC_CLK_TCK"))


def memory_figures(load):
    """The bounded caches and the heap, from store-stats (MSP admin), in MiB: RocksDB's memtables
    (pinned ones included) + block cache, the store writer's cache of read items, jemalloc's
    allocated and resident bytes. 0 for what the server does not report (another store, an older
    binary, no jemalloc)."""
    try:
        c = load.conn()
        c.request("GET", "/api/admin/store-stats", headers={"Authorization": f"Bearer {load.args.token}"})
        body = json.loads(c.getresponse().read())
        c.close()
    except (OSError, http.client.HTTPException, ValueError):
        body = {}
    rocks = body.get("rocksdb", {})
    engine = rocks.get("engine", {})
    heap = body.get("malloc", {})
    mib = lambda *v: round(sum(v) / 2**20, 1)
    return {"rocksdb_mem_mib": mib(engine.get("memtable_bytes", 0), engine.get("memtable_pinned_bytes", 0),
                                   engine.get("block_cache_bytes", 0), engine.get("table_readers_bytes", 0)),
            "writer_cache_mib": mib(rocks.get("writer_cache_bytes", 0)),
            "heap_allocated_mib": mib(heap.get("allocated_bytes", 0)),
            "heap_resident_mib": mib(heap.get("resident_bytes", 0))}


def dir_mib(path):
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            try:
                total += os.stat(os.path.join(root, name)).st_size
            except OSError:
                pass  # removed meanwhile (compaction)
    return total / 2**20


def run(args):
    load = Load(args)
    threads = [threading.Thread(target=load.sender, args=(i,), daemon=True) for i in range(args.senders)]
    threads.append(threading.Thread(target=load.reader, daemon=True))
    out = open(args.csv, "w", newline="")
    w = csv.DictWriter(out, FIELDS)
    w.writeheader()
    start = time.monotonic()
    _, _, _, cpu0 = proc_figures(args.pid)
    for t in threads:
        t.start()
    print(" ".join(f"{f:>10}" for f in FIELDS), flush=True)
    last = start
    for minute in range(1, int(args.minutes * 60 / args.interval) + 1):
        time.sleep(max(0.0, start + minute * args.interval - time.monotonic()))
        lat, reads, ok, repeats, non2xx, errors, skipped = load.win.take()
        now = time.monotonic()
        try:
            rss, fds, nthreads, cpu = proc_figures(args.pid)
        except FileNotFoundError:
            print("soak: the server exited", file=sys.stderr)
            load.stop.set()
            return 1
        row = {"minute": round(minute * args.interval / 60, 2), "elapsed_s": round(now - start, 1),
               "alerts_per_s": round(ok / (now - last), 1), "repeats": repeats, "non2xx": non2xx,
               "errors": errors, "skipped": skipped, "p50_ms": round(pct(lat, 0.50), 2),
               "p99_ms": round(pct(lat, 0.99), 2), "read_p99_ms": round(pct(reads, 0.99), 2),
               "rss_mib": round(rss, 1), "open_fds": fds, "threads": nthreads,
               "data_mib": round(dir_mib(args.data_dir), 1),
               "cpu_us_per_alert": round((cpu - cpu0) * 1e6 / ok, 1) if ok else 0}
        row.update(memory_figures(load))
        # What RSS holds beyond the caches whose size the settings cap.
        row["residual_mib"] = round(rss - row["rocksdb_mem_mib"] - row["writer_cache_mib"], 1)
        w.writerow(row)
        out.flush()
        print(" ".join(f"{row[f]:>10}" for f in FIELDS), flush=True)
        last, cpu0 = now, cpu
    load.stop.set()
    for t in threads:
        t.join(timeout=35)
    return 0


def plot(csv_path, png_path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    rows = list(csv.DictReader(open(csv_path)))
    x = [float(r["minute"]) for r in rows]
    col = lambda k: [float(r.get(k) or 0) for r in rows]  # older CSVs lack some columns
    fig, ax = plt.subplots(4, 1, sharex=True, figsize=(8, 9))
    ax[0].plot(x, col("rss_mib"), label="RSS")
    ax[0].plot(x, col("rocksdb_mem_mib"), label="of it RocksDB memtables + block cache")
    if any(col("writer_cache_mib")):
        ax[0].plot(x, col("writer_cache_mib"), label="of it the writer's item cache")
        ax[0].plot(x, col("residual_mib"), label="RSS minus both caches")
    if any(col("heap_allocated_mib")):
        ax[0].plot(x, col("heap_allocated_mib"), label="heap allocated (jemalloc)", linestyle="--")
    ax[0].plot(x, col("data_mib"), label="data directory")
    ax[0].set_ylabel("MiB")
    ax[0].legend(loc="upper left")
    ax[1].plot(x, col("open_fds"), label="open files")
    ax[1].plot(x, col("threads"), label="threads")
    ax[1].legend(loc="upper left")
    ax[2].plot(x, col("p99_ms"), label="webhook p99")
    ax[2].plot(x, col("p50_ms"), label="webhook p50")
    ax[2].plot(x, col("read_p99_ms"), label="list reads p99")
    ax[2].set_ylabel("ms")
    ax[2].legend(loc="upper left")
    ax[3].plot(x, col("alerts_per_s"), label="alerts/s accepted")
    ax[3].set_ylabel("alerts/s")
    ax[3].set_xlabel("minutes")
    ax[3].legend(loc="upper left")
    for a in ax:
        a.grid(alpha=0.3)
        a.set_ylim(bottom=0)
    fig.suptitle(f"Alert Whisperer soak ({os.path.basename(csv_path)})")
    fig.tight_layout()
    fig.savefig(png_path, dpi=90)
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    for name in ("url", "token", "api-key", "data-dir", "csv"):
        r.add_argument(f"--{name}", required=True)
    r.add_argument("--pid", type=int, required=True)
    r.add_argument("--rate", type=float, default=200)
    r.add_argument("--minutes", type=float, default=60)
    r.add_argument("--interval", type=float, default=60)
    r.add_argument("--senders", type=int, default=8)
    r.add_argument("--read-rate", type=float, default=5)
    r.add_argument("--repeat-share", type=float, default=0.05)
    r.add_argument("--recover-share", type=float, default=0.02)
    pl = sub.add_parser("plot")
    pl.add_argument("csv")
    pl.add_argument("png")
    args = p.parse_args()
    if args.cmd == "plot":
        return plot(args.csv, args.png)
    if args.rate <= 0 or args.interval <= 0 or args.senders <= 0 or args.read_rate <= 0:
        p.error("--rate, --interval, --senders and --read-rate must be positive")
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
