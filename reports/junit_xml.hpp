// junit.xml: a run's verdict as JUnit XML, for CI (docs/report-formats.md).
//
// <testsuites name="syncdrill"> holds one <testsuite name="tier:<tier>"> per SLA tier, with one
// <testcase> per check (a breached check fails with type "sla_breach"), and one
// <testsuite name="faults"> with one <testcase> per fault (a missed fault fails with type
// "missed"; a caught one carries its timeline in <system-out>). A scenario without tiers
// (!score.scored) gets a <testsuite name="tiers"> with one skipped test case instead.
//
// Every `time` attribute is "0": simulated times are not test durations (a 30-day drill would
// read as a 30-day test), so they appear in the messages instead. No wall-clock values, host
// names or timestamps: the same run gives the same bytes. UTF-8, XML 1.0, errors="0" always.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/scenario/scenario.hpp"
#include "reports/report_json.hpp"
#include "sim/score/score.hpp"
#include "sim/world/world.hpp"

namespace syncdrill {

// One <testsuite>: its counts and its <testcase> elements (formatted, four spaces in).
struct JunitSuite {
  std::string name;
  size_t tests = 0;
  size_t failures = 0;
  size_t skipped = 0;
  std::string cases;
};

// A run's junit.xml in parts: its suites, and the <properties> element every suite carries.
struct JunitParts {
  std::vector<JunitSuite> suites;
  std::string properties;
};

// Adds a <testcase> to `suite`, with an optional child element (formatted, six spaces in).
void add_junit_case(JunitSuite& suite, const std::string& classname, const std::string& name,
                    const std::string& child = {});

JunitParts report_junit_parts(const Scenario& scenario, const RunIdentity& id,
                              const WorldResult& result, const Score& score);
// The <testsuite> elements of `parts` (two spaces in), each named `prefix` + its name, as the
// document holds them; `run DIR` gathers every drill's into one junit.xml this way.
std::string junit_suites_xml(const JunitParts& parts, std::string_view prefix = {});
// The whole document: <testsuites name="NAME"> around junit_suites_xml(parts).
std::string junit_document(std::string_view name, const JunitParts& parts);
// report_junit_parts as the whole document.
std::string report_junit(const Scenario& scenario, const RunIdentity& id, const WorldResult& result,
                         const Score& score);

struct LiveResult;

// A live drill's junit.xml (`syncdrill serve`): <testsuites name="syncdrill live"> with the same
// tier suites (when the scenario has tiers) and faults suite as a run's (a fault that acted and
// no ack caught is missed), then <testsuite name="live">: one test case per live check, named
// by it ("orders duplicated", "Retry-After honoured"). The properties name the drill's listen
// address, time scale and wall time instead of a replay command.
std::string live_report_junit(const Scenario& scenario, const LiveResult& live);

}  // namespace syncdrill
