// OrderJob parsing, the OMS body built from it, and the JobQueue's admission: pure functions and
// one in-process queue, no sockets.
#include "connector/order_event.hpp"

#include <string>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "connector/http_call.hpp"
#include "connector/job_queue.hpp"

namespace syncdrill {
namespace {

using nlohmann::json;

json order_body() {
  return json::parse(R"({"event_id": "dtc-17", "topic": "orders/create", "channel": "dtc",
    "created_at": "2026-11-28T00:50:15.123Z",
    "order": {"id": 12, "status": "paid", "amount_minor": 4599,
              "lines": [{"sku": 17, "quantity": 1, "unit_price_minor": 4599},
                        {"sku": 3, "quantity": 2, "unit_price_minor": 100},
                        {"sku": 17, "quantity": 1, "unit_price_minor": 4599}]}})");
}

TEST_CASE("connector: an orders/create body becomes the OMS create body and its key") {
  std::string error;
  const auto job = parse_order_event(order_body(), "", "", &error);
  REQUIRE_MESSAGE(job, error);
  CHECK(job->event_id == "dtc-17");
  CHECK(job->channel == "dtc");
  CHECK(job->order_id == 12);
  CHECK(idempotency_key(*job) == "dtc-12");
  CHECK(order_skus(*job) == std::vector<uint64_t>{3, 17});
  const json oms = json::parse(oms_create_body(*job));
  CHECK(oms["channel"] == "dtc");
  CHECK(oms["channel_order"] == 12);
  CHECK(oms["lines"].size() == 3);
  CHECK(oms["lines"][1] == json{{"sku", 3}, {"quantity", 2}, {"unit_price_minor", 100}});
  CHECK_FALSE(oms.contains("event_id"));
}

TEST_CASE("connector: an orders/create without what the OMS needs is refused with the field") {
  std::string error;
  json body = order_body();
  body["order"]["lines"] = json::array();
  CHECK_FALSE(parse_order_event(body, "", "", &error));
  CHECK(error.find("order.lines") != std::string::npos);
  body = order_body();
  body["order"]["lines"][0]["quantity"] = 0;
  CHECK_FALSE(parse_order_event(body, "", "", &error));
  body = order_body();
  body["order"].erase("id");
  CHECK_FALSE(parse_order_event(body, "", "", &error));
  CHECK(error.find("order.id") != std::string::npos);
  // The headers stand in for a missing channel and event id.
  body = order_body();
  body.erase("channel");
  body.erase("event_id");
  const auto job = parse_order_event(body, "market", "market-9", &error);
  REQUIRE(job);
  CHECK(job->channel == "market");
  CHECK(job->event_id == "market-9");
  CHECK_FALSE(parse_order_event(body, "", "market-9", &error));
}

TEST_CASE("connector: the job queue remembers only the events it accepted") {
  JobQueue queue(1, 10);
  OrderJob job;
  job.event_id = "a";
  CHECK(queue.admit(1, job) == JobQueue::Admit::accepted);
  CHECK(queue.admit(1, job) == JobQueue::Admit::duplicate);
  CHECK(queue.admit(2, job) == JobQueue::Admit::full);  // not remembered: may come again
  REQUIRE(queue.pop());
  queue.done();
  CHECK(queue.admit(2, job) == JobQueue::Admit::accepted);
  queue.close();
  CHECK(queue.admit(3, job) == JobQueue::Admit::closed);
  CHECK(queue.pop());  // close() drains what is queued
  queue.done();
  CHECK_FALSE(queue.pop());
}

TEST_CASE("connector: answers are classed as done, worth a retry, or permanent") {
  HttpReply r;
  CHECK(classify(r, true) == ReplyClass::retryable);  // no answer
  r.status = 201;
  CHECK(classify(r, true) == ReplyClass::success);
  for (const int status : {408, 429, 500, 503}) {
    r.status = status;
    CHECK(classify(r, true) == ReplyClass::retryable);
    CHECK(classify(r, false) == ReplyClass::retryable);
  }
  for (const int status : {400, 404, 409, 422}) {
    r.status = status;
    CHECK(classify(r, true) == ReplyClass::permanent);
  }
  // NetSuite's 400 over the concurrency limit: retryable unless the policy says otherwise.
  r.status = 400;
  r.body = R"({"error": {"code": "SSS_REQUEST_LIMIT_EXCEEDED", "message": "Retry later."}})";
  CHECK(is_request_limited(r));
  CHECK(classify(r, true) == ReplyClass::retryable);
  CHECK(classify(r, false) == ReplyClass::permanent);
  r.status = 422;  // only a 400 says so
  CHECK_FALSE(is_request_limited(r));
  CHECK(classify(r, true) == ReplyClass::permanent);
  r.status = 400;
  r.body = R"({"error": {"code": "INVALID_FIELD"}})";
  CHECK_FALSE(is_request_limited(r));
  CHECK(classify(r, true) == ReplyClass::permanent);
  using std::chrono::microseconds;
  CHECK(parse_retry_after("3") == microseconds(3'000'000));
  // Shopify's REST Admin API sends decimal seconds.
  CHECK(parse_retry_after("2.0") == microseconds(2'000'000));
  CHECK(parse_retry_after("0.25") == microseconds(250'000));
  CHECK(parse_retry_after("1.0000001") == microseconds(1'000'001));  // rounded up
  CHECK(parse_retry_after("1.0000000") == microseconds(1'000'000));
  CHECK(parse_retry_after("999999999") == microseconds(999'999'999'000'000));
  for (const char* bad : {"Wed, 21 Oct 2026 07:28:00 GMT", "", "-1", "1.", ".5", "1.5.0", "1e3",
                          " 2", "2 ", "1000000000", "nan", "inf", "0x10"}) {
    CHECK_MESSAGE(!parse_retry_after(bad), bad);
  }
}

}  // namespace
}  // namespace syncdrill
