// The webhook receiver's JSON answers, shared by the syncdrill and Shopify deliveries.
#pragma once

#include <string_view>

#include <httplib.h>
#include <nlohmann/json.hpp>

namespace syncdrill {

inline void webhook_reply(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

// {"error": kind, "detail": detail}
inline void webhook_reply_error(httplib::Response& res, int status, std::string_view kind,
                                std::string_view detail) {
  webhook_reply(res, status, nlohmann::json{{"error", kind}, {"detail", detail}});
}

}  // namespace syncdrill
