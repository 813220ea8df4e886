// --set PATH=VALUE: applied to the merged tree before the loader validates it; every error is
// located at the flag, and malformed flags are refused, never guessed at.
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "core/scenario/loader.hpp"

namespace syncdrill {
namespace {

const char* kDrill = R"(name: t
duration: 2h
channels: [{name: shop, kind: shopify_like}, {name: market, kind: amazon_like}]
systems: [{name: oms, kind: oms}, {name: erp, kind: erp}]
connectors: [{name: ingest, flow: order_ingest, from: shop, to: oms}]
traffic:
  - {channel: shop, rate: 60/min, shape: [{at: 0h, multiplier: 1}, {at: 1h, multiplier: 2}]}
  - {channel: market, rate: 30/min}
faults:
  - {id: erp-outage, kind: outage, target: erp, at: 30m, for: 10m}
)";

LoadResult load(std::vector<std::string> sets, const LoadLimits& limits = {}) {
  return load_scenario_text(kDrill, "t.yaml", limits, Overrides{std::move(sets), ""});
}

std::string messages(const LoadResult& r) {
  std::string out;
  for (const Diagnostic& d : r.errors)
    out += format_diagnostic(d) + "\n";
  return out;
}

// The only error of a load with these flags.
std::string error(std::vector<std::string> sets) {
  const LoadResult r = load(std::move(sets));
  REQUIRE_FALSE(r.ok());
  INFO(messages(r));
  REQUIRE(r.errors.size() == 1);
  return format_diagnostic(r.errors[0]);
}

TEST_CASE("--set changes scalars, list items by name and nested mappings") {
  const LoadResult r =
      load({"seed=7", "duration=12h", "traffic[market].rate=2/s", "faults[erp-outage].at=18m",
            "response.stable_for=1m", "traffic[shop].shape[1].multiplier=3"});
  INFO(messages(r));
  REQUIRE(r.ok());
  const Scenario& s = *r.scenario;
  CHECK(s.seed == 7);
  CHECK(s.duration == hours(12));
  CHECK(s.traffic[1].orders_per_s == doctest::Approx(2));
  CHECK(s.faults[0].at == minutes(18));
  CHECK(s.faults[0].length == minutes(10));
  CHECK(s.response.stable_for == minutes(1));
  CHECK(s.traffic[0].shape[1].multiplier == doctest::Approx(3));
  CHECK(s.overrides.size() == 6);
  CHECK(s.overrides[0] == "seed=7");
}

TEST_CASE("a whole item with a new name is appended, with an existing name merged, or removed") {
  const LoadResult r =
      load({"faults[erp-slow]={kind: latency, target: erp, at: 1h, for: 5m, latency: 2s}",
            "faults[erp-outage]={for: 20m}", "traffic[market]={remove: true}",
            "faults=[{id: oms-down, kind: outage, target: oms, at: 5m, for: 1m}]"});
  INFO(messages(r));
  REQUIRE(r.ok());
  const Scenario& s = *r.scenario;
  REQUIRE(s.faults.size() == 3);
  CHECK(s.faults[0].id == "erp-outage");
  CHECK(s.faults[0].length == minutes(20));
  CHECK(s.faults[1].id == "erp-slow");
  CHECK(s.faults[1].kind == FaultKind::latency);
  CHECK(s.faults[2].id == "oms-down");  // a list value merges by name: appended
  REQUIRE(s.traffic.size() == 1);
  CHECK(s.traffic[0].channel == "shop");
}

TEST_CASE("an error the loader finds in what a --set put there is located at the flag") {
  CHECK(error({"seed=7", "faults[erp-outage].att=18h"}) ==
        "--set #2: faults[erp-outage].att: unknown key 'att' (did you mean 'at'?)");
  CHECK(error({"traffic[shop].rate=fast"}).find("--set #1: traffic[shop].rate: expected a rate") ==
        0);
  const LoadResult r = load({"faults[erp-outage].att=18h"});
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].line == 0);
  CHECK(r.errors[0].column == 20);  // under `att`
  CHECK(r.errors[0].source_line == "faults[erp-outage].att=18h");
}

