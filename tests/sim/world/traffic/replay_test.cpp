// ReplaySchedule and replayed traffic: the cursor over a scenario's replay times, and a world
// whose traffic entry replays a CSV placing exactly the CSV's rows as orders.
#include "sim/world/traffic/replay.hpp"

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "sim/scenario/loader.hpp"
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

// Runs a one-channel world replaying `csv_text` under `compression`; returns the channel.
ChannelOutcome replay_world(const std::string& name, const std::string& csv_text,
                            double compression) {
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
                      << compression << "}\n";
  const LoadResult load = load_scenario_file(yaml);
  std::filesystem::remove_all(dir);
  REQUIRE(load.ok());
  const WorldResult r = run_world(*load.scenario, 1);
  REQUIRE(r.channels.size() == 1);
  return r.channels[0];
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

}  // namespace
}  // namespace syncdrill
