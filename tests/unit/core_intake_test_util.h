#pragma once

// Reads a payload fixture of tests/testdata/intake/ (see its README.md).

#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

namespace aw::core::intake::testing {

inline nlohmann::json Fixture(const std::string& name) {
  std::ifstream in(std::string(AW_TESTDATA_DIR) + "/intake/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return nlohmann::json::parse(ss.str());
}

}  // namespace aw::core::intake::testing
