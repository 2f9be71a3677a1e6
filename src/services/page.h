#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace aw::services {

// One page of a list: items newest first (unless stated) and the cursor for
// the next page, empty on the last page.
struct Page {
  std::vector<nlohmann::json> items;
  std::string next_cursor;
};

inline constexpr int kDefaultPageSize = 100;
inline constexpr int kMaxPageSize = 500;

}  // namespace aw::services
