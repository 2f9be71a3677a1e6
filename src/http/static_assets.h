#pragma once

// StaticAssets: the built web UI (web/dist), served at "/" from the same
// origin as the API.
//
// Load() reads every file of the directory into memory once (the built app
// is a few hundred KB), with a gzip copy of each compressible file, so a
// request costs no file system access. Answers:
//   - GET/HEAD of a file that exists -> the file; `/assets/...` (Vite's
//     content-hashed names) with `Cache-Control: public, max-age=31536000,
//     immutable`, anything else `no-cache` with an ETag (304 on a match);
//   - GET/HEAD of a path without a file extension (a deep link such as
//     /incidents/<id>) -> index.html, so the app's router takes over;
//   - anything under /api, /ws or /v2, or another method -> nullopt: the
//     router answers it (a JSON 404 for an unknown API path, never HTML).
// Every answer carries a strict Content-Security-Policy (no inline script),
// X-Content-Type-Options, Referrer-Policy and frame denial.
//
// Thread safety: immutable after Load(); Serve() is safe from any thread.

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "base/status.h"
#include "http/request.h"

namespace aw::http {

class StaticAssets {
 public:
  // kNotFound when `dir` has no index.html; kInvalidArgument for a file that
  // cannot be read.
  static Result<std::unique_ptr<StaticAssets>> Load(const std::string& dir);

  // The first of these that holds an index.html: `configured` (AW_WEB_DIR)
  // when set, else <binary dir>/../web/dist (a build tree), <binary
  // dir>/web, /usr/share/alertwhisperer/web (the Debian package). Empty when
  // none does.
  static std::string FindDir(const std::string& configured);

  std::optional<Response> Serve(const Request& req) const;

  size_t file_count() const { return files_.size(); }
  size_t total_bytes() const { return total_bytes_; }
  const std::string& dir() const { return dir_; }

  // The headers every UI answer carries (CSP and friends).
  static const std::vector<std::pair<std::string, std::string>>& SecurityHeaders();

 private:
  struct File {
    std::string body;
    std::string gzip;  // empty: not worth compressing
    std::string content_type;
    std::string etag;
    bool immutable = false;
  };
  Response Answer(const File& f, const Request& req) const;

  std::string dir_;
  std::map<std::string, File, std::less<>> files_;  // by URL path ("/index.html")
  size_t total_bytes_ = 0;
};

}  // namespace aw::http
