#pragma once

// AWS Signature Version 4 (Authorization-header form).
//
// Verified against the official aws-c-auth test suite
// (tests/testdata/aws-sigv4/, see tests/unit/sigv4_test.cc).
//
// Thread-safe: pure functions.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace aw::clients {

struct SigV4Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  // Not used by SignV4 itself: when set, the caller sends it as the
  // X-Amz-Security-Token header, normally among the signed headers.
  std::string session_token;
};

struct SigV4Request {
  std::string method;  // "GET", "POST", ... as sent
  std::string path;    // raw path as sent, e.g. "/" or "/a%20b"; empty means "/"
  std::string query;   // raw query string without '?', may be empty
  std::vector<std::pair<std::string, std::string>> headers;  // in sending order, duplicates allowed
  std::string body;
};

struct SigV4Result {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;      // 64 lowercase hex characters
  std::string authorization;  // the value of the Authorization header
};

struct SigV4Options {
  // Remove "." and ".." segments and empty segments ("//") from the path.
  bool normalize_path = true;
  // Percent-encode the path as sent once more (so "%20" becomes "%2520").
  // When false (S3), the path is used as sent; only bytes that are neither
  // unreserved, '/', nor '%' are percent-encoded.
  bool double_encode_path = true;

  // AWS's rules: S3 neither normalises nor double-encodes, every other service does both.
  static SigV4Options ForService(std::string_view service);
};

// Signs `req` at `epoch_seconds` (UTC) for `region`/`service`. Adds nothing to
// `req`: the caller must already have put Host and X-Amz-Date (= AmzDate of the
// same time) into headers, and X-Amz-Security-Token when using a session
// token, and then adds `authorization` as the Authorization header.
//
// Canonicalisation: every header but Authorization is signed; names are
// lower-cased, values trimmed with inner whitespace runs collapsed to one
// space, repeated headers joined with ',' in order. Query parameters are
// percent-decoded, re-encoded (RFC 3986 unreserved set, '+' is a literal plus)
// and sorted by name then value; a parameter without '=' gets an empty value.
// The payload hash is the value of an x-amz-content-sha256 header if present
// (e.g. "UNSIGNED-PAYLOAD"), else SHA-256 of the body.
SigV4Result SignV4(const SigV4Request& req, const SigV4Credentials& creds, std::string_view region,
                   std::string_view service, int64_t epoch_seconds, const SigV4Options& options);
// Same, with SigV4Options::ForService(service).
SigV4Result SignV4(const SigV4Request& req, const SigV4Credentials& creds, std::string_view region,
                   std::string_view service, int64_t epoch_seconds);

// "20150830T123600Z".
std::string AmzDate(int64_t epoch_seconds);

// RFC 3986 percent-encoding as AWS wants it: unreserved bytes
// (A-Z a-z 0-9 - . _ ~) kept, everything else as %XX with upper-case hex; '/'
// is kept only when encode_slash is false.
std::string AwsUriEncode(std::string_view s, bool encode_slash);

}  // namespace aw::clients
