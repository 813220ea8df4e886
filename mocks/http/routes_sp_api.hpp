// The sp-api dialect's routes (docs/dialect-sp-api.md): Orders API v0, Listings Items API
// 2021-08-01 and the channel's notification queue over a subset of SQS's JSON protocol, under
// /channels/{name}/ (standing for https://sellingpartnerapi-na.amazon.com). Internal to
// mocks/http/.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mocks/http/routes_sp_api_limits.hpp"
#include "mocks/http/server_routes.hpp"

namespace syncdrill::http {

// Every sp-api route: orders and listings (this file's .cpp) and the queue (routes_sp_api_sqs).
std::vector<Route> sp_api_routes();
std::vector<Route> sp_api_listings_routes();
std::vector<Route> sp_api_sqs_routes();

// SP-API's error body: {"errors": [{"code", "message", "details"}]}.
void sp_api_error(RouteCall& call, int status, std::string_view code, std::string_view message,
                  std::string_view details = "");
// The ErrorShaper of the SP-API routes: a fault's 429 is QuotaExceeded (no Retry-After), other
// statuses get SP-API's codes.
void sp_api_shape_error(RouteCall& call, int status, std::string_view error,
                        std::string_view detail, int64_t retry_after_s);
// What every SP-API operation does first: x-amzn-RequestId and x-amzn-RateLimit-Limit, the
// x-amz-access-token check (403 Unauthorized) and the operation's bucket (429 QuotaExceeded).
// False: answered.
bool sp_api_begin(RouteCall& call, SpApiOperation op);
// A query parameter's values: repeated keys and comma-separated lists, in order. Empty entries
// are kept (so "A,,B" can be refused).
std::vector<std::string> query_list(const httplib::Request& req, const char* name);

}  // namespace syncdrill::http
