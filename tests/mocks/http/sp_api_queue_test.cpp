// The sp-api channel's notification queue: NotificationQueue's SQS semantics in simulated time,
// and the SQS JSON-protocol route against the documented examples (ReceiveMessage's JSON example,
// SQS's JSON error shape, the ORDER_CHANGE notification schema's example).
#include <openssl/evp.h>

#include <thread>

#include <fmt/format.h>

#include "mocks/http/notification_queue.hpp"
#include "mocks/http/routes_sp_api_json.hpp"
#include "tests/mocks/http/sp_api_support.hpp"

namespace syncdrill::sp_api_test {
namespace {

constexpr const char* kQueue = "/channels/amz/sqs";

std::string md5_hex(const std::string& data) {
  unsigned char d[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), d, &n, EVP_md5(), nullptr);
  std::string out;
  for (unsigned int i = 0; i < n; ++i)
    out += fmt::format("{:02x}", d[i]);
  return out;
}

httplib::Result sqs(Served& s, const std::string& target, const std::string& body) {
  return s.client.Post(kQueue, httplib::Headers{{"X-Amz-Target", target}}, body,
                       "application/x-amz-json-1.0");
}

json receive(Served& s, const std::string& extra = "") {
  const auto r = sqs(
      s, "AmazonSQS.ReceiveMessage",
      R"({"QueueUrl": "q", "MaxNumberOfMessages": 10, "AttributeNames": ["All"])" + extra + "}");
  REQUIRE(r);
  REQUIRE(r->status == 200);
  return json::parse(r->body);
}

std::vector<std::string> sqs_error_problems(const httplib::Result& r, const std::string& type) {
  std::vector<std::string> out;
  if (r->status != 400) out.push_back("status " + std::to_string(r->status));
  const json body = json::parse(r->body, nullptr, false);
  for (const std::string& p : shape_problems(fixture("sqs_error_400.json"), body))
    out.push_back(p);
  if (out.empty() && body["__type"] != type) out.push_back("type " + body["__type"].dump());
  if (!r->has_header("x-amzn-RequestId")) out.push_back("no x-amzn-RequestId");
  return out;
}

TEST_CASE("NotificationQueue: visibility timeout, redelivery, stale and forged handles") {
  NotificationQueue q("amz");
  REQUIRE(q.enqueue("one", SimTime{0}));
  const auto got = q.receive(10, seconds(30), SimTime{0});
  REQUIRE(got.size() == 1);
  CHECK(got[0].receive_count == 1);
  CHECK(got[0].md5_of_body == md5_hex("one"));
  CHECK(q.receive(10, seconds(30), SimTime{seconds(30).us - 1}).empty());
  const auto again = q.receive(10, seconds(30), SimTime{seconds(30).us});
  REQUIRE(again.size() == 1);
  CHECK(again[0].receive_count == 2);
  CHECK(again[0].message_id == got[0].message_id);
  CHECK(again[0].receipt_handle != got[0].receipt_handle);
  // An earlier receive's handle: the delete "succeeds" but the message stays (SQS documents it).
  CHECK(q.remove(got[0].receipt_handle, SimTime{seconds(31).us}) ==
        NotificationQueue::HandleResult::stale);
  CHECK(q.stats(SimTime{seconds(31).us}).held == 1);
  std::string forged = again[0].receipt_handle;
  forged.back() = forged.back() == '0' ? '1' : '0';
  CHECK(q.remove(forged, SimTime{seconds(31).us}) == NotificationQueue::HandleResult::invalid);
  CHECK(q.remove("", SimTime{seconds(31).us}) == NotificationQueue::HandleResult::invalid);
  CHECK(q.remove("1.1", SimTime{seconds(31).us}) == NotificationQueue::HandleResult::invalid);
  CHECK(q.change_visibility(again[0].receipt_handle, seconds(100), SimTime{seconds(31).us}) ==
        NotificationQueue::HandleResult::ok);
  CHECK(q.receive(10, seconds(30), SimTime{seconds(120).us}).empty());
  CHECK(q.remove(again[0].receipt_handle, SimTime{seconds(121).us}) ==
        NotificationQueue::HandleResult::ok);
  CHECK(q.stats(SimTime{seconds(121).us}).held == 0);
  CHECK(q.remove(again[0].receipt_handle, SimTime{seconds(122).us}) ==
        NotificationQueue::HandleResult::ok);  // already gone: still ok
}

TEST_CASE("NotificationQueue: retention of 4 days, delays, and the bound") {
  NotificationQueue q("amz");
  REQUIRE(q.enqueue("old", SimTime{0}));
  REQUIRE(q.enqueue("late", SimTime{0}, seconds(60)));
  CHECK(q.receive(10, seconds(30), SimTime{seconds(59).us}).size() == 1);
  CHECK(q.receive(10, seconds(30), SimTime{seconds(60).us}).size() == 1);
  const SimTime four_days{days(4).us};
  CHECK(q.receive(10, seconds(30), SimTime{four_days.us - 1}).size() == 2);
  CHECK(q.stats(four_days).held == 0);
  CHECK(q.stats(four_days).expired == 2);
  NotificationQueue full("big");
  for (size_t i = 0; i < NotificationQueue::kMessagesMax; ++i)
    REQUIRE(full.enqueue("m", SimTime{0}));
  CHECK_FALSE(full.enqueue("one too many", SimTime{0}));
  CHECK(full.stats(SimTime{0}).refused_full == 1);
}

TEST_CASE("sp-api orders become ORDER_CHANGE notifications in the queue, not webhooks") {
  Served s;
  const uint64_t id = s.place(0, 4, 2);
  s.place(1, 4);  // the syncdrill channel still emits webhooks
  std::vector<LiveEvent> events;
  s.mocks.take_events(events);
  REQUIRE(events.size() == 1);
  CHECK(events[0].channel == 1);

  const auto r = sqs(s, "AmazonSQS.ReceiveMessage",
                     R"({"QueueUrl": "q", "MaxNumberOfMessages": 10, "AttributeNames": ["All"]})");
  REQUIRE(r->status == 200);
  CHECK(r->get_header_value("Content-Type") == "application/x-amz-json-1.0");
  CHECK(r->has_header("x-amzn-RequestId"));
  const json got = json::parse(r->body);
  CHECK(shape_problems(fixture("sqs_receive_message_200.json"), got).empty());
  REQUIRE(got["Messages"].size() == 1);
  const json& m = got["Messages"][0];
  CHECK(m["MD5OfBody"] == md5_hex(m["Body"]));
  CHECK(m["Attributes"]["ApproximateReceiveCount"] == "1");
  const json note = json::parse(m["Body"].get<std::string>());
  CHECK(shape_problems(fixture("order_change_notification.json"), note).empty());
  CHECK(note["NotificationType"] == "ORDER_CHANGE");
  const json& change = note["Payload"]["OrderChangeNotification"];
  CHECK(change["AmazonOrderId"] == "902-0000000-000000" + std::to_string(id));
  CHECK(change["Summary"]["OrderItems"][0]["SellerSKU"] == "4");
  CHECK(change["Summary"]["OrderItems"][0]["Quantity"] == 2);

  // Invisible for the default 30 s, then redelivered with the count risen.
  CHECK(receive(s).empty());
  s.advance_s(30);
  const json again = receive(s);
  REQUIRE(again["Messages"].size() == 1);
  CHECK(again["Messages"][0]["Attributes"]["ApproximateReceiveCount"] == "2");
  const auto del =
      sqs(s, "AmazonSQS.DeleteMessage",
          json{{"QueueUrl", "q"}, {"ReceiptHandle", again["Messages"][0]["ReceiptHandle"]}}.dump());
  CHECK(del->status == 200);
  s.advance_s(60);
  CHECK(receive(s).empty());
  // A status change is a second notification.
  REQUIRE(s.mocks.set_channel_status(0, id, "Shipped").emitted);
  const json shipped = receive(s, R"(, "VisibilityTimeout": 5)");
  REQUIRE(shipped["Messages"].size() == 1);
  CHECK(json::parse(
            shipped["Messages"][0]["Body"].get<std::string>())["Payload"]["OrderChangeNotification"]
                                                              ["Summary"]["OrderStatus"] ==
        "Shipped");
  s.advance_s(5);
  CHECK(receive(s)["Messages"].size() == 1);  // its own visibility timeout: 5 s
}

TEST_CASE("sp-api notification counts for the drill's report") {
  Served s;
  s.place(0, 1);
  s.place(0, 2);
  receive(s);
  const json report = sp_api_notifications_report(s.mocks);
  CHECK(report["queues"]["amz"]["enqueued"] == 2);
  CHECK(report["queues"]["amz"]["in_flight"] == 2);
  CHECK(report["queues"]["amz"]["refused_full"] == 0);
  CHECK_FALSE(report["queues"].contains("dtc"));
  CHECK(report["dropped_by_fault"] == 0);
}

TEST_CASE("sp-api queue: a long poll returns as soon as a notification arrives") {
  Served s;
  std::thread placer([&s] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    s.place(0, 1);
  });
  const auto start = std::chrono::steady_clock::now();
  const json got = receive(s, R"(, "WaitTimeSeconds": 20)");
  const auto waited = std::chrono::steady_clock::now() - start;
  placer.join();
  CHECK(got["Messages"].size() == 1);
  CHECK(waited < std::chrono::milliseconds(1500));  // well before the 2 s hold
}

