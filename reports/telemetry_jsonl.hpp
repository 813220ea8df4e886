// telemetry.jsonl: one JSON object per line for every request and webhook delivery a run makes,
// all with the same keys in the same order (docs/telemetry.md documents them).
//
// The file is written while the run goes (through a 1 MiB buffer) into a temporary file next to
// its destination, and renamed over it by commit(): a reader sees the complete file or none, and
// a run that fails (a limit hit, an error) never commits, so it leaves nothing behind.
//
// Bounded: `sample` keeps a deterministic fraction of requests (all attempts of a request, or
// none), and `max_records` / `max_bytes` stop writing when reached; both are counted.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "reports/atomic_file.hpp"
#include "sim/world/telemetry.hpp"

namespace syncdrill {

struct TelemetryOptions {
  // Fraction of requests kept, in (0, 1]: a record is kept when a hash of (seed, request_id)
  // falls below it, so a request's attempts are kept or dropped together, and the same run keeps
  // the same records. The simulation's random streams are never touched.
  double sample = 1.0;
  uint64_t max_records = 1'000'000;   // records written at most; then writing stops
  uint64_t max_bytes = 256ull << 20;  // bytes written at most (whole lines); then writing stops
  uint64_t seed = 0;                  // the run's root seed, for the sampling hash
};

struct TelemetryStats {
  uint64_t records_seen =
      0;  // handed to the sink; the sum of the next three (unless a write failed)
  uint64_t records_written = 0;
  uint64_t records_sampled_out = 0;  // dropped by sampling
  uint64_t records_over_cap = 0;     // kept by sampling but not written: a cap had been reached
  uint64_t bytes_written = 0;
  bool cap_hit = false;  // max_records or max_bytes stopped writing (records_over_cap > 0)
};

// Whether sampling keeps request `request_id` of a run with root seed `seed`. Exposed for tests.
bool telemetry_sampled_in(uint64_t seed, uint64_t request_id, double sample);

class TelemetryJsonl final : public TelemetrySink {
 public:
  static constexpr size_t kBufferBytes = 1 << 20;

  // Opens a temporary file next to `path`; check error() before using the sink.
  TelemetryJsonl(std::string path, const TelemetryOptions& options);

  void record(const TelemetryRecord& r) override;

  // Writes what is buffered and renames the file into place. Returns an empty string on
  // success, else the reason (the temporary file is then removed).
  std::string commit();

  const std::string& error() const { return file_.error(); }
  const TelemetryOptions& options() const { return options_; }
  const TelemetryStats& stats() const { return stats_; }
  const std::string& path() const { return file_.path(); }

 private:
  bool flush();
  TelemetryOptions options_;
  uint64_t sample_threshold_ = 0;  // keep when hash >> 11 < this; 2^53 keeps everything
  uint64_t seed_hash_ = 0;
  TelemetryStats stats_;
  std::string buffer_;
  AtomicStreamFile file_;
};

// Appends `s` to `out` as a JSON string (quoted, with ", \ and control characters escaped, and
// bytes that are not valid UTF-8 replaced by U+FFFD). Exposed for tests.
void append_json_string(std::string& out, std::string_view s);

}  // namespace syncdrill
