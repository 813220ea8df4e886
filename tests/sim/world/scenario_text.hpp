// Test helpers shared by the world and fault tests: a scenario from YAML text (which may extend
// tests/sim/base.yaml), and the lookups by name of tests/lookups.hpp.
#pragma once

#include <string>

#include <doctest/doctest.h>

#include "core/scenario/loader.hpp"
#include "sim/world/world.hpp"
#include "tests/lookups.hpp"

namespace syncdrill::testing {

// The scenario in `yaml`, loaded as if it were tests/sim/test.yaml, so that `extends: base.yaml`
// names tests/sim/base.yaml; one that does not validate fails the test.
inline Scenario from_text(const std::string& yaml) {
  LoadResult r = load_scenario_text(yaml, std::string(SYNCDRILL_TEST_DATA_DIR) + "/sim/test.yaml");
  if (!r.ok()) FAIL(format_diagnostic(r.errors.front()));
  return *r.scenario;
}

}  // namespace syncdrill::testing
