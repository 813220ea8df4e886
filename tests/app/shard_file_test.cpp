// A shard file reads back to exactly what was written: every field of the header and of each
// run, doubles bit for bit (non-finite, subnormal, negative zero and absent ones included), and
// every metric of the metrics table.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/shard_file.hpp"

namespace syncdrill {
namespace {

// Bit for bit: -0.0 differs from 0.0, and a NaN equals a NaN of the same bits.
bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof a) == 0 ||
         (std::isnan(a) && std::isnan(b) && std::signbit(a) == std::signbit(b));
}

bool same(const std::optional<double>& a, const std::optional<double>& b) {
  return a.has_value() == b.has_value() && (!a || same_bits(*a, *b));
}

ShardFile sample() {
  ShardFile f;
  f.syncdrill_version = "9.9.9";
  f.shard = {2, 3};
  Comparison& c = f.header;
  c.command = "sweep";
  c.scenario_path = "dir with space/ünïcode \"quoted\".yaml";
  c.scenario_name = "drill";
  c.scenario_hash = "sha256:abc";
  c.policies_file = "p.yaml";
  c.overrides = {"seed=7", "traffic[a].load=3"};
  c.seeds = {18446744073709551614ULL, 18446744073709551615ULL};
  c.connectors = {"ingest"};
  c.tiers = {"gold", "silver"};
  c.variants = {{"a=1", "timeout 1s", {}}, {"a=2", "timeout 2s\nnewline", {}}};
  c.notes = {"a note\twith a tab"};
  c.rank_by = CompareMetric::mttd_s;
  c.requirements = {{CompareMetric::false_positives, 0.0, 0.0},
                    {CompareMetric::lost, std::nullopt, 2.5},
                    {CompareMetric::calls, 1e-300, std::nullopt}};
  // Shard 2 of 3 of a 4-run grid: run 1 (variant 1, seed 0).
  RunFigures r;
  r.seed = c.seeds[0];
  const std::vector<std::optional<double>> tricky = {
      0.1,
      1.0 / 3.0,
      std::numeric_limits<double>::denorm_min(),
      std::numeric_limits<double>::max(),
      -0.0,
      std::numeric_limits<double>::quiet_NaN(),
      -std::numeric_limits<double>::quiet_NaN(),
      std::numeric_limits<double>::infinity(),
      -std::numeric_limits<double>::infinity(),
      std::nullopt,
      123456789012345678.0,
  };
  for (size_t i = 0; i < r.values.size(); ++i)
    r.values[i] = tricky[i % tricky.size()];
  r.faults = 4294967295U;
  r.faults_missed = 1;
  r.faults_unrecovered = 2;
  r.scored = true;
  r.tier_held = {false, true};
  TierCheck check;
  check.check = "mttr";
  check.flow = FlowKind::reconciliation;
  check.channel = "amazon-us";
  check.subject = "erp-outage";
  check.actual = 1e-300;
  check.merged = std::nullopt;
  check.limit = 1200.5;
  check.unit = "s";
  check.held = false;
  check.no_data = true;
  check.reason = "why";
  r.breaches = {{1, "silver", 3, check}};
  f.runs.push_back({1, 0, r});
  return f;
}

TEST_CASE("a shard file reads back field for field, doubles bit for bit") {
  const ShardFile written = sample();
  const std::string text = shard_file_text(written);
  CHECK(text.back() == '\n');
  const ShardRead read = parse_shard_file(text, "9.9.9");
  REQUIRE_MESSAGE(read.file, read.error);
  const ShardFile& f = *read.file;
  CHECK(f.syncdrill_version == "9.9.9");
  CHECK(f.shard.index == 2);
  CHECK(f.shard.count == 3);
  CHECK(shard_header_json(f.header) == shard_header_json(written.header));
  CHECK(f.header.variants[1].settings == "timeout 2s\nnewline");
  CHECK(f.header.seeds[1] == 18446744073709551615ULL);
  REQUIRE(f.header.rank_by.has_value());
  CHECK(*f.header.rank_by == CompareMetric::mttd_s);
  REQUIRE(f.header.requirements.size() == 3);
  CHECK(f.header.requirements[1].metric == CompareMetric::lost);
  CHECK_FALSE(f.header.requirements[1].low.has_value());
  CHECK(f.header.requirements[1].high == 2.5);
  CHECK(f.header.requirements[2].low == 1e-300);
  REQUIRE(f.runs.size() == 1);
  CHECK(f.runs[0].variant == 1);
  CHECK(f.runs[0].seed_index == 0);
  const RunFigures& a = written.runs[0].figures;
  const RunFigures& b = f.runs[0].figures;
  CHECK(b.seed == a.seed);
  for (size_t i = 0; i < a.values.size(); ++i) {
    CAPTURE(i);
    CHECK(same(a.values[i], b.values[i]));
  }
  CHECK(b.faults == a.faults);
  CHECK(b.faults_missed == a.faults_missed);
  CHECK(b.faults_unrecovered == a.faults_unrecovered);
  CHECK(b.scored == a.scored);
  CHECK(b.tier_held == a.tier_held);
  REQUIRE(b.breaches.size() == 1);
  const RunBreach& x = a.breaches[0];
  const RunBreach& y = b.breaches[0];
  CHECK(y.tier == x.tier);
  CHECK(y.tier_name == x.tier_name);
  CHECK(y.position == x.position);
  CHECK(y.check.check == x.check.check);
  CHECK(y.check.flow == x.check.flow);
  CHECK(y.check.channel == x.check.channel);
  CHECK(y.check.subject == x.check.subject);
  CHECK(same(y.check.actual, x.check.actual));
  CHECK(same(y.check.merged, x.check.merged));
  CHECK(same_bits(y.check.limit, x.check.limit));
  CHECK(y.check.unit == x.check.unit);
  CHECK(y.check.held == x.check.held);
  CHECK(y.check.no_data == x.check.no_data);
  CHECK(y.check.reason == x.check.reason);
  // Written again, the same bytes.
  CHECK(shard_file_text(f) == text);
}

TEST_CASE("a shard file carries every metric of the metrics table, by its key") {
  const auto j = nlohmann::json::parse(shard_file_text(sample()));
  const auto& values = j["runs"][0]["figures"]["values"];
  CHECK(values.size() == compare_metrics().size());
  for (const CompareMetricInfo& m : compare_metrics())
    CHECK(values.contains(std::string(m.key)));
}

TEST_CASE("a shard file of another syncdrill version is refused before the rest is read") {
  std::string text = shard_file_text(sample());
  const ShardRead other = parse_shard_file(text, "1.0.0");
  CHECK_FALSE(other.file);
  CHECK(other.error ==
        "written by syncdrill 9.9.9, this is syncdrill 1.0.0: merge with the version that ran "
        "the shards");
}

}  // namespace
}  // namespace syncdrill
