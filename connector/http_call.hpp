// One HTTP request of the connector and how its answer counts for the retry policy.
//
// The connector speaks JSON to the drill's mocks (docs/live-api.md). What it needs from an answer
// is small: the status (0 when none came: refused, reset, timed out), the body, the Retry-After
// header in WALL time (the live API sends it scaled already), and for the Shopify dialect the
// Link and X-Shopify-Shop-Api-Call-Limit headers.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace httplib {
class Client;
}

namespace syncdrill {

struct HttpRequest {
  enum class Method : uint8_t { get, post };
  Method method = Method::get;
  std::string path;                                          // "/oms/orders"
  std::string body;                                          // JSON; post only
  std::string idempotency_key;                               // empty = no Idempotency-Key header
  std::vector<std::pair<std::string, std::string>> headers;  // more headers (an access token)
};

struct HttpReply {
  int status = 0;  // 0: no answer (see error)
  std::string body;
  std::optional<std::chrono::microseconds> retry_after;  // the Retry-After header, wall time
  std::string link;        // the Link header (Shopify's cursor pagination); empty = none
  std::string call_limit;  // X-Shopify-Shop-Api-Call-Limit ("32/40"); empty = none
  std::string error;       // no answer: why ("Read timeout", "Connection", ...)
};

enum class ReplyClass : uint8_t {
  success,    // 2xx
  retryable,  // no answer, 408, 429, 5xx, or NetSuite's request-limit 400: may succeed later
  permanent,  // any other status: retrying the same request cannot help (dead letter)
};

// NetSuite's refusal over the account's concurrency limit: 400 with SSS_REQUEST_LIMIT_EXCEEDED
// in the body (docs/platform-erp-oms.md). A 400 that says "try again later".
bool is_request_limited(const HttpReply& reply);

// `retry_request_limited` (the policy's key, default true): whether a request-limit 400 is
// retryable; false takes it as the permanent 4xx it looks like (the classic connector trap).
ReplyClass classify(const HttpReply& reply, bool retry_request_limited);

// A Retry-After value in seconds: whole ("3", RFC 9110's delay-seconds) or decimal ("2.0", as
// Shopify's REST Admin API sends it), rounded UP to a microsecond so a wait never falls short.
// nullopt for anything else (HTTP dates included: the drill never sends them, and a date off by
// clock skew would be worse than the backoff), and for more than 10^9 seconds.
std::optional<std::chrono::microseconds> parse_retry_after(std::string_view header);

// Sends `request` with `timeout` for connecting, and for each read and write.
// REQUIRES: timeout > 0.
HttpReply send_request(httplib::Client& client, const HttpRequest& request,
                       std::chrono::microseconds timeout);

// "503", or why no answer came ("Read timeout"): for dead-letter reasons.
std::string describe(const HttpReply& reply);

}  // namespace syncdrill
