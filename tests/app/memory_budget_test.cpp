// --jobs bounded by memory: the size reader, the arithmetic and its note, the estimate against a
// run's measured peak, and the guarantee that matters most: the files do not depend on it.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <string>
#include <thread>
#include <vector>

#include "app/memory_budget.hpp"
#include "core/scenario/estimate.hpp"
#include "core/scenario/loader.hpp"
#include "tests/address_sanitizer.hpp"
#include "tests/app/cli_run.hpp"

extern char** environ;

namespace syncdrill {
namespace {

using testing::read_file;
using testing::Scratch;
using testing::source_path;

constexpr uint64_t kMiB = 1024 * 1024;

TEST_CASE("memory sizes read as binary units and refuse what is not a size") {
  CHECK(parse_memory_size("512MiB") == 512 * kMiB);
  CHECK(parse_memory_size("512M") == 512 * kMiB);
  CHECK(parse_memory_size("2GiB") == 2048 * kMiB);
  CHECK(parse_memory_size("1.5G") == 1536 * kMiB);
  CHECK(parse_memory_size("1048576") == kMiB);
  CHECK(parse_memory_size("1024TiB") == 1024 * kMiB * kMiB);
  for (const char* bad :
       {"", "GiB", "0", "1K", "1048575", "-1G", "1e9", "nan", "inf", "1.2.3G", ".5G", "5.G", "2gb",
        "2 GiB", "1025TiB", "99999999999999999999G", "123456789012345678901234567890"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_memory_size(bad).has_value());
  }
}

TEST_CASE("jobs are lowered to what fits the budget, never below one, and the note says why") {
  const std::optional<MemoryBudget> budget = MemoryBudget{1000 * kMiB, "--max-memory"};
  CHECK(jobs_within_memory(4, 300.0 * kMiB, "big", budget).jobs == 3);
  const JobsFit fit = jobs_within_memory(8, 400.0 * kMiB, "big", budget);
  CHECK(fit.jobs == 2);
  CHECK(fit.note ==
        "2 runs at once instead of 8: a run of big needs about 400 MiB (estimated) and 1000 MiB "
        "is free for runs (--max-memory)");
  const JobsFit none = jobs_within_memory(4, 2000.0 * kMiB, "huge", budget);
  CHECK(none.jobs == 1);
  CHECK(none.note.find("even one run may not fit") != std::string::npos);
  CHECK(jobs_within_memory(2, 100.0 * kMiB, "small", budget).note.empty());
  CHECK(jobs_within_memory(2, 100.0 * kMiB, "small", budget).jobs == 2);
  CHECK(jobs_within_memory(6, 100.0 * kMiB, "unknown", std::nullopt).jobs == 6);
  CHECK(memory_size_text(1536.0 * kMiB) == "1.5 GiB");
}

TEST_CASE("the machine's budget is read, and is below what /proc/meminfo calls total") {
  const std::optional<MemoryBudget> budget = machine_memory_budget();
  REQUIRE(budget.has_value());  // every Linux has /proc/meminfo
  CHECK(budget->bytes > 0);
  const std::string meminfo = read_file("/proc/meminfo");
  const size_t at = meminfo.find("MemTotal:");
  REQUIRE(at != std::string::npos);
  const uint64_t total_bytes = std::stoull(meminfo.substr(at + 9)) * 1024;
  CHECK(budget->bytes < total_bytes);
}

// The peak resident memory of one `syncdrill run`, from wait4's rusage of that very child.
uint64_t measured_peak_bytes(const std::string& scenario, const Scratch& scratch) {
  const std::string out = (scratch / "out").string();
  std::vector<std::string> words{SYNCDRILL_BINARY, "run", scenario, "--quiet", "--out", out};
  std::vector<char*> argv;
  for (std::string& w : words)
    argv.push_back(w.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  REQUIRE(posix_spawn(&pid, SYNCDRILL_BINARY, nullptr, nullptr, argv.data(), environ) == 0);
  int status = 0;
  rusage usage{};
  REQUIRE(wait4(pid, &status, 0, &usage) == pid);
  CHECK(WIFEXITED(status));
  return static_cast<uint64_t>(usage.ru_maxrss) * 1024;  // KiB on Linux
}

TEST_CASE("the estimate is above a library drill's measured peak, and not twice it") {
  if (SYNCDRILL_ADDRESS_SANITIZER) return;  // a sanitized binary's peak is not the one estimated
  Scratch scratch("memory-estimate");
  for (const char* drill : {"scenarios/retry-storm.yaml", "scenarios/stock-drift.yaml",
                            "scenarios/governance-mapping-errors.yaml"}) {
    CAPTURE(drill);
    const std::string path = source_path(drill);
    const LoadResult loaded = load_scenario_file(path);
    REQUIRE(loaded.ok());
    const double estimate = estimated_run_bytes(*loaded.scenario);
    const auto measured = static_cast<double>(measured_peak_bytes(path, scratch));
    CAPTURE(measured / kMiB);
    CAPTURE(estimate / kMiB);
    CHECK(estimate >= measured);
    CHECK(estimate < 2 * measured);
  }
}

double mean_orders(const Scenario& s) {
  double orders = 0;
  for (double o : expected_orders_by_entry(s, ShapeReading::mean))
    orders += o;
  return orders;
}

TEST_CASE("the estimate grows with the orders a scenario asks for") {
  const LoadResult small =
      load_scenario_file(source_path("tests/scenarios/valid/breached-drill.yaml"));
  REQUIRE(small.ok());
  REQUIRE(mean_orders(*small.scenario) > 0);
  Scenario bigger = *small.scenario;
  for (TrafficSpec& t : bigger.traffic)
    t.orders_per_s *= 10;
  CHECK(mean_orders(bigger) == doctest::Approx(10 * mean_orders(*small.scenario)));
  const double added = estimated_run_bytes(bigger) - estimated_run_bytes(*small.scenario);
  CHECK(added >= kRunBytesPerOrder * 9 * mean_orders(*small.scenario));
}

TEST_CASE("a sweep lowered to fit the memory says so and writes the same files as one job") {
  Scratch scratch("memory-jobs");
  const std::string drill = source_path("tests/scenarios/valid/breached-drill.yaml");
  const std::string grid = "--grid retry.max_attempts=1,3 --seeds 2";
  const testing::CliRun lowered = scratch.run(fmt::format(
      "sweep '{}' {} --jobs 4 --max-memory 1MiB --out lowered --format json", drill, grid));
  REQUIRE(lowered.exit_code == 0);
  CHECK(lowered.err.find("syncdrill: note: 1 run at once instead of 4") != std::string::npos);
  const testing::CliRun one =
      scratch.run(fmt::format("sweep '{}' {} --jobs 1 --out one --format json", drill, grid));
  REQUIRE(one.exit_code == 0);
  CHECK(one.err.find("note:") == std::string::npos);
  CHECK(read_file(scratch / "lowered/compare.json") == read_file(scratch / "one/compare.json"));
  const testing::CliRun quiet = scratch.run(fmt::format(
      "sweep '{}' {} --jobs 4 --max-memory 1MiB --out q --format json --quiet", drill, grid));
  CHECK(quiet.exit_code == 0);
  CHECK(quiet.err.empty());
  for (const char* bad : {"0", "lots", "1e99", "-5G", "9999999TiB"}) {
    CAPTURE(bad);
    const testing::CliRun refused =
        scratch.run(fmt::format("sweep '{}' {} --max-memory {} --out bad", drill, grid, bad));
    CHECK(refused.exit_code == 2);
    CHECK(refused.err.find("--max-memory takes a size") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(scratch / "bad"));
  }
}

TEST_CASE("run over a folder bounds its jobs by the largest drill") {
  if (std::thread::hardware_concurrency() < 2) return;  // run caps --jobs at the cores first
  Scratch scratch("memory-batch");
  const testing::CliRun r = scratch.run(
      fmt::format("run '{}' '{}' --jobs 2 --max-memory 2MiB --out o --format json --quiet",
                  source_path("tests/scenarios/valid/breached-drill.yaml"),
                  source_path("scenarios/retry-storm.yaml")));
  CHECK(r.exit_code <= 1);  // the verdicts are the drills'; the note is what is checked
  const testing::CliRun loud =
      scratch.run(fmt::format("run '{}' '{}' --jobs 2 --max-memory 2MiB --out o2 --format json",
                              source_path("tests/scenarios/valid/breached-drill.yaml"),
                              source_path("scenarios/retry-storm.yaml")));
  CHECK(loud.err.find("1 run at once instead of 2: a run of retry-storm") != std::string::npos);
}

}  // namespace
}  // namespace syncdrill
