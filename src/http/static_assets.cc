#include "http/static_assets.h"

#include <unistd.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>

namespace aw::http {

namespace fs = std::filesystem;

namespace {

struct TypeInfo {
  std::string_view ext;
  std::string_view type;
  bool compress;
};

constexpr TypeInfo kTypes[] = {
    {".html", "text/html; charset=utf-8", true},
    {".js", "text/javascript; charset=utf-8", true},
    {".mjs", "text/javascript; charset=utf-8", true},
    {".css", "text/css; charset=utf-8", true},
    {".json", "application/json", true},
    {".map", "application/json", true},
    {".svg", "image/svg+xml", true},
    {".txt", "text/plain; charset=utf-8", true},
    {".webmanifest", "application/manifest+json", true},
    {".png", "image/png", false},
    {".jpg", "image/jpeg", false},
    {".ico", "image/x-icon", false},
    {".webp", "image/webp", false},
    {".woff2", "font/woff2", false},
    {".woff", "font/woff", false},
};

const TypeInfo* TypeFor(std::string_view path) {
  for (const auto& t : kTypes) {
    if (path.size() >= t.ext.size() && path.substr(path.size() - t.ext.size()) == t.ext) return &t;
  }
  return nullptr;
}

// gzip (not raw deflate) at the best level: done once at start-up.
std::string Gzip(const std::string& in) {
  z_stream zs{};
  if (deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK) return {};
  std::string out(deflateBound(&zs, in.size()) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return rc == Z_STREAM_END ? out : std::string();
}

// Weak validator: FNV-1a of the content is enough to tell versions apart.
std::string ETagOf(const std::string& body) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : body) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  std::ostringstream os;
  os << "\"" << std::hex << h << "-" << body.size() << "\"";
  return os.str();
}

bool AcceptsGzip(const Request& req) {
  // Good enough: a client that lists gzip takes it (q=0 is not seen in practice).
  return req.Header("Accept-Encoding").find("gzip") != std::string_view::npos;
}

bool IsServerPath(std::string_view path) {
  for (std::string_view prefix : {"/api", "/ws", "/v2"}) {
    if (path.substr(0, prefix.size()) == prefix &&
        (path.size() == prefix.size() || path[prefix.size()] == '/')) {
      return true;
    }
  }
  return false;
}

std::string BinaryDir() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string() : exe.parent_path().string();
}

}  // namespace

const std::vector<std::pair<std::string, std::string>>& StaticAssets::SecurityHeaders() {
  static const std::vector<std::pair<std::string, std::string>> h = {
      {"Content-Security-Policy",
       "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"},
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "no-referrer"},
      {"X-Frame-Options", "DENY"},
  };
  return h;
}

std::string StaticAssets::FindDir(const std::string& configured) {
  auto has_index = [](const fs::path& d) {
    std::error_code ec;
    return fs::is_regular_file(d / "index.html", ec);
  };
  if (!configured.empty()) return has_index(configured) ? configured : std::string();
  std::vector<fs::path> candidates;
  if (std::string bin = BinaryDir(); !bin.empty()) {
    candidates.push_back(fs::path(bin) / ".." / "web" / "dist");
    candidates.push_back(fs::path(bin) / "web");
  }
  candidates.emplace_back("/usr/share/alertwhisperer/web");
  for (const auto& c : candidates) {
    if (has_index(c)) return fs::weakly_canonical(c).string();
  }
  return {};
}

Result<std::unique_ptr<StaticAssets>> StaticAssets::Load(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_regular_file(fs::path(dir) / "index.html", ec)) {
    return Status::NotFound("no index.html in " + dir);
  }
  auto out = std::unique_ptr<StaticAssets>(new StaticAssets());
  out->dir_ = dir;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    std::string rel = "/" + fs::relative(it->path(), dir).generic_string();
    std::ifstream in(it->path(), std::ios::binary);
    std::ostringstream body;
    body << in.rdbuf();
    if (!in.good() && !in.eof()) return Status::InvalidArgument("cannot read " + it->path().string());
    File f;
    f.body = body.str();
    const TypeInfo* type = TypeFor(rel);
    f.content_type = type ? std::string(type->type) : "application/octet-stream";
    if (type && type->compress && f.body.size() > 1024) {
      f.gzip = Gzip(f.body);
      if (f.gzip.size() >= f.body.size()) f.gzip.clear();
    }
    f.etag = ETagOf(f.body);
    f.immutable = rel.rfind("/assets/", 0) == 0;
    out->total_bytes_ += f.body.size();
    out->files_.emplace(std::move(rel), std::move(f));
  }
  if (ec) return Status::InvalidArgument("cannot list " + dir + ": " + ec.message());
  return out;
}

Response StaticAssets::Answer(const File& f, const Request& req) const {
  Response r;
  r.content_type = f.content_type;
  r.headers = SecurityHeaders();
  r.headers.emplace_back("Vary", "Accept-Encoding");
  if (f.immutable) {
    r.headers.emplace_back("Cache-Control", "public, max-age=31536000, immutable");
  } else {
    r.headers.emplace_back("Cache-Control", "no-cache");
    r.headers.emplace_back("ETag", f.etag);
    if (req.Header("If-None-Match") == f.etag) {
      r.status = 304;
      r.content_type.clear();
      return r;
    }
  }
  if (!f.gzip.empty() && AcceptsGzip(req)) {
    r.body = f.gzip;
    r.headers.emplace_back("Content-Encoding", "gzip");
  } else {
    r.body = f.body;
  }
  return r;
}

std::optional<Response> StaticAssets::Serve(const Request& req) const {
  if (req.method != "GET" && req.method != "HEAD") return std::nullopt;
  std::string_view path = req.path;
  if (path.empty() || IsServerPath(path)) return std::nullopt;
  if (path == "/") path = "/index.html";
  if (auto it = files_.find(path); it != files_.end()) return Answer(it->second, req);
  // A deep link into the app (no extension in the last segment) gets the app.
  std::string_view last = path.substr(path.rfind('/') + 1);
  if (last.find('.') == std::string_view::npos) return Answer(files_.at("/index.html"), req);
  return std::nullopt;
}

}  // namespace aw::http
