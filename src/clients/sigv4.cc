#include "clients/sigv4.h"

#include <algorithm>
#include <map>

#include "base/time_format.h"
#include "crypto/hash.h"

namespace aw::clients {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void AppendPercent(std::string* out, unsigned char c) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  *out += '%';
  *out += kHex[c >> 4];
  *out += kHex[c & 15];
}

// Decodes %XX escapes; a '%' not followed by two hex digits stays literal.
std::string PercentDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 && HexValue(s[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(s[i + 1]) << 4 | HexValue(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Trims and collapses every run of whitespace into one space.
std::string TrimAll(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  bool pending_space = false;
  for (char c : v) {
    if (IsSpace(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += c;
  }
  return out;
}

// RFC 3986 5.2.4 remove_dot_segments, plus dropping empty segments.
std::vector<std::string_view> Segments(std::string_view path, bool normalize, bool* trailing_slash) {
  std::vector<std::string_view> out;
  std::string_view last;
  size_t start = 1;  // path[0] == '/'
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view seg = path.substr(start, end - start);
    last = seg;
    if (!normalize) {
      out.push_back(seg);
    } else if (seg == "..") {
      if (!out.empty()) out.pop_back();
    } else if (!seg.empty() && seg != ".") {
      out.push_back(seg);
    }
    start = end + 1;
  }
  *trailing_slash = last.empty() || last == "." || last == "..";
  return out;
}

std::string CanonicalPath(std::string_view path, const SigV4Options& options) {
  if (path.empty() || path[0] != '/') {
    // Origin-form paths always start with '/'; treat anything else as relative to the root.
    std::string rooted = "/" + std::string(path);
    return CanonicalPath(rooted, options);
  }
  bool trailing_slash = false;
  std::vector<std::string_view> segs = Segments(path, options.normalize_path, &trailing_slash);
  std::string out;
  for (size_t i = 0; i < segs.size(); ++i) {
    out += '/';
    if (options.double_encode_path) {
      out += AwsUriEncode(segs[i], /*encode_slash=*/true);
    } else {
      for (unsigned char c : segs[i]) {
        if (IsUnreserved(c) || c == '%') {
          out += static_cast<char>(c);
        } else {
          AppendPercent(&out, c);
        }
      }
    }
  }
  // Without normalisation the segment list already carries the trailing empty segment.
  if (out.empty() || (options.normalize_path && trailing_slash)) out += '/';
  return out;
}

std::string CanonicalQuery(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> params;
  size_t start = 0;
  while (start <= query.size()) {
    size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    std::string_view part = query.substr(start, end - start);
    if (!part.empty()) {
      size_t eq = part.find('=');
      std::string_view key = part.substr(0, eq);
      std::string_view value = eq == std::string_view::npos ? std::string_view() : part.substr(eq + 1);
      params.emplace_back(AwsUriEncode(PercentDecode(key), true), AwsUriEncode(PercentDecode(value), true));
    }
    start = end + 1;
  }
  std::sort(params.begin(), params.end());
  std::string out;
  for (const auto& [k, v] : params) {
    if (!out.empty()) out += '&';
    out += k;
    out += '=';
    out += v;
  }
  return out;
}

std::string DateStamp(int64_t epoch_seconds) { return AmzDate(epoch_seconds).substr(0, 8); }

}  // namespace

SigV4Options SigV4Options::ForService(std::string_view service) {
  SigV4Options o;
  if (service == "s3") {
    o.normalize_path = false;
    o.double_encode_path = false;
  }
  return o;
}

std::string AwsUriEncode(std::string_view s, bool encode_slash) {
  std::string out;
  out.reserve(s.size() * 3);
  for (unsigned char c : s) {
    if (IsUnreserved(c) || (c == '/' && !encode_slash)) {
      out += static_cast<char>(c);
    } else {
      AppendPercent(&out, c);
    }
  }
  return out;
}

std::string AmzDate(int64_t epoch_seconds) {
  // "2015-08-30T12:36:00Z" -> "20150830T123600Z"
  std::string iso = FormatIso8601Seconds(epoch_seconds);
  std::string out;
  for (char c : iso) {
    if (c != '-' && c != ':') out += c;
  }
  return out;
}

SigV4Result SignV4(const SigV4Request& req, const SigV4Credentials& creds, std::string_view region,
                   std::string_view service, int64_t epoch_seconds) {
  return SignV4(req, creds, region, service, epoch_seconds, SigV4Options::ForService(service));
}

SigV4Result SignV4(const SigV4Request& req, const SigV4Credentials& creds, std::string_view region,
                   std::string_view service, int64_t epoch_seconds, const SigV4Options& options) {
  // name -> values in order of appearance; std::map sorts by lower-cased name.
  std::map<std::string, std::string> headers;
  for (const auto& [name, value] : req.headers) {
    std::string lname = ToLower(name);
    if (lname == "authorization") continue;
    auto [it, inserted] = headers.try_emplace(lname, TrimAll(value));
    if (!inserted) it->second += "," + TrimAll(value);
  }
  std::string canonical_headers, signed_headers;
  for (const auto& [name, value] : headers) {
    canonical_headers += name + ":" + value + "\n";
    if (!signed_headers.empty()) signed_headers += ';';
    signed_headers += name;
  }
  auto content_sha = headers.find("x-amz-content-sha256");
  std::string payload_hash = content_sha != headers.end() ? content_sha->second : crypto::Sha256Hex(req.body);

  SigV4Result r;
  r.canonical_request = req.method + "\n" + CanonicalPath(req.path, options) + "\n" +
                        CanonicalQuery(req.query) + "\n" + canonical_headers + "\n" + signed_headers + "\n" +
                        payload_hash;

  const std::string amz_date = AmzDate(epoch_seconds);
  const std::string date = DateStamp(epoch_seconds);
  const std::string scope = date + "/" + std::string(region) + "/" + std::string(service) + "/aws4_request";
  r.string_to_sign = std::string(kAlgorithm) + "\n" + amz_date + "\n" + scope + "\n" +
                     crypto::Sha256Hex(r.canonical_request);

  std::string key = crypto::HmacSha256("AWS4" + creds.secret_access_key, date);
  key = crypto::HmacSha256(key, region);
  key = crypto::HmacSha256(key, service);
  key = crypto::HmacSha256(key, "aws4_request");
  r.signature = crypto::HexEncode(crypto::HmacSha256(key, r.string_to_sign));

  r.authorization = std::string(kAlgorithm) + " Credential=" + creds.access_key_id + "/" + scope +
                    ", SignedHeaders=" + signed_headers + ", Signature=" + r.signature;
  return r;
}

}  // namespace aw::clients
