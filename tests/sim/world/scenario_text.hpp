// Test helpers shared by the world and fault tests: a scenario from YAML text, and lookups in a
// WorldResult by name. A lookup that finds nothing fails the test.
#pragma once

#include <string>

#include <doctest/doctest.h>

#include "sim/scenario/loader.hpp"
#include "sim/world/world.hpp"

namespace syncdrill::testing {

inline Scenario from_text(const std::string& yaml) {
  LoadResult r = load_scenario_text(yaml, "test.yaml");
  if (!r.ok()) FAIL(format_diagnostic(r.errors.front()));
  return *r.scenario;
}

inline const ConnectorOutcome& connector(const WorldResult& r, const std::string& name) {
  for (const ConnectorOutcome& c : r.connectors) {
    if (c.name == name) return c;
  }
  FAIL("no connector " << name);
  return r.connectors.front();
}

inline const PortOutcome& port(const WorldResult& r, const std::string& name) {
  for (const PortOutcome& p : r.ports) {
    if (p.name == name) return p;
  }
  FAIL("no port " << name);
  return r.ports.front();
}

}  // namespace syncdrill::testing
