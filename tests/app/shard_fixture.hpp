// What the shard tests share: a small drill, the policies they compare on it, and a compare of
// two of them to split into shards.
#pragma once

#include <filesystem>
#include <fstream>
#include <string>

#include <fmt/format.h>

#include "tests/app/cli_run.hpp"

namespace syncdrill::testing {

// A small drill (an OMS outage against a one-attempt ingest): a run takes a fraction of a second.
inline const std::string kShardDrill = source_path("tests/scenarios/valid/breached-drill.yaml");

// Writes policies.yaml into the scratch folder: `patient` and `eager`, to compare with the
// drill's own `once`.
inline void write_shard_policies(const Scratch& s) {
  std::ofstream(s / "policies.yaml") << R"(policies:
  - name: patient
    timeout: 2s
    retry: {max_attempts: 6, backoff: full_jitter, base: 500ms, cap: 1m}
    budget: {kind: token_bucket, max_tokens: 100, token_ratio: 0.1}
    idempotency_keys: true
  - name: eager
    timeout: 1s
    retry: {max_attempts: 3, backoff: none}
)";
}

// `once` against `patient` on `seeds` seeds: 2 x seeds runs.
inline std::string shard_compare(int seeds) {
  return fmt::format(
      "compare '{}' --policy once --policy patient --policies policies.yaml --seeds {}",
      kShardDrill, seeds);
}

}  // namespace syncdrill::testing
