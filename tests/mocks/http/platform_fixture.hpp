// A platform's documented example, kept under tests/fixtures/platforms/PLATFORM/ (each folder's
// README names the page it came from), for the dialects' conformance tests.
#pragma once

#include <fstream>
#include <sstream>
#include <string>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

namespace syncdrill::testing {

inline nlohmann::json platform_fixture(const std::string& platform, const std::string& name) {
  std::ifstream in(std::string(SYNCDRILL_TEST_DATA_DIR) + "/fixtures/platforms/" + platform + "/" +
                   name);
  REQUIRE_MESSAGE(in.good(), "missing fixture " << platform << "/" << name);
  std::stringstream text;
  text << in.rdbuf();
  return nlohmann::json::parse(text.str());
}

}  // namespace syncdrill::testing
