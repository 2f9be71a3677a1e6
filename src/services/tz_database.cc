#include "services/tz_database.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <utility>

#include <spdlog/spdlog.h>

namespace aw::services {

namespace {

bool PlausibleName(const std::string& n) {
  if (n.empty() || n.size() > 64 || n.front() == '/' || n.find("..") != std::string::npos) return false;
  for (char c : n) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
              c == '-' || c == '+' || c == '/';
    if (!ok) return false;
  }
  return true;
}

std::string& ZoneDirSetting() {
  static std::string dir;
  return dir;
}

std::string ZoneDir() {
  const std::string& d = ZoneDirSetting();
  return d.empty() ? "/usr/share/zoneinfo" : d;
}

}  // namespace

void SetTimeZoneDir(std::string dir) { ZoneDirSetting() = std::move(dir); }

const core::TimeZone* FindTimeZone(const std::string& name) {
  static std::mutex mu;
  static std::map<std::string, std::unique_ptr<core::TimeZone>> cache;
  static const core::TimeZone utc = core::TimeZone::Utc();
  if (name == "UTC" || name == "Etc/UTC") return &utc;
  if (!PlausibleName(name)) return nullptr;
  std::lock_guard<std::mutex> lock(mu);
  auto it = cache.find(name);
  if (it != cache.end()) return it->second.get();
  std::unique_ptr<core::TimeZone> zone;
  const std::string path = ZoneDir() + "/" + name;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return nullptr;
  std::ifstream in(path, std::ios::binary);
  if (in) {
    std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (auto z = core::TimeZone::FromTzif(name, data)) zone = std::make_unique<core::TimeZone>(std::move(*z));
  }
  if (!zone && in) spdlog::warn("time zone file {}/{} is not a valid TZif file", ZoneDir(), name);
  // Only valid zones are kept, so the cache is bounded by the files in the
  // database; entries are never removed (callers keep the pointers).
  const core::TimeZone* out = zone.get();
  if (zone) cache[name] = std::move(zone);
  return out;
}

}  // namespace aw::services
