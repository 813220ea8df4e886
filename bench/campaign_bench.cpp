// The end-to-end campaign: loads the default drill (scenarios/black-friday-peak.yaml), runs the
// world once on this thread and prints one line
//   bench campaign orders=N events=N wall_s=X orders_per_s=X peak_rss_mb=X
// where orders counts orders the channels accepted, over all channels; events is the engine's
// processed events; wall_s times the run_world call alone (loading the YAML excluded); and
// peak_rss_mb is the process's high-water resident set (getrusage ru_maxrss), loading included.
//
// Wall-clock time is read here, in bench/, and never in sim/. Options: --details also prints the
// drill's outcome per channel, connector and port to stderr (for tuning the scenario); a
// SCENARIO argument runs another file (a shorter run for profiling under valgrind).
#include <sys/resource.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

#include "core/engine/malloc_tuning.hpp"
#include "core/scenario/loader.hpp"
#include "sim/world/world.hpp"

#ifndef SYNCDRILL_SOURCE_DIR
#error "SYNCDRILL_SOURCE_DIR must name the source tree"
#endif

namespace {

double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

void print_details(const syncdrill::WorldResult& r) {
  for (const syncdrill::ChannelOutcome& c : r.channels) {
    const double offered = static_cast<double>(c.orders_placed + c.orders_sold_out);
    std::fprintf(
        stderr,
        "channel %s placed=%llu sold_out=%llu (%.2f%%) in_oms_once=%llu duplicated=%llu "
        "lost=%llu oversold=%llu in_flight=%llu price_mismatches=%llu returns=%llu/%llu "
        "polled=%llu ingest_p95_ms=%.0f stock_p95_ms=%.0f status_p95_ms=%.0f\n",
        c.channel.c_str(), static_cast<unsigned long long>(c.orders_placed),
        static_cast<unsigned long long>(c.orders_sold_out),
        offered > 0 ? 100.0 * static_cast<double>(c.orders_sold_out) / offered : 0.0,
        static_cast<unsigned long long>(c.in_oms_once),
        static_cast<unsigned long long>(c.duplicated), static_cast<unsigned long long>(c.lost),
        static_cast<unsigned long long>(c.oversold), static_cast<unsigned long long>(c.in_flight),
        static_cast<unsigned long long>(c.price_mismatches),
        static_cast<unsigned long long>(c.returns_synced),
        static_cast<unsigned long long>(c.returns_requested),
        static_cast<unsigned long long>(c.orders_polled),
        static_cast<double>(c.ingest_delay_us.quantile(0.95)) / 1e3,
        static_cast<double>(c.stock_sync_delay_us.quantile(0.95)) / 1e3,
        static_cast<double>(c.status_sync_delay_us.quantile(0.95)) / 1e3);
  }
  for (const syncdrill::ConnectorOutcome& c : r.connectors) {
    std::fprintf(stderr,
                 "connector %s offered=%llu succeeded=%llu dead=%llu dropped=%llu retries=%llu "
                 "queue_max=%u\n",
                 c.name.c_str(), static_cast<unsigned long long>(c.stats.jobs_offered),
                 static_cast<unsigned long long>(c.stats.jobs_succeeded),
                 static_cast<unsigned long long>(c.stats.jobs_dead_lettered),
                 static_cast<unsigned long long>(c.stats.jobs_dropped_queue_full),
                 static_cast<unsigned long long>(c.stats.retries), c.stats.queue_depth_max);
  }
  for (const syncdrill::PortOutcome& p : r.ports) {
    std::fprintf(stderr, "port %s rate_limited=%llu over_limit=%llu\n", p.name.c_str(),
                 static_cast<unsigned long long>(p.admission.rate_limited),
                 static_cast<unsigned long long>(p.admission.over_concurrency_limit));
  }
  std::fprintf(stderr, "restocked_units=%llu price_changes=%llu unmapped=%llu not_conserved=%llu\n",
               static_cast<unsigned long long>(r.units_restocked),
               static_cast<unsigned long long>(r.price_changes),
               static_cast<unsigned long long>(r.unmapped_states),
               static_cast<unsigned long long>(r.skus_not_conserved));
}

}  // namespace

int main(int argc, char** argv) {
  using namespace syncdrill;
  using Clock = std::chrono::steady_clock;
  keep_large_blocks_mapped();  // as syncdrill's main does
  bool details = false;
  std::string path = std::string(SYNCDRILL_SOURCE_DIR) + "/scenarios/black-friday-peak.yaml";
  int scenarios = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--details") {
      details = true;
    } else if (!arg.starts_with("-") && scenarios++ == 0) {
      path = arg;
    } else {
      std::fprintf(stderr, "usage: syncdrill_bench_campaign [--details] [SCENARIO]\n");
      return 2;
    }
  }
  const LoadResult load = load_scenario_file(path);
  if (!load.ok()) {
    for (const Diagnostic& d : load.errors)
      std::fprintf(stderr, "syncdrill_bench_campaign: error: %s\n", format_diagnostic(d).c_str());
    return 2;
  }
  const Scenario& scenario = *load.scenario;
  const Clock::time_point start = Clock::now();
  const WorldResult result = run_world(scenario, scenario.seed);
  const double wall_s = std::chrono::duration<double>(Clock::now() - start).count();
  if (!result.limit_message.empty()) {
    std::fprintf(stderr, "syncdrill_bench_campaign: error: %s\n", result.limit_message.c_str());
    return 3;
  }
  uint64_t orders = 0;
  for (const ChannelOutcome& c : result.channels)
    orders += c.orders_placed;
  std::printf(
      "bench campaign orders=%llu events=%llu wall_s=%.3f orders_per_s=%.0f "
      "peak_rss_mb=%.1f\n",
      static_cast<unsigned long long>(orders),
      static_cast<unsigned long long>(result.events_processed), wall_s,
      static_cast<double>(orders) / wall_s, peak_rss_mb());
  std::fflush(stdout);
  if (details) print_details(result);
  return 0;
}
