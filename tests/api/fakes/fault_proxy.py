"""A fault-injecting HTTP proxy between the server and dynalite (stdlib only, threads).

    proxy = FaultProxy("http://127.0.0.1:<dynalite port>").start()
    env = {"DYNAMODB_ENDPOINT": proxy.url}           # the server talks to the proxy
    proxy.set_faults(throttle=0.1, error500=0.1, latency=0.2, latency_ms=80,
                     reset_request=0.05, reset_response=0.05)
    ...
    proxy.set_faults()                               # all off: a plain pass-through
    proxy.stop()

Per request, at most one fault is drawn (in the order below, each at its rate):
  throttle        answer 400 ProvisionedThroughputExceededException (not forwarded)
  error500        answer 500 InternalServerError (not forwarded)
  reset_request   read the request head, then reset the connection (TCP RST) without
                  reading the body or forwarding it
  reset_response  forward the request (dynalite does the write), then reset the
                  connection instead of answering: the client cannot tell whether the
                  write happened - the nasty case
Independently, `latency` of the requests wait `latency_ms` before being forwarded.

`targets` (a set of DynamoDB operation names, e.g. {"PutItem"}) limits faults to those
operations, and `tables` (suffixes of table names, e.g. {"Alerts"}) to those tables; None
means all; `body_contains` (bytes) limits them to requests whose body holds it. With `tables`
or `body_contains`, the body is read before the draw, so reset_request then resets
after the whole request arrived (still before it is forwarded). `counts` tells how many of each fault were injected, and
`forwarded` how many requests reached dynalite. Rates can change at any time
(set_faults is thread-safe); a request uses the rates current when it arrived.
"""

import http.client
import json
import random
import socket
import socketserver
import struct
import threading
import time
import urllib.parse

FAULTS = ("throttle", "error500", "reset_request", "reset_response")
_MAX_HEAD = 64 * 1024


class _Handler(socketserver.BaseRequestHandler):
    def handle(self):
        self.server.proxy._serve_connection(self.request)


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class FaultProxy:
    def __init__(self, upstream_url, seed=None):
        u = urllib.parse.urlparse(upstream_url)
        self.upstream = (u.hostname, u.port or 80)
        self._lock = threading.Lock()
        self._rng = random.Random(seed)
        self._rates = {}
        self._latency = (0.0, 0)
        self._targets = None
        self._tables = None
        self._contains = None
        self.counts = {f: 0 for f in FAULTS + ("latency",)}
        self.forwarded = 0
        self._server = None
        self._thread = None
        self.url = None

    # -- control -------------------------------------------------------------
    def start(self):
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.proxy = self
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def set_faults(self, throttle=0.0, error500=0.0, reset_request=0.0, reset_response=0.0,
                   latency=0.0, latency_ms=0, targets=None, tables=None, body_contains=None):
        rates = {"throttle": throttle, "error500": error500, "reset_request": reset_request,
                 "reset_response": reset_response}
        assert sum(rates.values()) <= 1.0, rates
        with self._lock:
            self._rates = rates
            self._latency = (latency, latency_ms)
            self._targets = set(targets) if targets else None
            self._tables = tuple(tables) if tables else None
            self._contains = body_contains

    def snapshot(self):
        with self._lock:
            return dict(self.counts), self.forwarded

    # -- per connection --------------------------------------------------------
    def _draw(self, target, body=None):
        """Returns (fault or None, delay in seconds) for one request."""
        with self._lock:
            if self._targets is not None and target not in self._targets:
                return None, 0.0
            if self._tables is not None:
                try:
                    table = json.loads(body or b"{}").get("TableName", "")
                except ValueError:
                    table = ""
                if not table.endswith(self._tables):
                    return None, 0.0
            if self._contains is not None and self._contains not in (body or b""):
                return None, 0.0
            x = self._rng.random()
            fault = None
            for name in FAULTS:
                rate = self._rates.get(name, 0.0)
                if x < rate:
                    fault = name
                    break
                x -= rate
            delay = 0.0
            if self._latency[0] and self._rng.random() < self._latency[0]:
                delay = self._latency[1] / 1000.0
                self.counts["latency"] += 1
            if fault:
                self.counts[fault] += 1
            return fault, delay

    def _serve_connection(self, client):
        upstream = None
        rfile = client.makefile("rb")
        try:
            while True:
                head = _read_head(rfile)
                if head is None:
                    return
                method, path, headers = head
                target = headers.get("x-amz-target", "").rsplit(".", 1)[-1]
                body = None
                with self._lock:
                    by_table = self._tables is not None or self._contains is not None
                if by_table:
                    body = rfile.read(int(headers.get("content-length", "0") or 0))
                fault, delay = self._draw(target, body)
                if fault == "reset_request":
                    _reset(client, rfile)
                    return
                if body is None:
                    body = rfile.read(int(headers.get("content-length", "0") or 0))
                if fault == "throttle":
                    _answer(client, 400, {
                        "__type": "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
                        "message": "The level of configured provisioned throughput for the table was exceeded. "
                                   "Consider increasing your provisioning level with the UpdateTable API."})
                    continue
                if fault == "error500":
                    _answer(client, 500, {"__type": "com.amazonaws.dynamodb.v20120810#InternalServerError",
                                          "message": "Internal server error (injected by fault_proxy)"})
                    continue
                if delay:
                    time.sleep(delay)
                if upstream is None:
                    upstream = http.client.HTTPConnection(*self.upstream, timeout=30)
                fwd = {k: v for k, v in headers.items() if k not in ("connection", "keep-alive")}
                upstream.request(method, path, body=body, headers=fwd)
                resp = upstream.getresponse()
                data = resp.read()
                with self._lock:
                    self.forwarded += 1
                if fault == "reset_response":
                    _reset(client, rfile)
                    return
                out_headers = [(k, v) for k, v in resp.getheaders()
                               if k.lower() not in ("connection", "keep-alive", "transfer-encoding",
                                                    "content-length")]
                _send(client, resp.status, resp.reason, out_headers, data)
        except (OSError, ValueError, http.client.HTTPException):
            return
        finally:
            if upstream is not None:
                upstream.close()
            try:
                rfile.close()
                client.close()
            except OSError:
                pass


def _read_head(rfile):
    line = rfile.readline(_MAX_HEAD)
    if not line:
        return None
    parts = line.decode("latin-1").split()
    if len(parts) != 3:
        raise ValueError(f"bad request line {line!r}")
    headers = {}
    while True:
        h = rfile.readline(_MAX_HEAD)
        if not h:
            return None
        if h in (b"\r\n", b"\n"):
            break
        k, _, v = h.decode("latin-1").partition(":")
        headers[k.strip().lower()] = v.strip()
    return parts[0], parts[1], headers


def _send(sock, status, reason, headers, body):
    lines = [f"HTTP/1.1 {status} {reason}"] + [f"{k}: {v}" for k, v in headers]
    lines += [f"Content-Length: {len(body)}", "Connection: keep-alive", "", ""]
    sock.sendall("\r\n".join(lines).encode("latin-1") + body)


def _answer(sock, status, obj):
    reason = {400: "Bad Request", 500: "Internal Server Error"}[status]
    _send(sock, status, reason, [("Content-Type", "application/x-amz-json-1.0"),
                                 ("x-amzn-RequestId", "fault-proxy")], json.dumps(obj).encode())


def _reset(sock, rfile):
    """Closes with a TCP RST (SO_LINGER 0) instead of a FIN (the file made from the
    socket holds a reference: the socket closes only once both are closed)."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        rfile.close()
        sock.close()
    except OSError:
        pass
