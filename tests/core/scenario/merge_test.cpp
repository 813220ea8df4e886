// extends: the named lists merge item by item on their name, a new name appends, `remove: true`
// removes, and errors point into the file that holds the bad item.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <unistd.h>

#include "core/scenario/loader.hpp"

namespace syncdrill {
namespace {

namespace fs = std::filesystem;

// A folder with a base.yaml and a child.yaml, removed at the end.
class Pair {
 public:
  Pair(const std::string& base, const std::string& child) {
    dir_ = fs::temp_directory_path() / fmt::format("syncdrill-merge-{}", ::getpid());
    fs::create_directories(dir_);
    std::ofstream(dir_ / "base.yaml") << base;
    std::ofstream(dir_ / "child.yaml") << child;
  }
  ~Pair() { fs::remove_all(dir_); }
  LoadResult load() const { return load_scenario_file((dir_ / "child.yaml").string()); }
  std::string child() const { return (dir_ / "child.yaml").string(); }
  std::string base() const { return (dir_ / "base.yaml").string(); }

 private:
  fs::path dir_;
};

std::string messages(const LoadResult& r) {
  std::string out;
  for (const Diagnostic& d : r.errors)
    out += format_diagnostic(d) + "\n";
  return out;
}

const char* kBase = R"(name: base
duration: 1h
channels: [{name: shop, kind: shopify_like}, {name: market, kind: amazon_like}]
systems: [{name: oms, kind: oms}, {name: erp, kind: erp}]
connectors: [{name: ingest, flow: order_ingest, from: shop, to: oms}]
traffic:
  - {channel: shop, rate: 10/min, sku_skew: 0.5}
  - {channel: market, rate: 20/min}
  - {channel: shop, rate: 1/min}
faults:
  - {id: erp-down, kind: outage, target: erp, at: 10m, for: 5m}
  - {id: oms-slow, kind: latency, target: oms, at: 20m, for: 5m, latency: 1s}
monitors:
  - {name: errors, kind: threshold, signal: error_rate, above: 0.1}
response:
  runbook:
    - {id: replay, action: replay_dead_letter, target: ingest, delay: 1m}
    - {action: run_reconciliation}
)";

TEST_CASE("traffic merges by channel, a channel's second entry by <channel>#2") {
  Pair p(kBase, R"(extends: base.yaml
traffic:
  - {channel: shop, rate: 30/min}
  - {channel: shop, load: 2}
  - {channel: market, remove: true}
)");
  const LoadResult r = p.load();
  INFO(messages(r));
  REQUIRE(r.ok());
  const auto& t = r.scenario->traffic;
  REQUIRE(t.size() == 2);
  CHECK(t[0].channel == "shop");
  CHECK(t[0].orders_per_s == doctest::Approx(0.5));
  CHECK(t[0].sku_skew == doctest::Approx(0.5));  // kept from the base's item
  CHECK(t[1].channel == "shop");                 // the base's shop#2, 1/min x 2
  CHECK(t[1].orders_per_s == doctest::Approx(2.0 / 60));
  CHECK(t[1].load == 2);
}

TEST_CASE("faults merge by id, append new ids and remove on request") {
  Pair p(kBase, R"(extends: base.yaml
faults:
  - {id: oms-slow, at: 30m}
  - {id: erp-down, remove: true}
  - {id: wms-gone, kind: outage, target: oms, at: 40m, for: 1m}
)");
  const LoadResult r = p.load();
  INFO(messages(r));
  REQUIRE(r.ok());
  const auto& f = r.scenario->faults;
  REQUIRE(f.size() == 2);
  CHECK(f[0].id == "oms-slow");
  CHECK(f[0].at == minutes(30));
  CHECK(f[0].length == minutes(5));  // from the base
  CHECK(f[1].id == "wms-gone");
}

TEST_CASE("a runbook action with an id merges, one without is appended") {
  Pair p(kBase, R"(extends: base.yaml
response:
  runbook:
    - {id: replay, delay: 5m}
    - {action: run_reconciliation, delay: 1h}
)");
  const LoadResult r = p.load();
  INFO(messages(r));
  REQUIRE(r.ok());
  const auto& rb = r.scenario->response.runbook;
  REQUIRE(rb.size() == 3);
  CHECK(rb[0].id == "replay");
  CHECK(rb[0].delay == minutes(5));
  CHECK(rb[0].kind == ActionKind::replay_dead_letter);
  CHECK(rb[1].delay == seconds(0));
  CHECK(rb[2].delay == hours(1));
}

TEST_CASE("an empty named list clears the base's, other lists are replaced") {
  Pair p(kBase, R"(extends: base.yaml
faults: []
monitors:
  - {name: errors, kind: threshold, signal: error_rate, above: 0.2, flow: order_ingest}
)");
  const LoadResult r = p.load();
  INFO(messages(r));
  REQUIRE(r.ok());
  CHECK(r.scenario->faults.empty());
  REQUIRE(r.scenario->monitors.size() == 1);
}

TEST_CASE("removing a name the base lacks is an error in the child file, with a suggestion") {
  Pair p(kBase, "extends: base.yaml\nfaults:\n  - {id: erp-dwn, remove: true}\n");
  const LoadResult r = p.load();
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].file == p.child());
  CHECK(r.errors[0].line == 3);
  CHECK(r.errors[0].message ==
        "no fault 'erp-dwn' in the base to remove (did you mean 'erp-down'?)");
}

