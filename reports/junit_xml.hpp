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

#include <string>

#include "core/scenario/scenario.hpp"
#include "reports/report_json.hpp"
#include "sim/score/score.hpp"
#include "sim/world/world.hpp"

namespace syncdrill {

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
