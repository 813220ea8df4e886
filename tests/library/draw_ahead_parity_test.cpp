// The draw-ahead thread (core/engine/draw_ahead.hpp) changes when samples are drawn, never
// which: a run with it and one without give byte-identical reports. Drills chosen for the
// sequences it draws: service times on every endpoint, the warehouse's delays, customers and
// their baskets, returns (returns-desync), and a peak_traffic fault's customers, which are
// drawn on the simulation's own thread (full.yaml).
#include <doctest/doctest.h>

#include <string>

#include "tests/library/library_run.hpp"

namespace syncdrill::testing {
namespace {

void check_same_with_and_without(const std::string& file) {
  CAPTURE(file);
  const LibraryRun ahead = run_library(file, std::nullopt, true);
  const LibraryRun alone = run_library(file, std::nullopt, false);
  CHECK(ahead.report_json.size() > 1000);
  CHECK(ahead.report_json == alone.report_json);
  // Not a report that ignores its inputs: another seed differs.
  CHECK(run_library(file, ahead.scenario.seed + 1, true).report_json != ahead.report_json);
}

TEST_CASE("library: reports are byte-identical with and without the draw-ahead thread") {
  // run_world starts the thread when asked, on any machine (a spare core only makes it pay).
  check_same_with_and_without("returns-desync.yaml");
  check_same_with_and_without("fulfillment-handoff.yaml");
  check_same_with_and_without("../tests/scenarios/valid/full.yaml");
}

}  // namespace
}  // namespace syncdrill::testing
