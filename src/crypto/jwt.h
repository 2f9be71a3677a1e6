#pragma once

// JSON Web Tokens (RFC 7519), HS256 only (JWS compact serialisation).
//
// Thread-safe: free functions without shared state.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "base/status.h"

namespace aw::crypto::jwt {

// "<b64url header>.<b64url claims>.<b64url HMAC-SHA-256>", header
// {"alg":"HS256","typ":"JWT"}. REQUIRES: claims is an object (callers set exp).
std::string SignHs256(const nlohmann::json& claims, std::string_view secret);

// Verifies an HS256 token and returns its claims object.
//
// Accepted only when: exactly three unpadded base64url parts; the header is a
// JSON object with alg == "HS256" exactly and no "crit"; the signature matches
// (constant-time compare); the claims are a JSON object; "exp" is a number and
// exp > now_seconds (no leeway); "nbf", if present, is a number <= now_seconds.
//
// Every failure is kUnauthenticated with a short reason:
//   "malformed token"        structure, base64url or JSON is wrong
//   "unsupported algorithm"  alg missing, not a string, or not "HS256" (e.g. "none")
//   "bad signature"          the MAC does not match (wrong secret or altered token)
//   "missing exp claim"      no numeric "exp"
//   "token expired"          exp <= now_seconds
//   "token not yet valid"    nbf > now_seconds
// Signature is checked before the claims are read, so claim errors are only
// reported for genuine tokens.
aw::Result<nlohmann::json> VerifyHs256(std::string_view token, std::string_view secret, int64_t now_seconds);

}  // namespace aw::crypto::jwt
