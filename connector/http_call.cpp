#include "connector/http_call.hpp"

#include <charconv>

#include <fmt/format.h>
#include <httplib.h>

#include "core/engine/check.hpp"

namespace syncdrill {

ReplyClass classify(const HttpReply& reply) {
  if (reply.status >= 200 && reply.status < 300) return ReplyClass::success;
  if (reply.status == 0 || reply.status == 408 || reply.status == 429 || reply.status >= 500) {
    return ReplyClass::retryable;
  }
  return ReplyClass::permanent;
}

std::optional<int64_t> parse_retry_after_s(std::string_view header) {
  int64_t seconds = 0;
  const char* end = header.data() + header.size();
  const auto [ptr, ec] = std::from_chars(header.data(), end, seconds);
  if (header.empty() || ec != std::errc{} || ptr != end || seconds < 0) return std::nullopt;
  return seconds;
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
    reply.retry_after_s = parse_retry_after_s(r->get_header_value("Retry-After"));
  }
  return reply;
}

std::string describe(const HttpReply& reply) {
  if (reply.status == 0) return reply.error.empty() ? std::string("no answer") : reply.error;
  return fmt::format("{}", reply.status);
}

}  // namespace syncdrill
