#include "mocks/http/system_concurrency.hpp"

#include <fmt/format.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "core/engine/check.hpp"

namespace syncdrill {

SystemConcurrency::SystemConcurrency(std::optional<uint32_t> limit, ConcurrencyRefusal refusal)
    : limit_(limit), refusal_(refusal) {}

bool SystemConcurrency::try_acquire() {
  if (!limit_) return true;
  uint32_t used = in_use_.load();
  do {
    if (used >= *limit_) {
      refused_.fetch_add(1);
      return false;
    }
  } while (!in_use_.compare_exchange_weak(used, used + 1));
  uint32_t seen = in_use_max_.load();
  while (used + 1 > seen && !in_use_max_.compare_exchange_weak(seen, used + 1)) {
  }
  return true;
}

void SystemConcurrency::release() {
  if (!limit_) return;
  const uint32_t before = in_use_.fetch_sub(1);
  SD_CHECK(before > 0, "a concurrency slot released twice");
}

void SystemConcurrency::reply_refused(httplib::Response& res) const {
  const uint32_t limit = limit_.value_or(0);
  nlohmann::json body;
  if (refusal_ == ConcurrencyRefusal::netsuite) {
    // NetSuite answers a RESTlet over the account's concurrency limit with 400 Bad Request and
    // the SuiteScript error code SSS_REQUEST_LIMIT_EXCEEDED; the body is SuiteScript's error
    // object (docs/platform-erp-oms.md).
    res.status = 400;
    body = {{"error",
             {{"code", "SSS_REQUEST_LIMIT_EXCEEDED"},
              {"message", fmt::format("Concurrent request limit exceeded: {} requests are already "
                                      "in progress. Retry the request later.",
                                      limit)}}}};
  } else {
    res.status = 503;
    body = {{"error", "over_concurrency_limit"},
            {"detail", fmt::format("the system serves at most {} requests at once", limit)}};
  }
  res.set_content(body.dump(), "application/json");
}

}  // namespace syncdrill
