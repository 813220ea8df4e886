// --rank-by and --require as text: every figure key, the four range forms, and the refusals.
#include "app/rank_options.hpp"

#include <doctest/doctest.h>

#include <string>

namespace syncdrill {
namespace {

TEST_CASE("--rank-by takes every compare figure's key and nothing else") {
  std::string error;
  for (const CompareMetricInfo& m : compare_metrics()) {
    CAPTURE(m.key);
    CHECK(parse_rank_by(m.key, error) == m.metric);
  }
  CHECK(parse_rank_by("false_positives", error) == CompareMetric::false_positives);
  for (const char* bad : {"", "MTTD_S", "mttd_s ", "mttd_s\n", "lost,mttd_s"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_rank_by(bad, error));
    CHECK(error.find("expected one of: lost, duplicated") != std::string::npos);
  }
  CHECK_FALSE(parse_rank_by(std::string(100'000, 'x'), error));
  CHECK(error.size() < 1000);  // a huge key is cut in the message
}

TEST_CASE("--require reads a value, an upper bound, a lower bound or a range") {
  std::string error;
  const auto exact = parse_requirement("false_positives=0", error);
  REQUIRE(exact);
  CHECK(exact->metric == CompareMetric::false_positives);
  CHECK(exact->low == 0.0);
  CHECK(exact->high == 0.0);
  CHECK(exact->met_by(0.0));
  CHECK_FALSE(exact->met_by(0.5));
  CHECK_FALSE(exact->met_by(std::nullopt));  // absent: no run had it
  const auto most = parse_requirement("mttd_s=..300", error);
  REQUIRE(most);
  CHECK_FALSE(most->low);
  CHECK(most->high == 300.0);
  CHECK(most->met_by(300.0));
  CHECK_FALSE(most->met_by(300.5));
  const auto least = parse_requirement("calls=1e3..", error);
  REQUIRE(least);
  CHECK(least->low == 1000.0);
  CHECK_FALSE(least->high);
  CHECK_FALSE(least->met_by(999.0));
  const auto range = parse_requirement("lost=-1.5..+2", error);
  REQUIRE(range);
  CHECK(range->low == -1.5);
  CHECK(range->high == 2.0);
  // The text is as --require spells it, and reads back the same.
  for (const char* text : {"false_positives=0", "mttd_s=..300", "calls=1000..", "lost=-1.5..2",
                           "attempts_per_request=..1.25"}) {
    CAPTURE(text);
    const auto r = parse_requirement(text, error);
    REQUIRE(r);
    CHECK(requirement_text(*r) == text);
  }
}

TEST_CASE("--require refuses what is not a figure and a range of finite numbers") {
  std::string error;
  for (const char* bad :
       {"lost", "=0", "lst=0", "lost=", "lost=..", "lost=5..1", "lost=nan", "lost=inf", "lost=-inf",
        "lost=1e400", "lost=0x10", "lost=1..2..3", "lost= 1", "lost=1 ", "lost=1\nfoo: bar",
        "lost={0}", "lost=1,2", "lost=1.2.3"}) {
    CAPTURE(bad);
    error.clear();
    CHECK_FALSE(parse_requirement(bad, error));
    CHECK_FALSE(error.empty());
    CHECK(error.find('\n') == std::string::npos);
  }
  CHECK_FALSE(parse_requirement("lost=" + std::string(10'000, '1'), error));
  CHECK(error.size() < 1000);
}

}  // namespace
}  // namespace syncdrill
