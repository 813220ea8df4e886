#include "connector/http_call.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <httplib.h>

#include "core/engine/check.hpp"
#include "mocks/http/retry_after.hpp"

namespace syncdrill {

bool is_request_limited(const HttpReply& reply) {
  return reply.status == 400 && reply.body.find("SSS_REQUEST_LIMIT_EXCEEDED") != std::string::npos;
}

ReplyClass classify(const HttpReply& reply, bool retry_request_limited) {
  if (reply.status >= 200 && reply.status < 300) return ReplyClass::success;
  if (reply.status == 0 || reply.status == 408 || reply.status == 429 || reply.status >= 500) {
    return ReplyClass::retryable;
  }
  if (retry_request_limited && is_request_limited(reply)) return ReplyClass::retryable;
  return ReplyClass::permanent;
}

std::optional<std::chrono::microseconds> parse_retry_after(std::string_view header) {
  return http::parse_retry_after_us(header, 9);  // up to 10^9 s
}

HttpReply send_request(httplib::Client& client, const HttpRequest& request,
                       std::chrono::microseconds timeout) {
  SD_CHECK(timeout.count() > 0, "an attempt needs a positive timeout");
  const auto sec = static_cast<time_t>(timeout.count() / 1'000'000);
  const auto usec = static_cast<time_t>(timeout.count() % 1'000'000);
  client.set_connection_timeout(sec, usec);
  client.set_read_timeout(sec, usec);
  client.set_write_timeout(sec, usec);
  httplib::Headers headers{{"User-Agent", "syncdrill-reference-connector"}};
  if (!request.idempotency_key.empty()) {
    headers.emplace("Idempotency-Key", request.idempotency_key);
  }
  for (const auto& [name, value] : request.headers)
    headers.emplace(name, value);
  const httplib::Result r =
      request.method == HttpRequest::Method::get
          ? client.Get(request.path, headers)
          : client.Post(request.path, headers, request.body, "application/json");
  HttpReply reply;
  if (!r) {
    reply.error = httplib::to_string(r.error());
    return reply;
  }
  reply.status = r->status;
  reply.body = r->body;
  if (r->has_header("Retry-After")) {
    reply.retry_after = parse_retry_after(r->get_header_value("Retry-After"));
  }
  reply.link = r->get_header_value("Link");
  reply.call_limit = r->get_header_value("X-Shopify-Shop-Api-Call-Limit");
  return reply;
}

std::string describe(const HttpReply& reply) {
  if (reply.status == 0) return reply.error.empty() ? std::string("no answer") : reply.error;
  return fmt::format("{}", reply.status);
}

}  // namespace syncdrill
