#include "reports/expect_check.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "reports/format.hpp"

namespace syncdrill {
namespace {

using Json = nlohmann::ordered_json;

const Json* find_tier(const Json& report, const std::string& name) {
  if (!report.contains("tiers") || !report["tiers"].is_array()) return nullptr;
  for (const Json& t : report["tiers"]) {
    if (t.value("name", "") == name) return &t;
  }
  return nullptr;
}

// "held", "breached" or "no data": a tier as a whole, or the rows of one of its checks (breached
// when any row breached, held when every row held).
std::string check_state(const Json& tier, const std::string& check) {
  if (check.empty()) {
    if (tier.value("held", false)) return "held";
    return tier.value("no_data", false) ? "no data" : "breached";
  }
  size_t held = 0;
  size_t rows = 0;
  for (const Json& c : tier["checks"]) {
    if (c.value("check", "") != check) continue;
    ++rows;
    const std::string status = c.value("status", "");
    if (status == "breached") return "breached";
    if (status == "held") ++held;
  }
  if (rows == 0) return "absent";
  return held == rows ? "held" : "no data";
}

std::string number_text(double v) {
  return plain_number(v, 6);
}

std::string range_text(const ExpectRange& r) {
  if (r.min && r.max && *r.min == *r.max) return "== " + number_text(*r.min);
  if (r.min && r.max) return fmt::format("in [{}, {}]", number_text(*r.min), number_text(*r.max));
  return r.min ? ">= " + number_text(*r.min) : "<= " + number_text(*r.max);
}

// The value at a pointer, or null when the report has none there (a malformed pointer, such as
// an array index with a leading zero, finds nothing either).
const Json* at_pointer(const Json& report, const std::string& text) {
  try {
    const Json::json_pointer pointer(text);
    return report.contains(pointer) ? &report.at(pointer) : nullptr;
  } catch (const Json::exception&) {
    return nullptr;
  }
}

void check_figure(const ExpectRange& r, const Json& report, std::vector<std::string>& out) {
  const Json* found = at_pointer(report, r.pointer);
  if (found == nullptr) {
    out.push_back(fmt::format("{}: {}: expected {}, but report.json has no {}", r.where, r.figure,
                              range_text(r), r.pointer));
    return;
  }
  const Json& v = *found;
  if (!v.is_number()) {
    out.push_back(
        fmt::format("{}: {}: expected {}, got {}{}", r.where, r.figure, range_text(r),
                    v.is_null() ? "null" : v.dump(),
                    v.is_null() ? " (not measured: a missed or unrecovered fault?)" : ""));
    return;
  }
  const double x = v.get<double>();
  if ((r.min && x < *r.min) || (r.max && x > *r.max)) {
    out.push_back(fmt::format("{}: {}: expected {}, got {}", r.where, r.figure, range_text(r),
                              number_text(x)));
  }
}

}  // namespace

ExpectResult check_expectations(const ExpectSpec& expect, const Json& report) {
  ExpectResult r;
  r.expectations = (expect.pass ? 1 : 0) + expect.checks.size() + expect.figures.size();
  if (expect.pass) {
    const std::string want = *expect.pass ? "pass" : "fail";
    const std::string got = report.value("verdict", "");
    if (got != want) {
      r.differences.push_back(
          fmt::format("{}: verdict: expected {}, got {}", expect.verdict_where, want, got));
    }
  }
  for (const ExpectCheck& c : expect.checks) {
    const std::string name = c.check.empty() ? c.tier : c.tier + "." + c.check;
    const std::string want = c.held ? "held" : "breached";
    const Json* tier = find_tier(report, c.tier);
    const std::string got = tier == nullptr ? "absent" : check_state(*tier, c.check);
    if (got != want)
      r.differences.push_back(fmt::format("{}: {}: expected {}, got {}", c.where, name, want, got));
  }
  for (const ExpectRange& f : expect.figures)
    check_figure(f, report, r.differences);
  return r;
}

std::string expect_summary(const ExpectResult& r) {
  if (r.met()) {
    return fmt::format("expect: {} {} met\n",
                       r.expectations == 1 ? "the" : fmt::format("all {}", r.expectations),
                       r.expectations == 1 ? "expectation" : "expectations");
  }
  std::string out =
      fmt::format("expect: {} of {} expectations not met\n", r.differences.size(), r.expectations);
  for (const std::string& d : r.differences)
    out += "  - " + d + "\n";
  return out;
}

}  // namespace syncdrill
