// Fuzz target: the control API's fault body (mocks/http/control_api.hpp, parse_fault_spec) on
// arbitrary bytes, as POST /_drill/faults reads it.
//
// The input is the request body. It is parsed as the route parses it (nlohmann::json without
// exceptions); a JSON body goes through parse_fault_spec, and a spec it accepts into a fault table
// (LiveFaults::add, which validates further), which is then listed and asked about requests and
// webhook deliveries to each of the fault's targets while a manual clock runs past the fault's
// window. Checks: a refusal names a field the body has (or none); no crash, exception or
// sanitizer report anywhere.
#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

#include "fuzz_support.hpp"
#include "mocks/http/control_api.hpp"
#include "mocks/http/live_faults.hpp"

using namespace syncdrill;

namespace {

// The fault table's questions for one target: "dtc" as a request target, "shop/orders/create" as
// a webhook channel and topic too.
void ask(LiveFaults& faults, const std::string& target) {
  (void)faults.for_request(target);
  const size_t slash = target.find('/');
  if (slash == std::string::npos) return;
  const std::string channel = target.substr(0, slash);
  const std::string topic = target.substr(slash + 1);
  for (const bool delayed : {false, true}) {
    (void)faults.for_webhook(WebhookAttempt{channel, topic, delayed, !delayed});
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const nlohmann::json body =
      nlohmann::json::parse(fuzz::as_text(data, size), nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) return 0;
  auto parsed = parse_fault_spec(body);
  if (const auto* error = std::get_if<LiveFaultError>(&parsed)) {
    FUZZ_ASSERT(!error->message.empty());
    FUZZ_ASSERT(error->field.empty() || !body.is_object() || body.contains(error->field) ||
                error->field == "target" || error->field == "kind");  // the required ones
    return 0;
  }
  const LiveFaultSpec spec = std::get<LiveFaultSpec>(std::move(parsed));
  int64_t now_us = 1'000'000;
  LiveFaults faults(LiveFaults::Options{}, [&now_us] { return now_us; });
  const LiveFaultAdded added = faults.add(spec);
  if (added.error) return 0;
  FUZZ_ASSERT(!added.id.empty());
  // Through the fault's window and past it (a day at most, in steps of a quarter of it).
  const int64_t window_us = spec.duration_ms.value_or(60'000) * 1000;
  for (int step = 0; step <= 5; ++step) {
    for (const std::string& target : spec.targets)
      ask(faults, target);
    ask(faults, "dtc");
    for (const LiveFaultView& v : faults.list())
      (void)to_json(v).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    now_us += window_us / 4 + 1;
  }
  FUZZ_ASSERT(faults.remove(added.id));
  FUZZ_ASSERT(faults.reset() == 0);
  return 0;
}
