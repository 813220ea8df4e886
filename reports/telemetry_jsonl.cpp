#include "reports/telemetry_jsonl.hpp"

#include <cmath>

#include <fmt/format.h>

#include "core/engine/random.hpp"
#include "core/scenario/utf8.hpp"

namespace syncdrill {

// --- JSON text ----------------------------------------------------------------------------

namespace {

// One SplitMix64 step from state z (the state copy is dropped): a cheap, well-mixed 64-bit hash.
uint64_t mix64(uint64_t z) {
  return splitmix64(z);
}

constexpr double kTwoPow53 = 9007199254740992.0;

uint64_t sample_threshold(double sample) {
  if (!(sample > 0)) return 0;
  if (sample >= 1) return uint64_t{1} << 53;
  return static_cast<uint64_t>(std::ceil(sample * kTwoPow53));
}

bool keeps(uint64_t seed_hash, uint64_t request_id, uint64_t threshold) {
  return (mix64(seed_hash ^ request_id) >> 11) < threshold;
}

void append_escaped_byte(std::string& out, unsigned char c) {
  switch (c) {
    case '"':
      out += "\\\"";
      return;
    case '\\':
      out += "\\\\";
      return;
    case '\n':
      out += "\\n";
      return;
    case '\r':
      out += "\\r";
      return;
    case '\t':
      out += "\\t";
      return;
    case '\b':
      out += "\\b";
      return;
    case '\f':
      out += "\\f";
      return;
    default: {
      static constexpr char kHex[] = "0123456789abcdef";
      const char u[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
      out.append(u, sizeof u);
    }
  }
}

void append_uint(std::string& out, uint64_t n) {
  const fmt::format_int f(n);
  out.append(f.data(), f.size());
}

void append_int(std::string& out, int64_t n) {
  const fmt::format_int f(n);
  out.append(f.data(), f.size());
}

// A name that may be absent: null when empty.
void append_name(std::string& out, std::string_view s) {
  if (s.empty()) {
    out += "null";
  } else {
    append_json_string(out, s);
  }
}

void append_record(std::string& out, const TelemetryRecord& r) {
  const bool request = r.kind == TelemetryKind::request;
  out += "{\"t_us\":";
  append_int(out, r.time.us);
  out += ",\"kind\":\"";
  out += to_string(r.kind);
  out += "\",\"request_id\":";
  append_uint(out, r.request_id);
  out += ",\"flow\":\"";
  out += to_string(r.flow);
  out += "\",\"connector\":";
  append_name(out, r.connector);
  out += ",\"endpoint\":";
  append_name(out, r.endpoint);
  out += ",\"attempt\":";
  append_uint(out, r.attempt);
  out += ",\"latency_us\":";
  if (request) {
    append_int(out, r.latency.us);
  } else {
    out += "null";
  }
  out += ",\"outcome\":\"";
  if (request) {
    out += r.error == ErrorClass::none ? "ok" : "error";
  } else {
    out += to_string(r.delivery);
  }
  out += "\",\"error\":";
  if (r.error == ErrorClass::none) {
    out += "null";
  } else {
    out += '"';
    out += to_string(r.error);
    out += '"';
  }
  out += ",\"entity\":";
  if (r.entity_kind.empty()) {
    out += "null";
  } else {
    out += "{\"kind\":";
    append_json_string(out, r.entity_kind);
    out += ",\"id\":";
    append_uint(out, r.entity);
    out += ",\"channel\":";
    append_name(out, r.channel);
    out += '}';
  }
  out += ",\"faults\":[";
  bool first = true;
  for (const FaultSpec* f : r.faults) {
    if (f == nullptr) continue;
    if (!first) out += ',';
    first = false;
    out += "{\"id\":";
    append_json_string(out, f->id);
    out += ",\"kind\":\"";
    out += to_string(f->kind);
    out += "\",\"cause\":\"";
    out += to_string(f->cause);
    out += "\"}";
  }
  out += "]}\n";
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  size_t plain = 0;  // start of the run of bytes copied as they are
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      if (const size_t n = utf8_sequence_at(s, i).length; n > 0) {
        i += n;
        continue;
      }
    }
    out.append(s.data() + plain, i - plain);
    if (c >= 0x80) {
      out += "\\ufffd";
    } else {
      append_escaped_byte(out, c);
    }
    plain = ++i;
  }
  out.append(s.data() + plain, s.size() - plain);
  out += '"';
}

bool telemetry_sampled_in(uint64_t seed, uint64_t request_id, double sample) {
  return keeps(mix64(seed), request_id, sample_threshold(sample));
}

// --- TelemetryJsonl -----------------------------------------------------------------------

TelemetryJsonl::TelemetryJsonl(std::string path, const TelemetryOptions& options)
    : options_(options),
      sample_threshold_(sample_threshold(options.sample)),
      seed_hash_(mix64(options.seed)),
      file_(std::move(path)) {
  buffer_.reserve(kBufferBytes + 4096);
}

void TelemetryJsonl::record(const TelemetryRecord& r) {
  ++stats_.records_seen;
  if (sample_threshold_ < (uint64_t{1} << 53) &&
      !keeps(seed_hash_, r.request_id, sample_threshold_)) {
    ++stats_.records_sampled_out;
    return;
  }
  if (stats_.cap_hit || stats_.records_written >= options_.max_records) {
    stats_.cap_hit = true;
    ++stats_.records_over_cap;
    return;
  }
  if (!error().empty()) return;  // the file failed: commit() reports it
  const size_t start = buffer_.size();
  append_record(buffer_, r);
  const size_t line = buffer_.size() - start;
  if (stats_.bytes_written + line > options_.max_bytes) {
    buffer_.resize(start);
    stats_.cap_hit = true;
    ++stats_.records_over_cap;
    return;
  }
  stats_.bytes_written += line;
  ++stats_.records_written;
  if (buffer_.size() >= kBufferBytes) flush();
}

bool TelemetryJsonl::flush() {
  if (buffer_.empty()) return true;
  const bool ok = file_.write(buffer_).empty();
  buffer_.clear();
  return ok;
}

std::string TelemetryJsonl::commit() {
  if (!flush()) return error();
  return file_.commit();
}

}  // namespace syncdrill
