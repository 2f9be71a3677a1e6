#include "core/category.h"

#include <algorithm>
#include <cctype>
#include <utility>

namespace aw::core {

std::string Categorize(std::string_view signature, std::string_view message) {
  std::string text(signature);
  text += ' ';
  text += message;
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  static const std::pair<const char*, const char*> kRules[] = {
      {"cpu", "cpu"},           {"load", "cpu"},           {"memory", "memory"},   {"oom", "memory"},
      {"swap", "memory"},       {"disk", "disk"},          {"filesystem", "disk"}, {"inode", "disk"},
      {"volume", "disk"},       {"network", "network"},    {"latency", "network"}, {"packet", "network"},
      {"dns", "network"},       {"ping", "network"},       {"database", "database"}, {"db_", "database"},
      {"sql", "database"},      {"replication", "database"}, {"login", "security"}, {"auth", "security"},
      {"intrusion", "security"}, {"malware", "security"},  {"certificate", "security"}, {"ssl", "security"},
      {"service", "service"},   {"down", "service"},       {"unreachable", "service"}, {"http", "application"},
      {"error_rate", "application"}, {"exception", "application"}, {"5xx", "application"},
  };
  for (const auto& [needle, category] : kRules) {
    if (text.find(needle) != std::string::npos) return category;
  }
  return "other";
}

}  // namespace aw::core
