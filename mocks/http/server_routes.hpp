// The route table of MockServer and the JSON helpers its handlers share. Internal to
// mocks/http/: handlers translate HTTP + JSON to LiveMocks calls and back, nothing more.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "mocks/http/live_mocks.hpp"

namespace syncdrill::http {

// options: no route takes it (OPTIONS on a known path answers 405 with Allow).
enum class Method : uint8_t { get, post, put, patch, del, options };
std::string_view to_string(Method m);

enum class RouteSystem : uint8_t { channel, erp, oms, wms };

// One routed request. params: the path's {placeholders}, in order.
struct RouteCall {
  const httplib::Request& req;
  httplib::Response& res;
  LiveMocks& mocks;
  std::array<std::string_view, 3> params{};
  uint32_t channel = 0;             // channel routes: the index of params[0]
  std::string_view access_token{};  // MockServerOptions::access_token (dialect routes check it)
};

using RouteHandler = void (*)(RouteCall&);
// Answers an error the handler did not make (a fault's injected answer, a handler that threw) in
// the route's own error shape. retry_after_ms > 0: the fault asked for a Retry-After of that
// many wall milliseconds; a dialect whose platform sends none leaves it out.
using ErrorShaper = void (*)(RouteCall&, int status, std::string_view error,
                             std::string_view detail, int64_t retry_after_ms);

// A route. `pattern` segments are literal text or a {placeholder}, which may carry a literal
// suffix ("{id}.json" matches "450789469.json" and passes "450789469").
//
// Routes of a dialect other than syncdrill (a platform's own API, docs/platforms.md) answer only
// for channels of that dialect (404 for the others); they do their own rate limiting (the
// dispatcher's channel limiter and its headers apply to syncdrill routes only), and their
// shape_error words the errors the dispatcher answers for them.
struct Route {
  Method method;
  std::string_view pattern;  // "/channels/{name}/inventory/{sku}"
  RouteSystem system;
  RouteHandler handler;
  LiveDialect dialect = LiveDialect::syncdrill;
  ErrorShaper shape_error = nullptr;  // nullptr: {"error", "detail"} (reply_error)
  // Takes an Idempotency-Key: with the OMS's stripe style the dispatcher keeps the key in flight
  // from dispatch start to the answer and answers a second request with it 409 meanwhile.
  bool keyed = false;
};

// Every route, channels first.
std::vector<Route> all_routes();
std::vector<Route> channel_routes();
std::vector<Route> system_routes();

// ---- JSON helpers --------------------------------------------------------------------------

void reply_json(httplib::Response& res, int status, const nlohmann::json& body);
// {"error": error, "detail": detail}
void reply_error(httplib::Response& res, int status, std::string_view error,
                 std::string_view detail);
// The HTTP status for a mock's answer: none 200, not_found 404, conflict 409, rejected 422,
// rate_limited 429, server_error 500, unavailable / queue_full 503, timeout 504.
int http_status(ErrorClass e);
// reply_error with http_status(e) and to_string(e).
void reply_mock_error(httplib::Response& res, ErrorClass e, std::string_view detail);

// Whether a Content-Type names JSON: application/json or application/*+json, any case, any
// parameters (charset=utf-8).
bool is_json_media_type(std::string_view content_type);
// The request body as a JSON object; on failure answers 400 (malformed_json), or 415
// (unsupported_media_type) when its Content-Type names another format, and returns nullopt.
std::optional<nlohmann::json> read_body(RouteCall& call);
// A field of `body` as an integer in [min, max]; on failure answers 400 (invalid_field).
std::optional<int64_t> read_int(RouteCall& call, const nlohmann::json& body, const char* field,
                                int64_t min, int64_t max);
std::optional<std::string> read_string(RouteCall& call, const nlohmann::json& body,
                                       const char* field);
// A path parameter as an integer in [0, max]; on failure answers 404 (not_found): an id that
// cannot exist names no resource.
std::optional<uint64_t> read_id(RouteCall& call, std::string_view text, uint64_t max,
                                std::string_view what);

// Bounds on client numbers, so no sum in the mocks can overflow.
inline constexpr int64_t kAmountMinorMax = 1'000'000'000'000;  // 10^10 in major units
inline constexpr int64_t kQuantityMax = 1'000'000;
inline constexpr int64_t kDeltaMax = 4'294'967'295;  // a listing is 32 bits

}  // namespace syncdrill::http