TEST_CASE("sp-api queue: webhook faults act on notifications") {
  Served s;
  WebhookFaultDecision::Action action = WebhookFaultDecision::Action::drop_event;
  s.mocks.set_notification_faults([&action](const WebhookAttempt& a) {
    CHECK(a.channel == "amz");
    WebhookFaultDecision d;
    d.action = action;
    d.delay_ms = 10'000;
    return d;
  });
  s.place(0, 1);
  CHECK(receive(s).empty());
  CHECK(s.mocks.notifications_dropped() == 1);
  action = WebhookFaultDecision::Action::duplicate;
  s.place(0, 2);
  const json first = receive(s);
  REQUIRE(first["Messages"].size() == 1);  // the copy comes 10 s later
  s.advance_s(10);
  const json copy = receive(s);
  REQUIRE(copy["Messages"].size() == 1);
  const auto id = [](const json& r) {
    return json::parse(
        r["Messages"][0]["Body"].get<std::string>())["NotificationMetadata"]["NotificationId"];
  };
  CHECK(id(first) == id(copy));  // the same notification twice: a consumer must dedupe
  CHECK(first["Messages"][0]["MessageId"] != copy["Messages"][0]["MessageId"]);
  action = WebhookFaultDecision::Action::delay;
  s.place(0, 3);
  s.advance_s(9.9);
  CHECK(receive(s).empty());
  s.advance_s(0.1);
  CHECK(receive(s)["Messages"].size() == 1);
}