TEST_CASE("an unknown item name says which names there are") {
  CHECK(error({"faults[erp-outge].at=1h"}) ==
        "--set #1: faults: unknown fault 'erp-outge' (did you mean 'erp-outage'?); to add one, "
        "set the whole item: faults[erp-outge]={...}");
  CHECK(error({"traffic[zzz].rate=1/s"}) ==
        "--set #1: traffic: unknown traffic entry 'zzz' (expected one of: shop, market); to add "
        "one, set the whole item: traffic[zzz]={...}");
  CHECK(error({"faults[nope]={remove: true}"})
            .find("--set #1: faults[nope]: nothing to remove: "
                  "unknown fault 'nope'") == 0);
}

TEST_CASE("malformed flags are refused with what was expected") {
  CHECK(error({"seed"}) ==
        "--set #1: expected PATH=VALUE, e.g. faults[erp-outage].at=18h: no '=' found");
  CHECK(error({"=7"}) == "--set #1: expected a key before '='");
  CHECK(error({"response..stable_for=1m"}) == "--set #1: expected a key after '.'");
  CHECK(error({"faults[erp-outage.at=1h"}) == "--set #1: unbalanced '[': expected ']'");
  CHECK(error({"faults]x[.at=1h"}) == "--set #1: unbalanced ']': no '[' opens it");
  CHECK(error({"faults[].at=1h"}) ==
        "--set #1: expected a name or an item number between '[' and ']'");
  CHECK(error({"faults[a]x=1h"}) == "--set #1: expected '.' or '=' after ']'");
  CHECK(error({"duration[0]=1"}) ==
        "--set #1: duration: expected a list to select [0] in, got '2h'");
  CHECK(error({"duration.x=1"}) ==
        "--set #1: duration: expected a mapping to set 'x' in, got '2h'");
  CHECK(error({"traffic[shop].shape[9].at=1h"}) ==
        "--set #1: traffic[shop].shape: expected an item number from 0 to 1 (this list's items "
        "have no names), got '9'");
  CHECK(error({"faults[erp-outage]=3"}) ==
        "--set #1: faults[erp-outage]: expected a mapping such as {id: erp-outage, ...} for a "
        "whole item, got '3'");
  CHECK(error({"faults[erp-outage]={id: other}"}).find("the item's id is 'erp-outage'") !=
        std::string::npos);
  CHECK(error({"seed=[1, 2"}).find("--set #1: invalid YAML") == 0);
}

TEST_CASE("hostile values hit the loader's own checks and limits") {
  CHECK(error({"seed=nan"}).find("--set #1: seed: ") == 0);
  CHECK(error({"seed=-3"}).find("--set #1: seed: ") == 0);
  CHECK(error({"traffic[shop].load=inf"}).find("--set #1: traffic[shop].load: ") == 0);
  CHECK(error({"traffic[shop].load=.nan"}).find("--set #1: traffic[shop].load: ") == 0);
  CHECK(error({"traffic[shop].load=1e400"}).find("--set #1: traffic[shop].load: ") == 0);
  LoadLimits small;
  small.file_bytes_max = 500;  // the scenario is 442 bytes
  const LoadResult huge = load({"description=" + std::string(600, 'x')}, small);
  REQUIRE(huge.errors.size() == 1);
  CHECK(format_diagnostic(huge.errors[0]) ==
        "--set #1: --set is 612 bytes, over the limit of 500 bytes");
  std::string deep = "response";
  for (int i = 0; i < 40; ++i)
    deep += ".a";
  CHECK(error({deep + "=1"}) == "--set #1: a key path deeper than 32 keys");
  std::string nested(40, '[');
  CHECK(error({"description=" + nested}).find("--set #1: nesting deeper than 32 levels") == 0);
  CHECK(error({std::string("description=a\x01")}).find("--set #1: the control character") == 0);
  // A huge but valid value is the loader's to judge: a rate over its limit.
  CHECK(error({"traffic[shop].rate=" + std::string(30, '9') + "/s"})
            .find("--set #1: traffic[shop].rate: number too large") == 0);
}

TEST_CASE("an error in one flag leaves the others applied and reported in order") {
  const LoadResult r = load({"seed=x", "duration=20m"});
  INFO(messages(r));
  REQUIRE(r.errors.size() == 3);
  CHECK(r.errors[0].file == "t.yaml");  // the file's shape point and fault now lie after the end
  CHECK(r.errors[1].file == "t.yaml");
  CHECK(r.errors[2].file == "--set #1");
}

TEST_CASE("without flags nothing is recorded") {
  const LoadResult r = load({});
  REQUIRE(r.ok());
  CHECK(r.scenario->overrides.empty());
}

}  // namespace
}  // namespace syncdrill
