// The sp-api channel's notification queue over a subset of Amazon SQS's JSON protocol:
// POST /channels/{name}/sqs with X-Amz-Target AmazonSQS.ReceiveMessage, AmazonSQS.DeleteMessage
// or AmazonSQS.ChangeMessageVisibility and an application/x-amz-json-1.0 body.
#include <atomic>
#include <chrono>

#include <fmt/format.h>

#include "mocks/http/notification_queue.hpp"
#include "mocks/http/routes_sp_api.hpp"

namespace syncdrill::http {

namespace {

using nlohmann::json;

constexpr std::string_view kJsonType = "application/x-amz-json-1.0";
constexpr int64_t kWaitTimeSecondsMax = 20;        // SQS's long-poll ceiling
constexpr int64_t kVisibilitySecondsMax = 43'200;  // 12 hours
// A long poll holds a server worker: at most this long on the wall clock, and at most this
// many at once (beyond that a receive answers at once, as a short poll).
constexpr auto kLongPollWallMax = std::chrono::seconds(2);
constexpr int kLongPollsMax = 8;
constexpr auto kLongPollSlice = std::chrono::milliseconds(50);

std::atomic<uint64_t> g_sqs_request_seq{0};
std::atomic<int> g_long_polls{0};

std::string sqs_request_id() {
  const uint64_t n = g_sqs_request_seq.fetch_add(1) + 1;
  return fmt::format("{:08x}-{:04x}-5{:03x}-a{:03x}-{:012x}", 0x5d5a5100u, 0, (n >> 48) & 0xfff,
                     (n >> 36) & 0xfff, n & 0xffffffffffff);
}

void sqs_reply(RouteCall& call, int status, const json& body) {
  call.res.status = status;
  call.res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace),
                       std::string(kJsonType));
}

// SQS's JSON error: {"__type": "com.amazonaws.sqs#NAME", "message"} and x-amzn-query-error.
void sqs_error(RouteCall& call, int status, std::string_view type, std::string_view query_code,
               std::string_view message) {
  if (!call.res.has_header("x-amzn-RequestId"))
    call.res.set_header("x-amzn-RequestId", sqs_request_id());
  call.res.set_header("x-amzn-query-error",
                      fmt::format("{};{}", query_code, status >= 500 ? "Receiver" : "Sender"));
  sqs_reply(call, status, {{"__type", type}, {"message", message}});
}

void sqs_shape_error(RouteCall& call, int status, std::string_view, std::string_view detail,
                     int64_t) {
  if (status == 429 || status == 403) {
    return sqs_error(call, 400, "com.amazonaws.sqs#RequestThrottled", "RequestThrottled",
                     "The request was denied due to request throttling.");
  }
  if (status >= 500) {
    return sqs_error(call, status, "com.amazonaws.sqs#ServiceUnavailable", "ServiceUnavailable",
                     detail);
  }
  sqs_error(call, status, "com.amazonaws.sqs#InvalidParameterValue", "InvalidParameterValue",
            detail);
}

void invalid_parameter(RouteCall& call, std::string_view message) {
  sqs_error(call, 400, "com.amazonaws.sqs#InvalidParameterValue", "InvalidParameterValue", message);
}

// An optional integer field in [min, max]; false: answered.
bool read_seconds(RouteCall& call, const json& body, const char* field, int64_t min, int64_t max,
                  std::optional<int64_t>& out) {
  const auto it = body.find(field);
  if (it == body.end()) return true;
  if (!it->is_number_integer() || it->get<int64_t>() < min || it->get<int64_t>() > max ||
      (it->is_number_unsigned() && it->get<uint64_t>() > static_cast<uint64_t>(max))) {
    invalid_parameter(call, fmt::format("Value for parameter {} is invalid. Reason: must be "
                                        "between {} and {}.",
                                        field, min, max));
    return false;
  }
  out = it->get<int64_t>();
  return true;
}

// The message attributes asked for (AttributeNames or MessageSystemAttributeNames; "All").
json attributes(const json& body, const ReceivedMessage& m, const LiveClock& clock) {
  json out = json::object();
  const auto ms = [&](SimTime t) {
    return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                              clock.to_calendar(t).time_since_epoch())
                              .count());
  };
  for (const char* list : {"AttributeNames", "MessageSystemAttributeNames"}) {
    const auto it = body.find(list);
    if (it == body.end() || !it->is_array()) continue;
    for (const json& name : *it) {
      if (!name.is_string()) continue;
      const bool all = name == "All";
      if (all || name == "ApproximateReceiveCount") {
        out["ApproximateReceiveCount"] = std::to_string(m.receive_count);
      }
      if (all || name == "SentTimestamp") out["SentTimestamp"] = ms(m.sent_at);
      if (all || name == "ApproximateFirstReceiveTimestamp") {
        out["ApproximateFirstReceiveTimestamp"] = ms(m.first_received_at);
      }
      if (all || name == "SenderId") out["SenderId"] = "AIDASYNCDRILLSPAPI";
    }
  }
  return out;
}

