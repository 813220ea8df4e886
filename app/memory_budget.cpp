#include "app/memory_budget.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace syncdrill {

namespace {

constexpr double kMiB = 1024.0 * 1024.0;
constexpr double kSizeMax = 1125899906842624.0;  // 2^50 bytes
constexpr double kHeadroom = 0.9;  // the rest is left to the system and the page cache

std::optional<uint64_t> read_number_file(const char* path) {
  std::ifstream in(path);
  std::string word;
  if (!(in >> word) || word.empty() || word.size() > 20 ||
      !std::all_of(word.begin(), word.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;  // "max" (no limit), unreadable, or not a number
  }
  return std::stoull(word);
}

std::optional<uint64_t> mem_available() {
  std::ifstream in("/proc/meminfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("MemAvailable:", 0) != 0) continue;
    std::istringstream fields(line.substr(13));
    uint64_t kib = 0;
    if (fields >> kib && kib < (uint64_t{1} << 50)) return kib * 1024;
  }
  return std::nullopt;
}

// The cgroup's limit less what it uses already: the figure a container (a Kubernetes Pod's
// memory limit, a Slurm job's --mem under cgroup enforcement) is killed at.
std::optional<uint64_t> cgroup_room() {
  auto room = [](std::optional<uint64_t> limit, std::optional<uint64_t> used) {
    std::optional<uint64_t> out;
    if (limit && *limit < (uint64_t{1} << 60)) out = *limit - std::min(*limit, used.value_or(0));
    return out;
  };
  if (auto v2 = room(read_number_file("/sys/fs/cgroup/memory.max"),
                     read_number_file("/sys/fs/cgroup/memory.current"))) {
    return v2;
  }
  return room(read_number_file("/sys/fs/cgroup/memory/memory.limit_in_bytes"),
              read_number_file("/sys/fs/cgroup/memory/memory.usage_in_bytes"));
}

}  // namespace

std::optional<uint64_t> parse_memory_size(std::string_view text) {
  size_t digits = 0;
  while (digits < text.size() &&
         (std::isdigit(static_cast<unsigned char>(text[digits])) != 0 || text[digits] == '.')) {
    ++digits;
  }
  const std::string number(text.substr(0, digits));
  if (number.empty() || number.size() > 20 || std::count(number.begin(), number.end(), '.') > 1 ||
      number.front() == '.' || number.back() == '.') {
    return std::nullopt;
  }
  const std::string_view unit = text.substr(digits);
  double scale = 0;
  if (unit.empty()) {
    scale = 1;
  } else if (unit == "K" || unit == "KiB") {
    scale = 1024;
  } else if (unit == "M" || unit == "MiB") {
    scale = kMiB;
  } else if (unit == "G" || unit == "GiB") {
    scale = kMiB * 1024;
  } else if (unit == "T" || unit == "TiB") {
    scale = kMiB * kMiB;
  } else {
    return std::nullopt;
  }
  const double bytes = std::stod(number) * scale;
  if (!std::isfinite(bytes) || bytes < kMiB || bytes > kSizeMax) return std::nullopt;
  return static_cast<uint64_t>(bytes);
}

std::string memory_size_text(double bytes) {
  if (!std::isfinite(bytes) || bytes >= kSizeMax) return "more than 1 PiB";
  const double mib = std::ceil(bytes / kMiB);
  if (mib < 1024) return fmt::format("{:.0f} MiB", mib);
  return fmt::format("{:.1f} GiB", mib / 1024);
}

std::optional<MemoryBudget> machine_memory_budget() {
  const std::optional<uint64_t> available = mem_available();
  const std::optional<uint64_t> cgroup = cgroup_room();
  if (!available && !cgroup) return std::nullopt;
  MemoryBudget out;
  if (cgroup && (!available || *cgroup < *available)) {
    out = {*cgroup, "the cgroup's memory limit less its usage"};
  } else {
    out = {*available, "MemAvailable"};
  }
  out.bytes = static_cast<uint64_t>(static_cast<double>(out.bytes) * kHeadroom);
  out.source += ", less 10% headroom";
  return out;
}

JobsFit jobs_within_memory(unsigned requested, double run_bytes, std::string_view what,
                           const std::optional<MemoryBudget>& budget) {
  JobsFit fit{std::max(requested, 1u), {}};
  if (!budget || !(run_bytes > 0) || fit.jobs == 1) return fit;
  const double fitting = std::floor(static_cast<double>(budget->bytes) / run_bytes);
  if (fitting >= fit.jobs) return fit;
  fit.jobs = static_cast<unsigned>(std::max(fitting, 1.0));
  fit.note = fmt::format(
      "{} run{} at once instead of {}: a run of {} needs about {} (estimated) and {} is free "
      "for runs ({}){}",
      fit.jobs, fit.jobs == 1 ? "" : "s", requested, what, memory_size_text(run_bytes),
      memory_size_text(static_cast<double>(budget->bytes)), budget->source,
      fitting < 1 ? "; even one run may not fit" : "");
  return fit;
}

}  // namespace syncdrill
