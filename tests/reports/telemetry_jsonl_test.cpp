// TelemetryJsonl: checked through the file it commits (or does not), with synthetic records.
#include "reports/telemetry_jsonl.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <vector>

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace syncdrill {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<json> parse_lines(const fs::path& p) {
  std::vector<json> lines;
  std::istringstream in(slurp(p));
  std::string line;
  while (std::getline(in, line))
    lines.push_back(json::parse(line));  // throws (fails the test) on a bad line
  return lines;
}

size_t files_in(const fs::path& dir) {
  return static_cast<size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator{}));
}

struct TempDir {
  fs::path path = fs::temp_directory_path() / fmt::format("syncdrill-telemetry-{}", ::getpid());
  TempDir() {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  std::string file() const { return (path / "telemetry.jsonl").string(); }
};

const std::array<const char*, 12> kKeys = {"t_us",      "kind",     "request_id", "flow",
                                           "connector", "endpoint", "attempt",    "latency_us",
                                           "outcome",   "error",    "entity",     "faults"};

TelemetryRecord request(uint64_t id, uint32_t attempt = 1) {
  TelemetryRecord r;
  r.kind = TelemetryKind::request;
  r.time = SimTime{1'000'000 + static_cast<int64_t>(id) * 10};
  r.request_id = id;
  r.flow = FlowKind::order_ingest;
  r.connector = "ingest";
  r.endpoint = "oms";
  r.attempt = attempt;
  r.latency = Duration{80'000};
  r.entity_kind = "order";
  r.entity = id * 7;
  r.channel = "dtc";
  return r;
}

TEST_CASE("telemetry kinds and delivery results have their snake_case spellings") {
  CHECK(to_string(TelemetryKind::request) == "request");
  CHECK(to_string(TelemetryKind::webhook) == "webhook");
  CHECK(to_string(DeliveryResult::delivered) == "delivered");
  CHECK(to_string(DeliveryResult::deduped) == "deduped");
  CHECK(to_string(DeliveryResult::refused) == "refused");
  CHECK(to_string(DeliveryResult::dropped) == "dropped");
  CHECK(to_string(DeliveryResult::duplicated) == "duplicated");
  CHECK(to_string(DeliveryResult::delayed) == "delayed");
  CHECK(to_string(DeliveryResult::nobody_listens) == "nobody_listens");
}

TEST_CASE("JSON strings escape quotes, backslashes, control characters and bad UTF-8") {
  const auto quoted = [](std::string_view s) {
    std::string out;
    append_json_string(out, s);
    return out;
  };
  CHECK(quoted("plain-name_1") == "\"plain-name_1\"");
  CHECK(quoted("") == "\"\"");
  CHECK(quoted("a\"b\\c") == "\"a\\\"b\\\\c\"");
  CHECK(quoted("l1\nl2\tx\r\b\f") == "\"l1\\nl2\\tx\\r\\b\\f\"");
  CHECK(quoted(std::string_view("\x01\x1f\0z", 4)) == "\"\\u0001\\u001f\\u0000z\"");
  CHECK(quoted("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x9b\x92") ==
        "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x9b\x92\"");  // valid UTF-8 passes through
  CHECK(quoted("bad\xff") == "\"bad\\ufffd\"");
  CHECK(quoted("cut\xe2\x82") == "\"cut\\ufffd\\ufffd\"");
  CHECK(quoted("\xc0\xaf") == "\"\\ufffd\\ufffd\"");             // overlong
  CHECK(quoted("\xed\xa0\x80") == "\"\\ufffd\\ufffd\\ufffd\"");  // a surrogate
  // Whatever goes in, nlohmann reads back a string.
  for (std::string s :
       {std::string("\"\\\x7f\x80\xc3"), std::string(1, '\0'), std::string("\x01")}) {
    const json j = json::parse(quoted(s));
    CHECK(j.is_string());
  }
  CHECK(json::parse(quoted("a\"b\\c\n\x01")).get<std::string>() == "a\"b\\c\n\x01");
}

TEST_CASE("every telemetry line parses and has the same keys in the same order") {
  TempDir tmp;
  FaultSpec outage;
  outage.id = "erp \"down\"\\now";
  outage.kind = FaultKind::outage;
  outage.cause = FaultCause::release;
  FaultSpec burst;
  burst.id = "burst";
  burst.kind = FaultKind::error_burst;
  const std::array<const FaultSpec*, 2> faults{&outage, &burst};
  {
    TelemetryJsonl sink(tmp.file(), TelemetryOptions{});
    REQUIRE(sink.error().empty());
    TelemetryRecord ok = request(1);
    sink.record(ok);
    TelemetryRecord failed = request(1, 2);
    failed.error = ErrorClass::server_error;
    failed.faults = faults;
    failed.connector = "in\tgest\n";
    sink.record(failed);
    TelemetryRecord hook;
    hook.kind = TelemetryKind::webhook;
    hook.time = SimTime{42};
    hook.request_id = 3;
    hook.endpoint = "dtc";
    hook.delivery = DeliveryResult::nobody_listens;
    hook.latency = Duration{0};
    sink.record(hook);
    REQUIRE(sink.commit().empty());
    CHECK(sink.stats().records_written == 3);
    CHECK(sink.stats().bytes_written == fs::file_size(tmp.file()));
  }
  const std::vector<json> lines = parse_lines(tmp.file());
  REQUIRE(lines.size() == 3);
  for (const json& line : lines) {
    REQUIRE(line.is_object());
    REQUIRE(line.size() == kKeys.size());
    for (const char* key : kKeys)
      CHECK(line.contains(key));
  }
  // Order is checked on the raw text: nlohmann::json sorts keys.
  std::istringstream raw(slurp(tmp.file()));
  std::string text;
  while (std::getline(raw, text)) {
    size_t at = 0;
    for (const char* key : kKeys) {
      const size_t found = text.find(fmt::format("\"{}\":", key), at);
      REQUIRE(found != std::string::npos);
      at = found;
    }
  }
  const json& ok = lines[0];
  CHECK(ok["t_us"] == 1'000'010);
  CHECK(ok["kind"] == "request");
  CHECK(ok["request_id"] == 1);
  CHECK(ok["flow"] == "order_ingest");
  CHECK(ok["connector"] == "ingest");
  CHECK(ok["endpoint"] == "oms");
  CHECK(ok["attempt"] == 1);
  CHECK(ok["latency_us"] == 80'000);
  CHECK(ok["outcome"] == "ok");
  CHECK(ok["error"].is_null());
  CHECK(ok["entity"] == json{{"kind", "order"}, {"id", 7}, {"channel", "dtc"}});
  CHECK(ok["faults"] == json::array());

  const json& failed = lines[1];
  CHECK(failed["attempt"] == 2);
  CHECK(failed["outcome"] == "error");
  CHECK(failed["error"] == "server_error");
  CHECK(failed["connector"] == "in\tgest\n");
  REQUIRE(failed["faults"].size() == 2);
  CHECK(failed["faults"][0] ==
        json{{"id", "erp \"down\"\\now"}, {"kind", "outage"}, {"cause", "release"}});
  CHECK(failed["faults"][1]["kind"] == "error_burst");
  CHECK(failed["faults"][1]["cause"] == "third_party");

  const json& hook = lines[2];
  CHECK(hook["kind"] == "webhook");
  CHECK(hook["connector"].is_null());
  CHECK(hook["endpoint"] == "dtc");
  CHECK(hook["latency_us"].is_null());
  CHECK(hook["outcome"] == "nobody_listens");
  CHECK(hook["error"].is_null());
  CHECK(hook["entity"].is_null());
}

TEST_CASE(
    "sampling keeps about the fraction asked, the same records every time, and whole "
    "requests") {
  constexpr uint64_t kRequests = 20'000;
  const auto kept_ids = [&](uint64_t seed, double sample) {
    std::vector<uint64_t> kept;
    for (uint64_t id = 1; id <= kRequests; ++id) {
      if (telemetry_sampled_in(seed, id, sample)) kept.push_back(id);
    }
    return kept;
  };
  for (double sample : {0.01, 0.1, 0.5, 0.9}) {
    const double kept = static_cast<double>(kept_ids(7, sample).size());
    // 5 standard deviations of a binomial count.
    const double sd = std::sqrt(kRequests * sample * (1 - sample));
    CHECK(std::abs(kept - kRequests * sample) < 5 * sd);
  }
  CHECK(kept_ids(7, 1.0).size() == kRequests);
  CHECK(kept_ids(7, 0.1) == kept_ids(7, 0.1));
  CHECK(kept_ids(7, 0.1) != kept_ids(8, 0.1));  // the seed picks another subset
  // A smaller fraction keeps a subset of a larger one's records.
  const std::vector<uint64_t> small = kept_ids(7, 0.05);
  const std::vector<uint64_t> large = kept_ids(7, 0.2);
  CHECK(std::includes(large.begin(), large.end(), small.begin(), small.end()));

  TempDir tmp;
  TelemetryOptions options;
  options.sample = 0.25;
  options.seed = 7;
  TelemetryJsonl sink(tmp.file(), options);
  for (uint64_t id = 1; id <= 2000; ++id) {
    for (uint32_t attempt = 1; attempt <= 3; ++attempt)
      sink.record(request(id, attempt));
  }
  REQUIRE(sink.commit().empty());
  const TelemetryStats& s = sink.stats();
  CHECK(s.records_seen == 6000);
  CHECK(s.records_written + s.records_sampled_out == 6000);
  CHECK(s.records_written % 3 == 0);
  CHECK_FALSE(s.cap_hit);
  std::map<uint64_t, int> attempts;
  for (const json& line : parse_lines(tmp.file()))
    ++attempts[line["request_id"].get<uint64_t>()];
  CHECK(attempts.size() * 3 == s.records_written);
  for (const auto& [id, n] : attempts) {
    CHECK(n == 3);
    CHECK(telemetry_sampled_in(7, id, 0.25));
  }
}

TEST_CASE("the record cap stops writing and is reported") {
  TempDir tmp;
  TelemetryOptions options;
  options.max_records = 10;
  TelemetryJsonl sink(tmp.file(), options);
  for (uint64_t id = 1; id <= 10; ++id)
    sink.record(request(id));
  CHECK_FALSE(sink.stats().cap_hit);  // reaching the cap is not hitting it
  for (uint64_t id = 11; id <= 25; ++id)
    sink.record(request(id));
  REQUIRE(sink.commit().empty());
  const TelemetryStats& s = sink.stats();
  CHECK(s.cap_hit);
  CHECK(s.records_seen == 25);
  CHECK(s.records_written == 10);
  CHECK(s.records_over_cap == 15);
  const std::vector<json> lines = parse_lines(tmp.file());
  REQUIRE(lines.size() == 10);
  CHECK(lines.back()["request_id"] == 10);  // the file is the run's beginning
}

TEST_CASE("the byte cap keeps whole lines, stops writing and is reported") {
  TempDir tmp;
  uint64_t one_line = 0;
  {
    TelemetryJsonl probe(tmp.file(), TelemetryOptions{});
    probe.record(request(1));
    one_line = probe.stats().bytes_written;
  }
  TelemetryOptions options;
  options.max_bytes = 1000;
  TelemetryJsonl sink(tmp.file(), options);
  for (uint64_t id = 1; id <= 100; ++id)
    sink.record(request(id));
  REQUIRE(sink.commit().empty());
  const TelemetryStats& s = sink.stats();
  CHECK(s.cap_hit);
  CHECK(s.bytes_written <= 1000);
  CHECK(s.bytes_written == fs::file_size(tmp.file()));
  CHECK(s.records_written + s.records_over_cap == 100);
  CHECK(parse_lines(tmp.file()).size() == s.records_written);
  CHECK(s.bytes_written + one_line > 1000);  // one more line would not have fit
}

TEST_CASE("telemetry that is never committed leaves no file behind") {
  TempDir tmp;
  {
    TelemetryJsonl sink(tmp.file(), TelemetryOptions{});
    REQUIRE(sink.error().empty());
    // Enough to flush the buffer at least once: the temporary file has content.
    for (uint64_t id = 1; id <= 10'000; ++id)
      sink.record(request(id));
    CHECK(files_in(tmp.path) == 1);  // the temporary file, under another name
    CHECK_FALSE(fs::exists(tmp.file()));
  }
  CHECK(files_in(tmp.path) == 0);
}

TEST_CASE("a committed telemetry file appears whole, replacing the old one, under its name") {
  TempDir tmp;
  {
    std::ofstream old(tmp.file());
    old << "an older run's telemetry\n";
  }
  TelemetryJsonl sink(tmp.file(), TelemetryOptions{});
  for (uint64_t id = 1; id <= 20'000; ++id)
    sink.record(request(id));
  // Before the commit the old file is intact, whatever was flushed to the temporary one.
  CHECK(slurp(tmp.file()) == "an older run's telemetry\n");
  CHECK(files_in(tmp.path) == 2);
  REQUIRE(sink.commit().empty());
  CHECK(files_in(tmp.path) == 1);
  CHECK(parse_lines(tmp.file()).size() == 20'000);
  CHECK(sink.stats().bytes_written == fs::file_size(tmp.file()));
  CHECK(sink.commit().empty());  // a second commit changes nothing
}

TEST_CASE("telemetry into a missing folder fails at once with the path and the reason") {
  TempDir tmp;
  const fs::path file = tmp.path / "missing" / "telemetry.jsonl";
  TelemetryJsonl sink(file.string(), TelemetryOptions{});
  CHECK(sink.error() == fmt::format("cannot write '{}': No such file or directory", file.string()));
  sink.record(request(1));
  CHECK(sink.commit() == sink.error());
  CHECK_FALSE(fs::exists(tmp.path / "missing"));
}

}  // namespace
}  // namespace syncdrill
