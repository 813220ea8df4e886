#include "app/shard.hpp"

#include <cstdlib>

#include <fmt/format.h>

#include "app/command_line.hpp"

namespace syncdrill {

size_t Shard::runs_of(size_t runs) const {
  return runs / count + (index - 1 < runs % count ? 1 : 0);
}

std::string Shard::file_name() const {
  return fmt::format("shard-{}-of-{}.json", index, count);
}

Environment process_environment() {
  return [](const char* name) -> std::optional<std::string> {
    const char* value = std::getenv(name);
    if (value == nullptr || *value == '\0') return std::nullopt;
    return std::string(value);
  };
}

namespace {

ShardChoice refuse(std::string message) {
  ShardChoice c;
  c.error = std::move(message);
  return c;
}

// K and N checked against each other: 1 <= K <= N <= kShardsMax. `what` names where they came
// from, for the message.
ShardChoice checked(uint64_t index, uint64_t count, std::string source, std::string_view what) {
  if (count < 1 || count > kShardsMax) {
    return refuse(
        fmt::format("{}: the number of shards must be 1 to {}, not {}", what, kShardsMax, count));
  }
  if (index < 1 || index > count) {
    return refuse(fmt::format("{}: the shard must be 1 to {} (shards count from 1), not {}", what,
                              count, index));
  }
  ShardChoice c;
  c.shard = Shard{index, count};
  c.source = std::move(source);
  return c;
}

ShardChoice from_flag(std::string_view value) {
  const size_t slash = value.find('/');
  const auto index = whole_number(value.substr(0, slash));
  const auto count =
      slash == std::string_view::npos ? std::nullopt : whole_number(value.substr(slash + 1));
  if (!index || !count) {
    return refuse(fmt::format(
        "--shard takes K/N (shard K of N, whole numbers, 1 <= K <= N <= {}) or auto, not '{}'",
        kShardsMax, value));
  }
  return checked(*index, *count, "--shard", fmt::format("--shard {}", value));
}

// A variable that must be a whole number: its value, or the error. `needed_by`: the variable
// that asked for it (for the message when it is unset).
struct EnvNumber {
  std::optional<uint64_t> value;
  std::string error;
};

EnvNumber env_number(const Environment& env, const char* name, std::string_view needed_by = {}) {
  const std::optional<std::string> text = env(name);
  if (!text) {
    return {std::nullopt, fmt::format("--shard auto: {} is set but {} is not", needed_by, name)};
  }
  const auto n = whole_number(*text);
  if (!n) {
    return {std::nullopt,
            fmt::format("--shard auto: {} must be a whole number, not '{}'", name, *text)};
  }
  return {n, {}};
}

ShardChoice from_kubernetes(const Environment& env) {
  const EnvNumber index = env_number(env, "JOB_COMPLETION_INDEX");
  if (!index.value) return refuse(index.error);
  if (*index.value >= kShardsMax) {
    return refuse(fmt::format("--shard auto: JOB_COMPLETION_INDEX must be below {}, not {}",
                              kShardsMax, *index.value));
  }
  if (!env("SYNCDRILL_SHARDS")) {
    return refuse(
        "--shard auto: JOB_COMPLETION_INDEX is set (a Kubernetes Indexed Job) but "
        "SYNCDRILL_SHARDS is not: a Pod does not see its Job's completions, so set "
        "SYNCDRILL_SHARDS to the same number in the Pod's env");
  }
  const EnvNumber count = env_number(env, "SYNCDRILL_SHARDS");
  if (!count.value) return refuse(count.error);
  return checked(*index.value + 1, *count.value, "JOB_COMPLETION_INDEX",
                 fmt::format("--shard auto: JOB_COMPLETION_INDEX={} (shard {}) with "
                             "SYNCDRILL_SHARDS={}",
                             *index.value, *index.value + 1, *count.value));
}

ShardChoice from_gitlab(const Environment& env) {
  const EnvNumber index = env_number(env, "CI_NODE_INDEX");
  if (!index.value) return refuse(index.error);
  const EnvNumber count = env_number(env, "CI_NODE_TOTAL", "CI_NODE_INDEX");
  if (!count.value) return refuse(count.error);
  return checked(*index.value, *count.value, "CI_NODE_INDEX",
                 fmt::format("--shard auto: CI_NODE_INDEX={} with CI_NODE_TOTAL={}", *index.value,
                             *count.value));
}

ShardChoice from_slurm(const Environment& env) {
  const EnvNumber id = env_number(env, "SLURM_ARRAY_TASK_ID");
  if (!id.value) return refuse(id.error);
  const EnvNumber min = env_number(env, "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_ID");
  if (!min.value) return refuse(min.error);
  const EnvNumber count = env_number(env, "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_ID");
  if (!count.value) return refuse(count.error);
  const std::string what = fmt::format(
      "--shard auto: SLURM_ARRAY_TASK_ID={} with SLURM_ARRAY_TASK_MIN={} and "
      "SLURM_ARRAY_TASK_COUNT={} (an array needs consecutive ids, no step)",
      *id.value, *min.value, *count.value);
  if (*id.value < *min.value || *id.value - *min.value >= kShardsMax) {
    return refuse(fmt::format("{}: the shard must be 1 to {}", what, *count.value));
  }
  return checked(*id.value - *min.value + 1, *count.value, "SLURM_ARRAY_TASK_ID", what);
}

}  // namespace

ShardChoice read_shard(std::string_view value, const Environment& env) {
  if (value != "auto") return from_flag(value);
  if (env("JOB_COMPLETION_INDEX")) return from_kubernetes(env);
  if (env("CI_NODE_INDEX")) return from_gitlab(env);
  if (env("SLURM_ARRAY_TASK_ID")) return from_slurm(env);
  return refuse(
      "--shard auto: none of JOB_COMPLETION_INDEX (Kubernetes), CI_NODE_INDEX (GitLab) or "
      "SLURM_ARRAY_TASK_ID (Slurm) is set; give the shard as --shard K/N");
}

std::optional<Shard> shard_of_file_name(std::string_view name) {
  constexpr std::string_view kPrefix = "shard-", kOf = "-of-", kSuffix = ".json";
  if (!name.starts_with(kPrefix) || !name.ends_with(kSuffix)) return std::nullopt;
  name = name.substr(kPrefix.size(), name.size() - kPrefix.size() - kSuffix.size());
  const size_t of = name.find(kOf);
  if (of == std::string_view::npos) return std::nullopt;
  const auto index = whole_number(name.substr(0, of));
  const auto count = whole_number(name.substr(of + kOf.size()));
  if (!index || !count) return std::nullopt;
  return Shard{*index, *count};
}

}  // namespace syncdrill
