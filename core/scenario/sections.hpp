// The section readers of the loader (internal). Each reads one top-level key of the merged tree
// into the Scenario, in dependency order: a section may refer only to names read before it
// (channels and systems, then policies, connectors, traffic, faults, tiers, monitors, response).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/scenario/reader.hpp"
#include "core/scenario/scenario.hpp"

namespace syncdrill::scenario {

void read_catalog(Ctx& ctx, MapReader& top, Scenario& s);
void read_channels(Ctx& ctx, MapReader& top, Scenario& s);
void read_systems(Ctx& ctx, MapReader& top, Scenario& s);
void read_traffic(Ctx& ctx, MapReader& top, Scenario& s);
void read_policies(Ctx& ctx, MapReader& top, Scenario& s);
void read_connectors(Ctx& ctx, MapReader& top, Scenario& s);
void read_faults(Ctx& ctx, MapReader& top, Scenario& s);
void read_sla_tiers(Ctx& ctx, MapReader& top, Scenario& s);
void read_monitors(Ctx& ctx, MapReader& top, Scenario& s);
void read_response(Ctx& ctx, MapReader& top, Scenario& s);
// read_expect.cpp: `series_interval` (after `duration`) and `expect` (last: it names tiers,
// faults and channels).
void read_series_interval(Ctx& ctx, MapReader& top, Scenario& s);
void read_expect(Ctx& ctx, MapReader& top, Scenario& s);

// Names seen so far in one section, to report duplicates at the second occurrence.
class UniqueNames {
 public:
  explicit UniqueNames(std::string_view what) : what_(what) {}
  // Reports "duplicate channel name 'x' (first defined at line N)" at r's `key`.
  void add(MapReader& r, std::string_view key, const std::string& name);

 private:
  std::string_view what_;
  std::vector<std::pair<std::string, int>> seen_;
};

// The shortest interval of any periodic job (evaluation_interval, a connector's poll_interval or
// reconciliation interval, an ERP's restocks, price_changes and batch_import): each tick is
// work for the whole catalog or every monitor, so a microsecond interval would run for hours.
inline constexpr Duration kPeriodMin = seconds(1);

// The most attempts a retry policy may make (a policy's `retry.max_attempts`, a retry_storm's
// `max_attempts`). Far above any useful count: what bounds retries is the policy's budget, the
// run's duration and its event limit (a run that reaches that limit stops and says so). Memory
// does not grow with it: a worker keeps one attempt of its job at a time.
inline constexpr uint32_t kRetryAttemptsMax = 1'000'000;

// Reads `key` as a name that must be one of `candidates` (what: "channel", ...). Reports
// "unknown channel 'amazn' (did you mean 'amazon'?)". Returns true when present and valid.
bool read_ref(MapReader& r, std::string_view key, std::string& out,
              const std::vector<std::string_view>& candidates, std::string_view what,
              Need need = Need::optional);

// What a reference may look like: a name, or also a webhook topic ("shop/orders/create").
enum class RefForm { name, name_or_topic };

// Reads `key` as one name or a list of names, each one of `candidates`. With
// RefForm::name_or_topic a value containing '/' is looked up as is (unknown ones still get a
// did-you-mean) instead of being checked as a name.
void read_refs(Ctx& ctx, MapReader& r, std::string_view key, std::vector<std::string>& out,
               const std::vector<std::string_view>& candidates, std::string_view what,
               Need need = Need::optional, RefForm form = RefForm::name);

// Reads a mapping of status spellings (`from: to`) at `key`.
void read_status_map(Ctx& ctx, MapReader& r, std::string_view key, std::vector<StatusMapping>& out,
                     const std::vector<std::string_view>* allowed_from = nullptr);

// Reads an endpoint's (or a rate_limit fault's) `rate_limit` mapping; nullopt when its rate is
// missing or wrong (reported).
// endpoint: a channel's or system's bucket, which also takes `retry_after` (a fault's does not),
// defaulting to `retry_after`.
std::optional<RateLimitSpec> read_rate_limit(Ctx& ctx, const YNode& n, const std::string& path,
                                             bool endpoint = false, bool retry_after = true);

// The `name` of every item.
template <class T>
std::vector<std::string_view> names_of(const std::vector<T>& items) {
  std::vector<std::string_view> out;
  for (const T& t : items) {
    out.push_back(t.name);
  }
  return out;
}

// Channels, systems and connectors: everything a monitor may target (a fault also webhook topics).
std::vector<std::string_view> target_names(const Scenario& s);

// The webhook topics of every channel, "<channel>/<topic>" for each of kWebhookTopics.
inline constexpr std::string_view kWebhookTopics[] = {"orders/create", "orders/updated",
                                                      "returns/create"};
std::vector<std::string> webhook_topics(const Scenario& s);

}  // namespace syncdrill::scenario