TEST_CASE("removing from a list the base does not have is the same error") {
  Pair p(kBase, "extends: base.yaml\nsla_tiers:\n  - {name: gold, remove: true}\n");
  const LoadResult r = p.load();
  REQUIRE(r.errors.size() == 1);
  CHECK(format_diagnostic(r.errors[0]) ==
        p.child() + ":3:5: sla_tiers[gold]: no tier 'gold' in the base to remove");
}

TEST_CASE("an item with remove and other keys is merged, and the reader judges it") {
  // A mapping_regression fault has a `remove` list of its own; only {NAME, remove: true} removes.
  Pair p(kBase,
         "extends: base.yaml\nfaults:\n  - {id: erp-down, remove: yes}\n"
         "traffic:\n  - {channel: shop, remove: true, rate: 1/s}\n");
  const LoadResult r = p.load();
  INFO(messages(r));
  REQUIRE(r.errors.size() == 2);
  for (const Diagnostic& d : r.errors) {
    CHECK(d.file == p.child());
    CHECK(d.path.find(".remove") != std::string::npos);
  }
  CHECK(r.errors[0].line == 3);
  CHECK(r.errors[1].line == 5);
}

TEST_CASE("remove in a file without a base is an unknown key") {
  Pair p(kBase,
         "name: x\nduration: 1h\nchannels: [{name: shop, kind: shopify_like, remove: "
         "true}]\n");
  const LoadResult r = p.load();
  REQUIRE_FALSE(r.ok());
  CHECK(r.errors[0].message.find("unknown key 'remove'") == 0);
}

TEST_CASE("an error in a merged item points at the file that wrote the bad key") {
  Pair p(kBase, "extends: base.yaml\nfaults:\n  - {id: oms-slow, latncy: 2s}\n");
  const LoadResult r = p.load();
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].file == p.child());
  CHECK(r.errors[0].line == 3);
  CHECK(r.errors[0].message.find("unknown key 'latncy'") == 0);
}

TEST_CASE("duplicate runbook ids are refused") {
  Pair p(kBase,
         "extends: base.yaml\nresponse:\n  runbook:\n"
         "    - {id: x, action: run_reconciliation}\n"
         "    - {id: y, action: run_reconciliation}\n");
  // Two ids are fine; the base's `replay` and these make three actions plus the unnamed one.
  const LoadResult ok = p.load();
  INFO(messages(ok));
  REQUIRE(ok.ok());
  CHECK(ok.scenario->response.runbook.size() == 4);
  const LoadResult dup = load_scenario_text(
      "name: t\nduration: 1h\nchannels: [{name: shop, kind: shopify_like}]\nresponse:\n"
      "  runbook:\n    - {id: a, action: run_reconciliation}\n"
      "    - {id: a, action: run_reconciliation}\n",
      "t.yaml");
  REQUIRE(dup.errors.size() == 1);
  CHECK(dup.errors[0].message == "duplicate runbook action name 'a' (first defined at line 6)");
}

// The example of docs/scenario-format.md's Extends section, read from the page itself.
TEST_CASE("the documented extends example loads over black-friday-peak as it says") {
  std::ifstream doc(std::string(SYNCDRILL_SOURCE_DIR) + "/docs/scenario-format.md");
  std::stringstream text;
  text << doc.rdbuf();
  const std::string page = text.str();
  const size_t start = page.find("```yaml\nextends: black-friday-peak.yaml\n");
  REQUIRE(start != std::string::npos);
  const size_t end = page.find("```\n", start + 8);
  const std::string yaml = page.substr(start + 8, end - start - 8);
  const LoadResult r =
      load_scenario_text(yaml, std::string(SYNCDRILL_SOURCE_DIR) + "/scenarios/example.yaml");
  INFO(messages(r));
  REQUIRE(r.ok());
  const Scenario& s = *r.scenario;
  REQUIRE(s.traffic.size() == 3);
  CHECK(s.traffic[1].channel == "amazon-us");
  CHECK(s.traffic[1].load == 3);
  CHECK(s.traffic[1].orders_per_s == doctest::Approx(3 * 480.0 / 60));
  CHECK(s.traffic[1].shape.size() == 7);
  REQUIRE(s.faults.size() == 3);
  CHECK(s.faults[0].id == "flash-stock-stall");
  CHECK(s.faults[2].id == "erp-outage");
  REQUIRE(s.response.runbook.size() == 6);
  CHECK(s.response.runbook[5].id == "page-erp-vendor");
}

}  // namespace
}  // namespace syncdrill
