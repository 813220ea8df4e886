#include "sim/world/telemetry.hpp"

namespace syncdrill {

std::string_view to_string(TelemetryKind k) {
  switch (k) {
    case TelemetryKind::request:
      return "request";
    case TelemetryKind::webhook:
      return "webhook";
  }
  return "unknown";
}

std::string_view to_string(DeliveryResult r) {
  switch (r) {
    case DeliveryResult::delivered:
      return "delivered";
    case DeliveryResult::deduped:
      return "deduped";
    case DeliveryResult::refused:
      return "refused";
    case DeliveryResult::dropped:
      return "dropped";
    case DeliveryResult::duplicated:
      return "duplicated";
    case DeliveryResult::delayed:
      return "delayed";
    case DeliveryResult::nobody_listens:
      return "nobody_listens";
  }
  return "unknown";
}

}  // namespace syncdrill
