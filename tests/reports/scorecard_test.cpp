// The scorecard's tables keep their columns in line whatever the length of what they show: a
// fault id of 19 characters or more, a long target, a long MTTD.
#include "reports/scorecard.hpp"

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "tests/reports/report_fixture.hpp"

namespace syncdrill::testing {
namespace {

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

// The lines of the table under `title`: its header, then its rows, up to the blank line.
std::vector<std::string> table(const std::string& text, const std::string& title) {
  std::vector<std::string> lines;
  std::istringstream in(text.substr(text.find("\n" + title) + 1));
  std::string line;
  std::getline(in, line);  // the title
  while (std::getline(in, line) && !line.empty())
    lines.push_back(line);
  return lines;
}

// Where `cell` starts in `line` at or after `from` (a word of the header or a row).
size_t start(const std::string& line, const std::string& cell, size_t from = 2) {
  const size_t at = line.find(cell, from);
  REQUIRE_MESSAGE(at != std::string::npos, std::string(cell + " in: " + line));
  return at;
}
size_t end(const std::string& line, const std::string& cell, size_t from = 2) {
  return start(line, cell, from) + cell.size();
}

TEST_CASE("the scorecard's fault tables stay in line with long fault ids, targets and times") {
  for (const std::string& id : {std::string("erp-down-during-peak"),
                                std::string("nineteen-characters"), std::string(60, 'f')}) {
    CAPTURE(id);
    REQUIRE(id.size() >= 19);
    const Scenario scenario = load_drill(replaced(kDrillA, "erp-down", id), "drill-a.yaml");
    WorldResult result;
    result.simulated = Duration{600'000'000};
    Score score;
    FaultIncident slow;
    slow.fault_id = id;
    slow.onset = at_s(120);
    slow.detected = at_s(120 + 21 * 3600 + 630);  // an MTTD wider than its column
    slow.mttd = slow.detected.value() - slow.onset;
    slow.detected_by = {"erp-errors"};
    slow.recovery_note = "service not restored";
    FaultIncident quick;
    quick.fault_id = "oms-slow";
    quick.onset = at_s(240);
    score.incidents = {slow, quick};
    const std::string text =
        scorecard_text(scenario, identity(), result, "out", nullptr, &score, false, {});

    const std::vector<std::string> faults = table(text, "Faults injected (3)");
    REQUIRE(faults.size() == 4);
    const std::string& head = faults[0];
    const size_t kind = start(head, " kind ") + 1;
    const size_t target = start(head, " target ") + 1;
    const size_t window_end = end(head, "window");
    const size_t cause = start(head, " cause ") + 1;
    const std::vector<std::vector<std::string>> cells{
        {id, "outage", "erp", "2m-3m", "third_party"},
        {"oms-slow", "latency", "oms", "4m-5m"},
        {"bad-release", "error_burst", "ingest", "6m-8m", "release"}};
    for (size_t r = 0; r < cells.size(); ++r) {
      const std::string& row = faults[r + 1];
      CAPTURE(row);
      CHECK(start(row, cells[r][0]) == 2);
      CHECK(start(row, " " + cells[r][1] + " ") + 1 == kind);
      CHECK(start(row, " " + cells[r][2] + " ", kind) + 1 == target);
      CHECK(end(row, cells[r][3], target) == window_end);
      if (cells[r].size() > 4) CHECK(start(row, cells[r][4], window_end) == cause);
    }

    const std::vector<std::string> incidents = table(text, "Incident timeline (simulated time)");
    REQUIRE(incidents.size() == 5);  // header, slow, detected by, its note, quick
    const std::string& ihead = incidents[0];
    const size_t onset_end = end(ihead, "onset");
    const size_t detected_end = end(ihead, "detected (MTTD)");
    const size_t repaired_end = end(ihead, "repaired (MTTR)");
    CHECK(ihead.size() == repaired_end);
    CHECK(end(incidents[1], "2m", id.size() + 2) == onset_end);
    CHECK(end(incidents[1], "(21h10m30s)") == detected_end);
    CHECK(end(incidents[1], "not recovered") == repaired_end);
    // The notes under a fault start where its onset's cell does.
    CHECK(start(incidents[2], "detected by") == 2 + std::max<size_t>(18, id.size()) + 1);
    CHECK(start(incidents[3], "service not restored") == start(incidents[2], "detected by"));
    CHECK(end(incidents[4], "4m", 10) == onset_end);
    CHECK(end(incidents[4], "MISSED") == detected_end);
    CHECK(end(incidents[4], "not recovered") == repaired_end);
  }
}

TEST_CASE("the scorecard's tables keep their usual widths when everything fits") {
  const Scenario scenario = load_drill(kDrillA, "drill-a.yaml");
  WorldResult result;
  const std::string text =
      scorecard_text(scenario, identity(), result, "out", nullptr, nullptr, false, {});
  const std::vector<std::string> faults = table(text, "Faults injected (3)");
  REQUIRE_FALSE(faults.empty());
  CHECK(faults[0] + "\n" == fmt::format("  {:<18} {:<19} {:<17} {:>17} {:<12} {}\n", "fault",
                                        "kind", "target", "window", "cause", "touched"));
}

}  // namespace
}  // namespace syncdrill::testing
