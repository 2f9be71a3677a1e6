#pragma once

// Shared by the libFuzzer targets: an invariant that aborts (so libFuzzer
// saves the input as a crash), and the checks several targets make.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

// Aborts with `what` when `cond` is false: a violated invariant is a defect.
#define FUZZ_CHECK(cond, what)                                                            \
  do {                                                                                    \
    if (!(cond)) {                                                                        \
      std::fprintf(stderr, "fuzz invariant violated at %s:%d: %s (%s)\n", __FILE__, __LINE__, \
                   #cond, std::string(what).c_str());                                     \
      std::abort();                                                                       \
    }                                                                                     \
  } while (0)

namespace aw::fuzz {

inline std::string_view AsText(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// True when `s` is valid UTF-8: what nlohmann's dump() (every store write and
// every JSON answer) requires of a string.
inline bool IsUtf8(std::string_view s) {
  try {
    (void)nlohmann::json(std::string(s)).dump();
    return true;
  } catch (const nlohmann::json::type_error&) {
    return false;
  }
}

// True when `j` can be written (no invalid UTF-8 anywhere in it).
inline bool Dumps(const nlohmann::json& j) {
  try {
    (void)j.dump();
    return true;
  } catch (const nlohmann::json::type_error&) {
    return false;
  }
}

}  // namespace aw::fuzz
