#include "connector/shopify_shop.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "core/engine/check.hpp"

namespace syncdrill {

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

ShopUrl checked_url(const ConnectorOptions& o) {
  std::optional<ShopUrl> url = parse_shop_url(o.shopify.shop_url, nullptr);
  SD_CHECK(url.has_value(), "the shop URL is checked before construction");
  return *url;
}

void say(std::string* failure, std::string why) {
  if (failure != nullptr) *failure = std::move(why);
}

}  // namespace

ShopifyShop::ShopifyShop(const ConnectorOptions& options, PolicyCaller& calls, StatsRecorder& stats,
                         StopSignal& stop)
    : options_(options), url_(checked_url(options)), calls_(calls), stats_(stats), stop_(stop) {}

std::unique_ptr<httplib::Client> ShopifyShop::make_client() const {
  auto client = std::make_unique<httplib::Client>(url_.origin);
  // A fresh connection per request, as the OMS and ERP calls (order_worker.cpp says why).
  client->set_keep_alive(false);
  return client;
}

std::string ShopifyShop::admin_path(std::string_view resource) const {
  return fmt::format("{}/admin/api/{}/{}", url_.path, options_.shopify.api_version, resource);
}

bool ShopifyShop::wait_turn() {
  for (;;) {
    Clock::time_point until;
    {
      std::lock_guard lock(mutex_);
      until = pause_until_;
    }
    const Clock::time_point now = Clock::now();
    if (until <= now) return true;
    stats_.add(&ConnectorStats::shop_pauses);
    const auto wait = std::chrono::ceil<std::chrono::microseconds>(until - now);
    if (!stop_.sleep_for(wait)) return false;
  }
}

void ShopifyShop::observe(const HttpReply& reply) {
  Clock::time_point until{};
  if (reply.status == 429 && reply.retry_after) {
    until = Clock::now() + *reply.retry_after;
  } else if (const auto limit = parse_call_limit(reply.call_limit)) {
    const double full = options_.shopify.call_limit_slowdown * limit->size;
    if (limit->used >= full && options_.shopify.leak_per_s > 0) {
      // The excess over the threshold, plus this call, drains at leak_per_s scenario requests
      // a second: divided by the time scale on the wall.
      const double excess = static_cast<double>(limit->used) - full + 1;
      const double wall_s = excess / options_.shopify.leak_per_s / options_.time_scale;
      until = Clock::now() + std::chrono::microseconds(
                                 static_cast<int64_t>(std::ceil(std::min(wall_s, 3600.0) * 1e6)));
      stats_.add(&ConnectorStats::call_limit_slowdowns);
    }
  }
  std::lock_guard lock(mutex_);
  pause_until_ = std::max(pause_until_, until);
}

CallResult ShopifyShop::call(httplib::Client& client, HttpRequest request, std::string_view what) {
  request.headers.emplace_back("X-Shopify-Access-Token", options_.shopify.access_token);
  request.headers.emplace_back("Accept", "application/json");
  return calls_.call(what, [&](std::chrono::microseconds timeout) {
    if (!wait_turn()) {
      HttpReply stopped;
      stopped.error = "stopped while the shop was paused";
      return stopped;
    }
    HttpReply reply = send_request(client, request, timeout);
    observe(reply);
    return reply;
  });
}

std::optional<uint64_t> ShopifyShop::location_id(httplib::Client& client, std::string* failure) {
  std::lock_guard fetching(location_fetch_);
  {
    std::lock_guard lock(mutex_);
    if (location_) return location_;
  }
  HttpRequest request;
  request.path = admin_path("locations.json");
  const CallResult r = call(client, request, "GET locations.json");
  if (!r.ok) {
    say(failure, r.failure);
    return std::nullopt;
  }
  const json body = json::parse(r.last.body, nullptr, false);
  const auto list = body.is_object() ? body.find("locations") : body.end();
  if (list == body.end() || !list->is_array()) {
    say(failure, "GET locations.json -> no \"locations\" array in the answer");
    return std::nullopt;
  }
  for (const json& location : *list) {
    const auto active = location.is_object() ? location.find("active") : location.end();
    if (active != location.end() && active->is_boolean() && !active->get<bool>()) continue;
    if (const auto id = read_count(location, "id")) {
      std::lock_guard lock(mutex_);
      location_ = *id;
      return id;
    }
  }
  say(failure, "GET locations.json -> no active location with an id");
  return std::nullopt;
}

std::optional<uint64_t> ShopifyShop::inventory_item_id(httplib::Client& client, uint64_t variant_id,
                                                       std::string* failure) {
  std::lock_guard fetching(variant_fetch_);
  {
    std::lock_guard lock(mutex_);
    if (const auto it = inventory_items_.find(variant_id); it != inventory_items_.end()) {
      return it->second;
    }
  }
  HttpRequest request;
  request.path = admin_path(fmt::format("variants/{}.json", variant_id));
  const CallResult r = call(client, request, "GET variants/{id}.json");
  if (!r.ok) {
    say(failure, r.failure);
    return std::nullopt;
  }
  const json body = json::parse(r.last.body, nullptr, false);
  const auto variant = body.is_object() ? body.find("variant") : body.end();
  const std::optional<uint64_t> item =
      variant == body.end() ? std::nullopt : read_count(*variant, "inventory_item_id");
  if (!item) {
    say(failure, fmt::format("GET variants/{}.json -> no variant.inventory_item_id", variant_id));
    return std::nullopt;
  }
  std::lock_guard lock(mutex_);
  inventory_items_.emplace(variant_id, *item);
  return item;
}

bool ShopifyShop::set_available(httplib::Client& client, uint64_t variant_id, int64_t available,
                                std::string* failure) {
  const std::optional<uint64_t> location = location_id(client, failure);
  if (!location) return false;
  const std::optional<uint64_t> item = inventory_item_id(client, variant_id, failure);
  if (!item) return false;
  HttpRequest request;
  request.method = HttpRequest::Method::post;
  request.path = admin_path("inventory_levels/set.json");
  request.body =
      json{{"location_id", *location}, {"inventory_item_id", *item}, {"available", available}}
          .dump();
  std::lock_guard one_at_a_time(item_sets_[*item % kItemLocks]);
  const CallResult r = call(client, request, "POST inventory_levels/set.json");
  if (!r.ok) say(failure, r.failure);
  return r.ok;
}

}  // namespace syncdrill
