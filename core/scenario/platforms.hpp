// The platform presets: ONE table of the documented defaults a channel's or system's `platform:`
// key sets (docs/platforms.md gives each figure with the page it comes from; a unit test checks
// that every default of this table appears there).
//
// A preset fills only what the scenario leaves unset: the loader copies the row's values into
// the spec first and then reads the scenario's own keys over them, so an explicit key always
// wins (a `rate_limit` or an operation's bucket is replaced whole; `webhooks` keys one by one;
// `statuses` entries one state at a time).
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/scenario/scenario.hpp"

namespace syncdrill::scenario {

// Where one default comes from.
struct PlatformSource {
  std::string_view what;  // "REST Admin API leaky bucket", ...
  std::string_view url;   // the public documentation page
};

struct PlatformRow {
  Platform platform = Platform::none;
  // Which specs may take it: channels of `channel_kind`, or systems of `system_kind`.
  std::optional<ChannelKind> channel_kind;
  std::optional<SystemKind> system_kind;
  // Channels.
  std::optional<RateLimitSpec> rate_limit;  // the endpoint's bucket for every call
  std::array<std::optional<RateLimitSpec>, kChannelOperations> operation_limits;
  std::optional<WebhookSpec> webhooks;
  std::vector<StatusMapping> statuses;  // canonical state -> the platform's spelling
  // Whether the platform's 429s carry Retry-After: also the default of `retry_after` for any
  // bucket the scenario writes on the channel (an override of a rate keeps the 429's style).
  bool retry_after = true;
  // Systems.
  std::optional<uint32_t> concurrency_limit;
  std::optional<ConcurrencyRefusal> concurrency_refusal;  // how it refuses over that limit
  std::vector<PlatformSource> sources;
};

// Every platform but none, in enum order.
const std::vector<PlatformRow>& platform_table();
// The row of `p`; nullptr for Platform::none.
const PlatformRow* platform_row(Platform p);

// The defaults of a row as the lines docs/platforms.md shows them, one per figure, e.g.
// "shopify: rate_limit leaky_bucket 2/s capacity 40".
std::vector<std::string> describe_defaults(const PlatformRow& row);

// Fills a spec's unset values with the row's. Call before reading the scenario's keys.
void apply_platform(const PlatformRow& row, ChannelSpec& c);
void apply_platform(const PlatformRow& row, SystemSpec& s);

}  // namespace syncdrill::scenario
