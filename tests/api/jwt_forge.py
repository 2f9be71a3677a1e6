"""Hand-made JWTs (hmac/base64 only) for the token-tampering tests."""

import base64
import hashlib
import hmac
import json


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def split(token):
    """Returns (header dict, payload dict) of a compact JWS."""
    h, p, _ = token.split(".")
    return json.loads(b64url_decode(h)), json.loads(b64url_decode(p))


def encode(header, payload, key=None, digest=None, signature=None):
    """Builds header.payload.signature; signs with HMAC(key, digest) unless signature is given."""
    h = b64url(json.dumps(header, separators=(",", ":")).encode())
    p = b64url(json.dumps(payload, separators=(",", ":")).encode())
    signing_input = f"{h}.{p}".encode()
    if signature is None:
        signature = b64url(hmac.new(key, signing_input, digest).digest()) if key else ""
    return f"{h}.{p}.{signature}"


def hs256(payload, key, header=None):
    return encode(header or {"alg": "HS256", "typ": "JWT"}, payload, key, hashlib.sha256)


def hs512(payload, key, header=None):
    return encode(header or {"alg": "HS512", "typ": "JWT"}, payload, key, hashlib.sha512)


def alg_none(payload):
    return encode({"alg": "none", "typ": "JWT"}, payload, signature="")
