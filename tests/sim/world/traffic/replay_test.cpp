// ReplaySchedule and replayed traffic: the cursor over a scenario's replay times, and a world
// whose traffic entry replays a CSV placing exactly the CSV's rows as orders.
#include "sim/world/traffic/replay.hpp"

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "core/scenario/loader.hpp"
#include "sim/world/traffic/arrivals.hpp"
#include "sim/world/world.hpp"

namespace syncdrill {
namespace {

TEST_CASE("replay next() stops at the horizon and stays stopped") {
  const std::vector<SimTime> times{SimTime{0}, SimTime{10}, SimTime{10}, SimTime{25}, SimTime{40}};
  ReplaySchedule s(times);
  const SimTime horizon{30};
  CHECK(s.next(horizon) == SimTime{0});
  CHECK(s.next(horizon) == SimTime{10});
  CHECK(s.next(horizon) == SimTime{10});
  CHECK(s.next(horizon) == SimTime{25});
  CHECK(s.next(horizon) == kArrivalsEnd);
  CHECK(s.next(SimTime{1000}) == kArrivalsEnd);
}

// Runs a one-channel world replaying `csv_text` under `compression`, with `faults` (a YAML
// list or empty); returns the result.
WorldResult replay_run(const std::string& name, const std::string& csv_text, double compression,
                       const std::string& faults) {
  const auto dir = std::filesystem::temp_directory_path() / name;
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "orders.csv") << csv_text;
  const std::string yaml = (dir / "replay.yaml").string();
  std::ofstream(yaml) << "name: replayed\n"
                         "duration: 1h\n"
                         "catalog: {skus: 50, stock_per_sku: 1000}\n"
                         "channels:\n"
                         "  - {name: shop, kind: shopify_like}\n"
                         "traffic:\n"
                         "  - channel: shop\n"
                         "    replay: {csv: orders.csv, compression: "
                      << compression << "}\n"
                      << faults;
  const LoadResult load = load_scenario_file(yaml);
  std::filesystem::remove_all(dir);
  REQUIRE(load.ok());
  const WorldResult r = run_world(*load.scenario, 1);
  REQUIRE(r.channels.size() == 1);
  return r;
}

ChannelOutcome replay_world(const std::string& name, const std::string& csv_text,
                            double compression) {
  return replay_run(name, csv_text, compression, "").channels[0];
}

TEST_CASE("a replayed csv places exactly its rows as orders, compression applied") {
  // CSV seconds 1000..8000 replay at 0, 5 s, 5 s, 15 s and 3500 s under compression 2: all
  // inside the hour, equal timestamps included.
  const std::string csv = "created_at,order_id\n1000,A\n1010,B\n1010,C\n1030,D\n8000,E\n";
  const ChannelOutcome compressed = replay_world("syncdrill_replay_world_2x", csv, 2);
  CHECK(compressed.orders_placed == 5);
  CHECK(compressed.orders_sold_out == 0);
  // At real speed the last row (7000 s after the first) falls past the hour.
  const ChannelOutcome real_time = replay_world("syncdrill_replay_world_1x", csv, 1);
  CHECK(real_time.orders_placed == 4);
}

TEST_CASE("peak traffic on a replayed entry adds customers at the replay's rate in its window") {
  // One row a second for the hour; a x3 peak for 10 minutes adds a Poisson source at twice the
  // replay's mean rate in the window (1/s): ~1,200 extra orders, SD ~35. The replayed rows
  // themselves are all placed as without the fault.
  std::string csv;
  for (int second = 0; second < 3600; ++second)
    csv += std::to_string(second) + "\n";
  const WorldResult r = replay_run("syncdrill_replay_peak", csv, 1, R"(faults:
  - {id: rush, kind: peak_traffic, target: shop, at: 20m, for: 10m, multiplier: 3})");
  const uint64_t extra = r.fault_hits.at(0);
  CHECK(extra > 1050);
  CHECK(extra < 1350);
  CHECK(r.channels[0].orders_placed + r.channels[0].orders_sold_out == 3600 + extra);
}

}  // namespace
}  // namespace syncdrill
