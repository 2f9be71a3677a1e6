"""Local stand-ins for the AI providers' wire formats (stdlib http.server in a thread).

  BedrockStandIn  POST /model/{modelId}/converse; verifies the SigV4 signature with botocore
                  (service "bedrock") over exactly the headers the request says it signed,
                  and the Converse request shape; answers {"output": {"message": ...}}.
  GeminiStandIn   POST /v1beta/models/{model}:generateContent; checks the x-goog-api-key header
                  (and that the key is not in the URL) and the request shape; answers
                  {"candidates": [...]}.
  OpenAiStandIn   POST {base}/chat/completions; checks "Authorization: Bearer <key>" and the
                  shape; answers {"choices": [...]}.

Behaviour is set per test: `answer` (a dict sent back as the model's JSON text, or a str sent
as is), `mode` ("ok" | "hang" | "http500"), `hang_s`. Every request is kept in `requests`
as (path, headers dict, parsed body); a request the stand-in rejected is in `rejections`.
"""

import datetime
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

DEFAULT_ANSWER = {
    "summary": "stand-in summary",
    "probable_cause": "stand-in cause",
    "pattern": "single_asset_repeating",
    "suggested_runbook_id": None,
    "confidence": 0.77,
}


class _StandIn:
    """Base: a threaded HTTP server; subclasses implement check(handler, body) and wrap(text)."""

    def __init__(self):
        self.answer = dict(DEFAULT_ANSWER)
        self.mode = "ok"
        self.hang_s = 30
        self.requests = []
        self.rejections = []
        self._stop = threading.Event()
        standin = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                n = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(n)
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = None
                headers = {k: v for k, v in self.headers.items()}
                standin.requests.append((self.path, headers, body))
                problem = standin.check(self, raw, body)
                if problem:
                    standin.rejections.append(problem)
                    return self._send(problem[0], problem[1])
                if standin.mode == "hang":
                    standin._stop.wait(standin.hang_s)
                    return self._send(503, {"message": "stand-in hung"})
                if standin.mode == "http500":
                    return self._send(500, {"message": "internal failure", "error": {"message": "internal failure"}})
                text = standin.answer if isinstance(standin.answer, str) else json.dumps(standin.answer)
                return self._send(200, standin.wrap(text))

            def _send(self, status, obj):
                data = json.dumps(obj).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def reset(self):
        self.answer = dict(DEFAULT_ANSWER)
        self.mode = "ok"
        self.requests.clear()
        self.rejections.clear()

    def close(self):
        self._stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def last_prompt_text(self):
        """All text of the last request (system + user), for assertions on what was sent."""
        _, _, body = self.requests[-1]
        return json.dumps(body)


def _bad(status, message):
    return (status, {"message": message, "error": {"message": message}})


