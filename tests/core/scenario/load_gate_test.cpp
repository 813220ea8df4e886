// The loader is the only gate: whatever it accepts, `syncdrill run` simulates to the end within
// the documented limits. Each scenario here once validated and then aborted the run (a SKU
// fraction of 0%, a change_max of 0%, a rate read as infinity), ran away (a 1us interval, every
// SKU repriced every second) or overflowed (money); now each is a load error at its key.
#include <string>
#include <string_view>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "core/scenario/estimate.hpp"
#include "core/scenario/loader.hpp"
#include "core/scenario/values.hpp"

namespace syncdrill {
namespace {

// A scenario with an OMS and an ERP whose mapping ends the text: append ERP keys, indented by
// four spaces, then any top-level sections.
const std::string kErp =
    "name: t\n"
    "duration: 1h\n"
    "channels: [{name: shop, kind: shopify_like}]\n"
    "systems:\n"
    "  - {name: oms, kind: oms}\n"
    "  - name: erp\n"
    "    kind: erp\n";

std::string errors(std::string_view text, const LoadLimits& limits = {}) {
  const LoadResult r = load_scenario_text(text, "t.yaml", limits);
  std::string out;
  for (const Diagnostic& d : r.errors) {
    out += format_diagnostic(d) + "\n";
  }
  return out;
}

Scenario loaded(std::string_view text) {
  LoadResult r = load_scenario_text(text, "t.yaml");
  INFO(errors(text));
  REQUIRE(r.ok());
  return *r.scenario;
}

TEST_CASE("a schedule touching 0% of the SKUs or changing prices by 0% is a located error") {
  CHECK(errors(kErp + "    restocks: {sku_fraction: 0%}\n") ==
        "t.yaml:8:30: systems[1].restocks.sku_fraction: expected a fraction above 0%, got '0%' "
        "(leave the schedule out for none)\n");
  CHECK(errors(kErp + "    price_changes: {sku_fraction: 0}\n") ==
        "t.yaml:8:35: systems[1].price_changes.sku_fraction: expected a fraction above 0%, got "
        "'0' (leave the schedule out for none)\n");
  CHECK(errors(kErp + "    price_changes: {change_max: 0%}\n") ==
        "t.yaml:8:33: systems[1].price_changes.change_max: expected a fraction above 0%, got "
        "'0%'\n");
  // The smallest positive fraction still touches one SKU a round.
  const Scenario s = loaded(kErp + "    restocks: {sku_fraction: 0.0001%}\n");
  CHECK(s.systems[1].restocks->sku_fraction == doctest::Approx(1e-6));
}

TEST_CASE("every periodic interval is at least 1s, at its own key") {
  const std::string monitors =
      "monitors: [{name: m, kind: threshold, signal: error_rate, above: 0.5}]\n";
  const std::string ingest = "connectors:\n  - {name: in, flow: order_ingest, from: shop, to: oms";
  struct Case {
    std::string text;  // @ is the interval
    std::string where;
  };
  const auto with = [](std::string text, std::string_view interval) {
    text.replace(text.find('@'), 1, interval);
    return text;
  };
  const Case cases[] = {
      {kErp + monitors + "evaluation_interval: @\n", "t.yaml:9:22: evaluation_interval"},
      {kErp + ingest + ", poll_interval: @}\n", "t.yaml:9:72: connectors[0].poll_interval"},
      {kErp + "connectors:\n  - {name: r, flow: reconciliation, from: erp, to: oms, interval: @}\n",
       "t.yaml:9:67: connectors[0].interval"},
      {kErp + "    restocks: {interval: @}\n", "t.yaml:8:26: systems[1].restocks.interval"},
      {kErp + "    price_changes: {interval: @}\n",
       "t.yaml:8:31: systems[1].price_changes.interval"},
      {kErp + "    batch_import: {interval: @}\n", "t.yaml:8:30: systems[1].batch_import.interval"},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    CHECK(errors(with(c.text, "1us")) ==
          c.where + ": expected a duration of at least 1s, got '1us'\n");
    CHECK(errors(with(c.text, "999ms")) ==
          c.where + ": expected a duration of at least 1s, got '999ms'\n");
    CHECK(errors(with(c.text, "1s")).empty());
  }
}

// Every SKU of 100,000 repriced every second for 6 h took about 150 s to run.
TEST_CASE("periodic work over the limit is refused at the key of the job that does most") {
  const std::string busy =
      "name: t\n"
      "duration: 6h\n"
      "catalog: {skus: 100000}\n"
      "channels: [{name: shop, kind: shopify_like}]\n"
      "systems:\n"
      "  - {name: erp, kind: erp, price_changes: {interval: 1s, sku_fraction: 100%}}\n"
      "connectors: [{name: prices, flow: price_sync, from: erp, to: shop}]\n";
  CHECK(errors(busy) ==
        "t.yaml:6:54: systems[0].price_changes.interval: about 4320064860 work items in the run's "
        "periodic jobs, over the limit of 100000000 (see Limits in docs/scenario-format.md); the "
        "largest: price_changes of erp: 21600 runs x 100000 SKUs x (1 + 1 price_sync connectors) "
        "(4320021600)\n");
  // The same job every minute on 1% of the catalog is ordinary.
  std::string calm = busy;
  calm.replace(calm.find("interval: 1s, sku_fraction: 100%"), 32, "interval: 1m, sku_fraction: 1%");
  CHECK(errors(calm).empty());

  // A job the scenario leaves at its default interval is reported at its section.
  const std::string watched = kErp +
                              "connectors: [{name: in, flow: order_ingest, from: shop, to: oms}]\n"
                              "monitors:\n"
                              "  - {name: slow, kind: threshold, signal: latency_p95, above: 5}\n";
  LoadLimits tight;
  tight.periodic_work_max = 1000;
  const std::string error = errors(watched, tight);
  CHECK(error.starts_with("t.yaml:10:3: monitors: about "));
  CHECK(error.find("over the limit of 1000 (see Limits in docs/scenario-format.md); the "
                   "largest: monitor evaluation: 120 ticks of 1 monitors") != std::string::npos);

  LoadLimits small_memory;
  small_memory.stored_values_max = 1000;
  INFO(errors(watched, small_memory));
  CHECK(errors(watched, small_memory)
            .starts_with("t.yaml:2:11: duration: about 1584 stored values in the run's periodic "
                         "jobs, over the limit of 1000 (see Limits in docs/scenario-format.md); "
                         "the largest: series sampling: 61 samples of 1 connectors and 1 "
                         "channels (1464)"));
}

TEST_CASE("the estimates grow with what drives them") {
  const auto work = [](std::string_view text) {
    double total = 0;
    for (const PeriodicJob& j : periodic_jobs(loaded(text)))
      total += j.work;
    return total;
  };
  const double hourly = work(kErp + "    restocks: {interval: 1h, sku_fraction: 100%}\n");
  const double minutely = work(kErp + "    restocks: {interval: 1m, sku_fraction: 100%}\n");
  const double none = work(kErp);
  CHECK(none < hourly);
  CHECK(hourly < minutely);
  // 60 times the rounds of 1,000 SKUs (the default catalog), nothing else changed.
  CHECK(minutely - none == doctest::Approx(60 * (hourly - none)));
}

TEST_CASE("expected order lines are bounded, at traffic") {
  const std::string wide =
      "name: t\n"
      "duration: 1h\n"
      "catalog: {skus: 2000}\n"
      "channels: [{name: shop, kind: shopify_like}]\n"
      "traffic: [{channel: shop, rate: 100/s, basket_lines: {min: 1, max: 1000}}]\n";
  CHECK(errors(wide) ==
        "t.yaml:5:10: traffic: about 360000000 order lines expected (expected orders x "
        "basket_lines.max), over the limit of 50000000\n");
  std::string narrow = wide;
  narrow.replace(narrow.find("max: 1000"), 9, "max: 100");
  CHECK(errors(narrow).empty());
}

// Each endpoint's queue is a ring of queue_max requests allocated when the run starts: 40
// channels at the largest queue_max took 1 GB before the first event, 1,000 would take 24 GB.
TEST_CASE("the request and worker slots a run allocates up front are bounded") {
  std::string text = "name: t\nduration: 1m\nchannels:\n";
  for (int i = 0; i < 11; ++i) {
    text +=
        fmt::format("  - {{name: c{}, kind: shopify_like, endpoint: {{queue_max: 1000000}}}}\n", i);
  }
  CHECK(errors(text) ==
        "t.yaml:4:46: channels[0].endpoint: 11000044 request and worker slots allocated when the "
        "run starts (queue_max + workers of every endpoint, workers of every connector), over the "
        "limit of 10000000; the largest: channels[0].endpoint (1000004)\n");
  text.resize(text.rfind("  - "));
  CHECK_FALSE(errors(text).empty());  // ten: 10000040
  text.resize(text.rfind("  - "));
  CHECK(errors(text).empty());  // nine fit
}

TEST_CASE("a rate that once read as infinity is refused before any estimate is made") {
  // inf x a shape multiplier of 0 was NaN expected orders, never over the limit.
  const std::string rate = std::string(309, '9') + "/ms";
  const std::string text =
      "name: t\n"
      "duration: 1h\n"
      "channels: [{name: shop, kind: shopify_like}]\n"
      "traffic: [{channel: shop, rate: " +
      rate + ", shape: [{at: 0s, multiplier: 0}]}]\n";
  CHECK(errors(text) ==
        "t.yaml:4:33: traffic[0].rate: number too large: expected at most 15 "
        "digits before the decimal point, got '" +
            scenario::shown_text(rate) + "'\n");
  CHECK(errors("name: t\nduration: 1h\nchannels: [{name: shop, kind: shopify_like}]\n"
               "traffic: [{channel: shop, rate: 999999999999999/us}]\n") ==
        "t.yaml:4:33: traffic[0].rate: rate too large: expected at most 1000000000000/s, got "
        "'999999999999999/us'\n");
}

TEST_CASE("a fault 1e400 seconds in is refused, not run at time 0") {
  const std::string at = "1" + std::string(400, '0') + "s";
  const std::string text =
      "name: t\n"
      "duration: 1h\n"
      "channels: [{name: shop, kind: shopify_like}]\n"
      "faults: [{id: f, kind: outage, target: shop, at: " +
      at + ", for: 1m}]\n";
  CHECK(errors(text) ==
        "t.yaml:4:50: faults[0].at: number too large: expected at most 15 digits before the "
        "decimal point, got '" +
            scenario::shown_text(at) + "'\n");
}

TEST_CASE("amounts are bounded to 1,000,000,000.00 where they are written") {
  CHECK(errors("name: t\nduration: 1h\nchannels: [{name: shop, kind: shopify_like}]\n"
               "catalog: {price_max: 999999999999999.99}\n") ==
        "t.yaml:4:22: catalog.price_max: amount too large: expected at most 1000000000.00, got "
        "'999999999999999.99'\n");
  const Scenario s = loaded(
      "name: t\nduration: 1h\nchannels: [{name: shop, kind: shopify_like}]\n"
      "catalog: {price_min: 1000000000.00, price_max: 1000000000.00}\n");
  CHECK(s.catalog.price_max.minor == kMoneyMaxMinor);
}

}  // namespace
}  // namespace syncdrill