TEST_CASE("sp-api queue refuses hostile requests in SQS's error shape") {
  Served s;
  CHECK(sqs_error_problems(sqs(s, "AmazonSQS.PurgeQueue", "{}"),
                           "com.amazon.coral.service#UnknownOperationException")
            .empty());
  CHECK(sqs_error_problems(sqs(s, "", "{}"), "com.amazon.coral.service#UnknownOperationException")
            .empty());
  CHECK(sqs_error_problems(sqs(s, "AmazonSQS.ReceiveMessage", "{nope"),
                           "com.amazon.coral.service#SerializationException")
            .empty());
  CHECK(sqs_error_problems(
            s.client.Post(kQueue, httplib::Headers{{"X-Amz-Target", "AmazonSQS.ReceiveMessage"}},
                          "{}", "application/json"),
            "com.amazon.coral.service#SerializationException")
            .empty());
  for (const char* b : {R"({"MaxNumberOfMessages": 11})", R"({"MaxNumberOfMessages": 0})",
                        R"({"MaxNumberOfMessages": "ten"})", R"({"VisibilityTimeout": 43201})",
                        R"({"VisibilityTimeout": -1})", R"({"WaitTimeSeconds": 21})",
                        R"({"MaxNumberOfMessages": 18446744073709551615})"}) {
    CAPTURE(b);
    CHECK(sqs_error_problems(sqs(s, "AmazonSQS.ReceiveMessage", b),
                             "com.amazonaws.sqs#InvalidParameterValue")
              .empty());
  }
  CHECK(sqs_error_problems(sqs(s, "AmazonSQS.DeleteMessage", R"({"ReceiptHandle": "AQEBforged"})"),
                           "com.amazonaws.sqs#ReceiptHandleIsInvalid")
            .empty());
  CHECK(sqs_error_problems(sqs(s, "AmazonSQS.DeleteMessage", "{}"),
                           "com.amazonaws.sqs#MissingParameter")
            .empty());
  CHECK(sqs_error_problems(
            sqs(s, "AmazonSQS.ChangeMessageVisibility",
                R"({"ReceiptHandle": "0.1.0000000000000000", "VisibilityTimeout": 3})"),
            "com.amazonaws.sqs#ReceiptHandleIsInvalid")
            .empty());
  CHECK(sqs(s, "AmazonSQS.ReceiveMessage", std::string(70'000, ' '))->status == 413);
  // The endpoint with a trailing slash, as an SDK joins it.
  CHECK(s.client
            .Post("/channels/amz/sqs/",
                  httplib::Headers{{"X-Amz-Target", "AmazonSQS.ReceiveMessage"}}, "{}",
                  "application/x-amz-json-1.0")
            ->status == 200);
  // The queue is the sp-api channel's: none on a syncdrill channel.
  CHECK(s.client
            .Post("/channels/dtc/sqs",
                  httplib::Headers{{"X-Amz-Target", "AmazonSQS.ReceiveMessage"}}, "{}",
                  "application/x-amz-json-1.0")
            ->status == 404);
  // The checks themselves fail on a wrong answer.
  CHECK_FALSE(sqs_error_problems(sqs(s, "AmazonSQS.ReceiveMessage", "{}"),
                                 "com.amazonaws.sqs#InvalidParameterValue")
                  .empty());
}

}  // namespace
}  // namespace syncdrill::sp_api_test
