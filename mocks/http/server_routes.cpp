// The route table and the JSON helpers of the handlers.
#include "mocks/http/server_routes.hpp"

#include "mocks/http/routes_shopify.hpp"
#include "mocks/http/routes_sp_api.hpp"

#include <cctype>
#include <charconv>

namespace syncdrill::http {

using nlohmann::json;

std::string_view to_string(Method m) {
  switch (m) {
    case Method::get:
      return "GET";
    case Method::post:
      return "POST";
    case Method::put:
      return "PUT";
    case Method::patch:
      return "PATCH";
    case Method::del:
      return "DELETE";
    case Method::options:
      return "OPTIONS";
  }
  return "GET";
}

std::vector<Route> all_routes() {
  std::vector<Route> routes = channel_routes();
  for (const Route& r : sp_api_routes())
    routes.push_back(r);  // SPAPI-LIVE
  const std::vector<Route> systems = system_routes();
  routes.insert(routes.end(), systems.begin(), systems.end());
  const std::vector<Route> shopify = shopify_routes();  // SHOPIFY-LIVE
  routes.insert(routes.end(), shopify.begin(), shopify.end());
  return routes;
}

void reply_json(httplib::Response& res, int status, const json& body) {
  res.status = status;
  // Replacing invalid UTF-8 (echoed client strings) instead of throwing: an answer is always sent.
  res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace), "application/json");
}

void reply_error(httplib::Response& res, int status, std::string_view error,
                 std::string_view detail) {
  reply_json(res, status, json{{"error", error}, {"detail", detail}});
}

int http_status(ErrorClass e) {
  switch (e) {
    case ErrorClass::none:
      return 200;
    case ErrorClass::timeout:
      return 504;
    case ErrorClass::rate_limited:
      return 429;
    case ErrorClass::server_error:
      return 500;
    case ErrorClass::unavailable:
    case ErrorClass::queue_full:
      return 503;
    case ErrorClass::conflict:
      return 409;
    case ErrorClass::rejected:
      return 422;
    case ErrorClass::request_limited:
      return 400;
    case ErrorClass::not_found:
      return 404;
  }
  return 500;
}

void reply_mock_error(httplib::Response& res, ErrorClass e, std::string_view detail) {
  reply_error(res, http_status(e), to_string(e), detail);
}

bool is_json_media_type(std::string_view content_type) {
  std::string type(content_type.substr(0, content_type.find(';')));
  type.erase(0, type.find_first_not_of(" \t"));
  type.erase(type.find_last_not_of(" \t") + 1);
  for (char& c : type)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const std::string_view t = type;
  return t == "application/json" ||
         (t.rfind("application/", 0) == 0 && t.size() > 17 && t.substr(t.size() - 5) == "+json");
}

std::optional<json> read_body(RouteCall& call) {
  // No Content-Type: taken as JSON. Another format named: refused, not guessed at.
  if (call.req.has_header("Content-Type") &&
      !is_json_media_type(call.req.get_header_value("Content-Type"))) {
    reply_error(call.res, 415, "unsupported_media_type",
                "the request body must be JSON (Content-Type: application/json), not " +
                    call.req.get_header_value("Content-Type"));
    return std::nullopt;
  }
  json body = json::parse(call.req.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) {
    reply_error(call.res, 400, "malformed_json", "the request body is not valid JSON");
    return std::nullopt;
  }
  if (!body.is_object()) {
    reply_error(call.res, 400, "malformed_json", "the request body must be a JSON object");
    return std::nullopt;
  }
  return body;
}

std::optional<int64_t> read_int(RouteCall& call, const json& body, const char* field, int64_t min,
                                int64_t max) {
  const auto it = body.find(field);
  bool ok = it != body.end() && it->is_number_integer();
  int64_t value = 0;
  if (ok && it->is_number_unsigned()) {
    const uint64_t u = it->get<uint64_t>();
    ok = u <= static_cast<uint64_t>(INT64_MAX);
    value = static_cast<int64_t>(u);
  } else if (ok) {
    value = it->get<int64_t>();
  }
  if (!ok || value < min || value > max) {
    reply_error(call.res, 400, "invalid_field",
                std::string(field) + ": expected an integer in [" + std::to_string(min) + ", " +
                    std::to_string(max) + "]");
    return std::nullopt;
  }
  return value;
}

std::optional<std::string> read_string(RouteCall& call, const json& body, const char* field) {
  const auto it = body.find(field);
  if (it == body.end() || !it->is_string()) {
    reply_error(call.res, 400, "invalid_field", std::string(field) + ": expected a string");
    return std::nullopt;
  }
  return it->get<std::string>();
}

std::optional<uint64_t> read_id(RouteCall& call, std::string_view text, uint64_t max,
                                std::string_view what) {
  uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value > max) {
    reply_error(call.res, 404, "not_found",
                "no " + std::string(what) + " '" + std::string(text) + "'");
    return std::nullopt;
  }
  return value;
}

}  // namespace syncdrill::http