void receive_message(RouteCall& call, NotificationQueue& queue, const json& body) {
  std::optional<int64_t> max, visibility, wait;
  if (!read_seconds(call, body, "MaxNumberOfMessages", 1, NotificationQueue::kReceiveMax, max) ||
      !read_seconds(call, body, "VisibilityTimeout", 0, kVisibilitySecondsMax, visibility) ||
      !read_seconds(call, body, "WaitTimeSeconds", 0, kWaitTimeSecondsMax, wait)) {
    return;
  }
  const LiveClock& clock = call.mocks.clock();
  const Duration hidden =
      visibility ? seconds(*visibility) : NotificationQueue::kVisibilityTimeoutDefault;
  const auto deadline = std::chrono::steady_clock::now() +
                        std::min<std::chrono::nanoseconds>(clock.to_wall(seconds(wait.value_or(0))),
                                                           kLongPollWallMax);
  const bool may_wait = wait.value_or(0) > 0 && g_long_polls.fetch_add(1) < kLongPollsMax;
  std::vector<ReceivedMessage> got;
  while (true) {
    got = queue.receive(static_cast<uint32_t>(max.value_or(1)), hidden, clock.now());
    const auto now = std::chrono::steady_clock::now();
    if (!got.empty() || !may_wait || now >= deadline) break;
    queue.wait_for_message(std::min<std::chrono::nanoseconds>(deadline - now, kLongPollSlice));
  }
  if (wait.value_or(0) > 0) g_long_polls.fetch_sub(1);
  json messages = json::array();
  for (const ReceivedMessage& m : got) {
    messages.push_back({{"MessageId", m.message_id},
                        {"ReceiptHandle", m.receipt_handle},
                        {"MD5OfBody", m.md5_of_body},
                        {"Body", m.body},
                        {"Attributes", attributes(body, m, clock)}});
  }
  // An empty receive answers {} (SQS leaves Messages out when there is none).
  sqs_reply(call, 200, got.empty() ? json::object() : json{{"Messages", std::move(messages)}});
}

std::optional<std::string> read_handle(RouteCall& call, const json& body) {
  const auto it = body.find("ReceiptHandle");
  if (it == body.end() || !it->is_string()) {
    sqs_error(call, 400, "com.amazonaws.sqs#MissingParameter", "MissingParameter",
              "The request must contain the parameter ReceiptHandle.");
    return std::nullopt;
  }
  return it->get<std::string>();
}

void handle_result(RouteCall& call, NotificationQueue::HandleResult r) {
  using R = NotificationQueue::HandleResult;
  if (r == R::invalid) {
    return sqs_error(call, 400, "com.amazonaws.sqs#ReceiptHandleIsInvalid",
                     "ReceiptHandleIsInvalid", "The specified receipt handle isn't valid.");
  }
  if (r == R::not_in_flight) {
    return sqs_error(call, 400, "com.amazonaws.sqs#MessageNotInflight", "MessageNotInflight",
                     "The specified message isn't in flight.");
  }
  sqs_reply(call, 200, json::object());  // ok, and stale (the message stays: documented)
}

void sqs(RouteCall& call) {
  call.res.set_header("x-amzn-RequestId", sqs_request_id());
  NotificationQueue* queue = call.mocks.notification_queue(call.channel);
  if (queue == nullptr) {  // the route is sp-api only, so this does not happen
    return sqs_error(call, 400, "com.amazonaws.sqs#QueueDoesNotExist", "NonExistentQueue",
                     "The specified queue does not exist.");
  }
  const std::string type = call.req.get_header_value("Content-Type");
  if (type.substr(0, type.find(';')) != kJsonType) {
    return sqs_error(call, 400, "com.amazon.coral.service#SerializationException",
                     "SerializationException",
                     "Content-Type must be application/x-amz-json-1.0 (SQS's JSON protocol)");
  }
  const json body = json::parse(call.req.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object()) {
    return sqs_error(call, 400, "com.amazon.coral.service#SerializationException",
                     "SerializationException", "The request body is not a JSON object.");
  }
  const std::string target = call.req.get_header_value("X-Amz-Target");
  if (target == "AmazonSQS.ReceiveMessage") return receive_message(call, *queue, body);
  if (target == "AmazonSQS.DeleteMessage") {
    const auto handle = read_handle(call, body);
    if (!handle) return;
    return handle_result(call, queue->remove(*handle, call.mocks.clock().now()));
  }
  if (target == "AmazonSQS.ChangeMessageVisibility") {
    const auto handle = read_handle(call, body);
    if (!handle) return;
    std::optional<int64_t> visibility;
    if (!read_seconds(call, body, "VisibilityTimeout", 0, kVisibilitySecondsMax, visibility))
      return;
    if (!visibility) {
      return sqs_error(call, 400, "com.amazonaws.sqs#MissingParameter", "MissingParameter",
                       "The request must contain the parameter VisibilityTimeout.");
    }
    return handle_result(
        call, queue->change_visibility(*handle, seconds(*visibility), call.mocks.clock().now()));
  }
  sqs_error(call, 400, "com.amazon.coral.service#UnknownOperationException",
            "UnknownOperationException",
            fmt::format("Unknown operation '{}'", target.substr(0, 64)));
}

}  // namespace

std::vector<Route> sp_api_sqs_routes() {
  // With and without a trailing slash: an SDK given the queue's URL as its endpoint posts to
  // the endpoint's path joined with "/".
  return {{Method::post, "/channels/{name}/sqs", RouteSystem::channel, sqs, LiveDialect::sp_api,
           sqs_shape_error},
          {Method::post, "/channels/{name}/sqs/", RouteSystem::channel, sqs, LiveDialect::sp_api,
           sqs_shape_error}};
}

}  // namespace syncdrill::http