class BedrockStandIn(_StandIn):
    def __init__(self, access_key="AKIDSTANDIN", secret_key="standin-secret-key", region="us-east-1"):
        self.access_key, self.secret_key, self.region = access_key, secret_key, region
        super().__init__()

    def check(self, handler, raw, body):
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials

        path = urlsplit(handler.path).path
        if not (path.startswith("/model/") and path.endswith("/converse")):
            return _bad(404, f"unknown path {path}")
        auth = handler.headers.get("Authorization", "")
        if not auth.startswith("AWS4-HMAC-SHA256 "):
            return _bad(403, "MissingAuthenticationTokenException")
        parts = dict(p.strip().split("=", 1) for p in auth[len("AWS4-HMAC-SHA256 "):].split(","))
        cred = parts.get("Credential", "").split("/")
        if len(cred) != 5 or cred[0] != self.access_key or cred[2] != self.region or cred[3] != "bedrock" \
                or cred[4] != "aws4_request":
            return _bad(403, f"bad credential scope {parts.get('Credential')}")
        amz_date = handler.headers.get("X-Amz-Date", "")
        try:
            when = datetime.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ")
        except ValueError:
            return _bad(403, "missing or bad X-Amz-Date")
        if abs((datetime.datetime.utcnow() - when).total_seconds()) > 300:
            return _bad(403, "Signature expired")
        signed = parts.get("SignedHeaders", "").split(";")
        if "host" not in signed or "x-amz-date" not in signed:
            return _bad(403, "host and x-amz-date must be signed")
        headers = {}
        for name in signed:
            value = handler.headers.get(name)
            if value is None:
                return _bad(403, f"signed header {name} is missing")
            headers[name] = value
        req = AWSRequest(method="POST", url=f"http://{handler.headers['Host']}{handler.path}", data=raw,
                         headers=headers)
        req.context["timestamp"] = amz_date
        signer = SigV4Auth(Credentials(self.access_key, self.secret_key), "bedrock", self.region)
        canonical = signer.canonical_request(req)
        expected = signer.signature(signer.string_to_sign(req, canonical), req)
        if parts.get("Signature") != expected:
            return _bad(403, "InvalidSignatureException: The request signature we calculated does not match")
        if not isinstance(body, dict) or not isinstance(body.get("messages"), list) or not body["messages"]:
            return _bad(400, "ValidationException: messages is required")
        for m in body["messages"]:
            if m.get("role") not in ("user", "assistant") or not isinstance(m.get("content"), list):
                return _bad(400, "ValidationException: bad message")
        if "system" in body and not all(isinstance(b, dict) and "text" in b for b in body["system"]):
            return _bad(400, "ValidationException: bad system block")
        return None

    def wrap(self, text):
        return {"output": {"message": {"role": "assistant", "content": [{"text": text}]}},
                "stopReason": "end_turn",
                "usage": {"inputTokens": 100, "outputTokens": 50, "totalTokens": 150},
                "metrics": {"latencyMs": 12}}


class GeminiStandIn(_StandIn):
    def __init__(self, api_key="gemini-standin-key"):
        self.api_key = api_key
        super().__init__()

    def check(self, handler, raw, body):
        parsed = urlsplit(handler.path)
        if not (parsed.path.startswith("/v1beta/models/") and parsed.path.endswith(":generateContent")):
            return _bad(404, f"unknown path {parsed.path}")
        if "key=" in parsed.query:
            return _bad(400, "the key must not be in the URL")
        if handler.headers.get("x-goog-api-key") != self.api_key:
            return (400, {"error": {"code": 400, "message": "API key not valid. Please pass a valid API key.",
                                    "status": "INVALID_ARGUMENT"}})
        if not isinstance(body, dict) or not isinstance(body.get("contents"), list) or not body["contents"]:
            return (400, {"error": {"code": 400, "message": "contents is required", "status": "INVALID_ARGUMENT"}})
        for c in body["contents"]:
            if not isinstance(c.get("parts"), list):
                return (400, {"error": {"code": 400, "message": "bad parts", "status": "INVALID_ARGUMENT"}})
        return None

    def wrap(self, text):
        return {"candidates": [{"content": {"parts": [{"text": text}], "role": "model"},
                                "finishReason": "STOP", "index": 0}],
                "usageMetadata": {"promptTokenCount": 100, "candidatesTokenCount": 50, "totalTokenCount": 150}}


class OpenAiStandIn(_StandIn):
    def __init__(self, api_key="sk-standin"):
        self.api_key = api_key
        super().__init__()

    def check(self, handler, raw, body):
        if urlsplit(handler.path).path != "/v1/chat/completions":
            return _bad(404, f"unknown path {handler.path}")
        if handler.headers.get("Authorization") != f"Bearer {self.api_key}":
            presented = (handler.headers.get("Authorization") or "").replace("Bearer ", "")
            return (401, {"error": {"message": f"Incorrect API key provided: {presented}",  # as real servers do
                                    "type": "invalid_request_error"}})
        if not isinstance(body, dict) or not body.get("model") or not isinstance(body.get("messages"), list):
            return (400, {"error": {"message": "model and messages are required", "type": "invalid_request_error"}})
        return None

    def wrap(self, text):
        return {"id": "chatcmpl-standin", "object": "chat.completion", "created": int(time.time()),
                "model": "standin", "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                                                 "finish_reason": "stop"}]}
