#include "connector/order_event.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace syncdrill {

namespace {

using nlohmann::json;

std::string read_text(const json& object, const char* key, std::string_view fallback) {
  const auto it = object.find(key);
  if (it != object.end() && it->is_string()) return it->get<std::string>();
  return std::string(fallback);
}

bool fail(std::string* error, std::string message) {
  if (error != nullptr) *error = std::move(message);
  return false;
}

std::nullopt_t no_job(std::string* error, std::string message) {
  fail(error, std::move(message));
  return std::nullopt;
}

bool read_lines(const json& order, OrderJob& job, std::string* error) {
  const auto lines = order.find("lines");
  if (lines == order.end() || !lines->is_array() || lines->empty() ||
      lines->size() > kOrderLinesMax) {
    return fail(error, "order.lines: expected an array of 1 to 1000 lines");
  }
  for (const json& line : *lines) {
    if (!line.is_object()) return fail(error, "order.lines: each line is an object");
    const auto sku = read_count(line, "sku");
    const auto quantity = read_count(line, "quantity");
    const auto price = read_count(line, "unit_price_minor");
    if (!sku || !quantity || *quantity == 0 || !price) {
      return fail(error, "order.lines: each line needs sku, quantity >= 1 and unit_price_minor");
    }
    job.lines.push_back(OrderJobLine{*sku, *quantity, static_cast<int64_t>(*price)});
  }
  return true;
}

}  // namespace

std::optional<uint64_t> read_count(const json& object, const char* key) {
  if (!object.is_object()) return std::nullopt;
  const auto it = object.find(key);
  if (it == object.end() || !it->is_number_integer()) return std::nullopt;
  if (it->is_number_unsigned()) return it->get<uint64_t>();
  const int64_t v = it->get<int64_t>();
  if (v < 0) return std::nullopt;
  return static_cast<uint64_t>(v);
}

std::optional<OrderJob> parse_order_event(const json& body, std::string_view channel_header,
                                          std::string_view event_id_header, std::string* error) {
  if (!body.is_object()) return no_job(error, "the body is not a JSON object");
  OrderJob job;
  job.event_id = read_text(body, "event_id", event_id_header);
  job.channel = read_text(body, "channel", channel_header);
  if (job.event_id.empty()) return no_job(error, "event_id: missing");
  if (job.channel.empty()) return no_job(error, "channel: missing");
  const auto order = body.find("order");
  if (order == body.end() || !order->is_object()) {
    return no_job(error, "order: expected an object");
  }
  const auto id = read_count(*order, "id");
  if (!id) return no_job(error, "order.id: expected an integer >= 0");
  job.order_id = *id;
  if (!read_lines(*order, job, error)) return std::nullopt;
  return job;
}

std::string oms_create_body(const OrderJob& job) {
  json lines = json::array();
  for (const OrderJobLine& l : job.lines) {
    lines.push_back(
        {{"sku", l.sku}, {"quantity", l.quantity}, {"unit_price_minor", l.unit_price_minor}});
  }
  return json{{"channel", job.channel},
              {"channel_order", job.channel_order.value_or(job.order_id)},
              {"lines", lines}}
      .dump();
}

std::string idempotency_key(const OrderJob& job) {
  return (job.key_prefix.empty() ? job.channel : job.key_prefix) + "-" +
         std::to_string(job.order_id);
}

std::vector<uint64_t> order_skus(const OrderJob& job) {
  std::vector<uint64_t> skus;
  skus.reserve(job.lines.size());
  for (const OrderJobLine& l : job.lines)
    skus.push_back(l.sku);
  std::sort(skus.begin(), skus.end());
  skus.erase(std::unique(skus.begin(), skus.end()), skus.end());
  return skus;
}

}  // namespace syncdrill
