#include "connector/shopify_poller.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "connector/shopify_wire.hpp"

namespace syncdrill {

using nlohmann::json;

ShopifyPoller::ShopifyPoller(const ConnectorOptions& options, ShopifyShop& shop,
                             OrderLedger& ledger, JobQueue& queue, StatsRecorder& stats)
    : options_(options), shop_(shop), ledger_(ledger), queue_(queue), stats_(stats) {}

ShopifyPoller::~ShopifyPoller() {
  stop();
}

void ShopifyPoller::start() {
  thread_ = std::thread([this] { run(); });
}

void ShopifyPoller::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ShopifyPoller::run() {
  const std::unique_ptr<httplib::Client> client = shop_.make_client();
  const auto interval = std::chrono::milliseconds(options_.shopify.poll_interval_ms);
  for (;;) {
    poll_once(*client);
    std::unique_lock lock(mutex_);
    if (wake_.wait_for(lock, interval, [this] { return stopping_; })) return;
  }
}

bool ShopifyPoller::poll_once(httplib::Client& client) {
  std::string path = shop_.admin_path(fmt::format("orders.json?status=any&limit={}", kPageLimit));
  if (const std::optional<uint64_t> since = ledger_.since_id()) {
    path += fmt::format("&since_id={}", *since);
  }
  std::optional<uint64_t> highest;
  for (int page = 0; page < kPagesMax; ++page) {
    HttpRequest request;
    request.path = path;
    const CallResult r = shop_.call(client, request, "GET orders.json");
    if (!r.ok) {
      stats_.poll_failure(fmt::format("poll: {}", r.failure));
      return false;
    }
    const json body = json::parse(r.last.body, nullptr, false);
    const auto orders = body.is_object() ? body.find("orders") : body.end();
    if (orders == body.end() || !orders->is_array()) {
      stats_.poll_failure("poll: GET orders.json -> no \"orders\" array in the answer");
      return false;
    }
    for (const json& order : *orders) {
      if (const std::optional<uint64_t> id = take_order(order)) {
        highest = std::max(highest.value_or(*id), *id);
      }
    }
    const std::optional<std::string> next = link_next_url(r.last.link);
    if (!next) {
      if (highest) ledger_.polled_through(*highest);
      stats_.add(&ConnectorStats::polls);
      return true;
    }
    std::optional<std::string> next_path = path_on_shop(*next, shop_.url());
    if (!next_path) {
      // Following it would send the access token to another host.
      stats_.poll_failure(fmt::format("poll: a next page off the shop, not followed: {}", *next));
      return false;
    }
    path = std::move(*next_path);
  }
  stats_.poll_failure(fmt::format("poll: more than {} pages in one pass", kPagesMax));
  return false;
}

std::optional<uint64_t> ShopifyPoller::take_order(const json& order) {
  const std::optional<uint64_t> order_id = read_count(order, "id");
  if (!order_id) {
    stats_.add(&ConnectorStats::malformed_webhooks);
    return std::nullopt;
  }
  const uint64_t id = *order_id;
  if (!ledger_.claim(id)) {
    stats_.add(&ConnectorStats::orders_known);
    return id;
  }
  std::string error;
  std::optional<OrderJob> job =
      parse_shopify_order(order, shop_.url().channel, fmt::format("poll-{}", id), &error);
  if (!job) {
    // Nothing a later poll could change: done, and said.
    ledger_.done(id);
    stats_.add(&ConnectorStats::malformed_webhooks);
    stats_.dead_letter(fmt::format("poll: order {}: {}", id, error));
    return id;
  }
  if (queue_.push(std::move(*job)) != JobQueue::Admit::accepted) {
    ledger_.release(id);  // the queue is full or closing: the next poll brings it again
    return id;
  }
  stats_.add(&ConnectorStats::poll_orders);
  return id;
}

}  // namespace syncdrill
