// A run's report.json against its scenario's `expect:` block (docs/expectations.md): what
// `syncdrill run --expect` prints and exits on, and what the shipped drills' tests require.
//
// Everything is read from report.json, the run's public record: the verdict, the tiers and their
// checks, and each figure's number at its JSON pointer. Deterministic: differences come out in
// the block's order (verdict, held, breached, figures).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/scenario/scenario.hpp"

namespace syncdrill {

struct ExpectResult {
  size_t expectations = 0;               // how many the block holds
  std::vector<std::string> differences;  // one short line each: "where: what was expected, got"
  bool met() const { return differences.empty(); }
};

// `report` as report_json() builds it (or report.json parsed as an ordered_json).
ExpectResult check_expectations(const ExpectSpec& expect, const nlohmann::ordered_json& report);

// The lines `run --expect` prints: "expect: all 5 expectations met" or
// "expect: 2 of 5 expectations not met" and one "  - ..." line per difference.
std::string expect_summary(const ExpectResult& r);

}  // namespace syncdrill
