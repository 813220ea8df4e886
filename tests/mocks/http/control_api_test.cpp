// Control API tests: the routes on a real httplib::Server bound to 127.0.0.1 (ephemeral port),
// driven by httplib::Client, with hooks that record what they were asked.
#include "mocks/http/control_api.hpp"

#include <httplib.h>

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "core/scenario/fault_kinds.hpp"
#include "core/scenario/loader.hpp"

namespace syncdrill {
namespace {

using nlohmann::json;

constexpr const char* kToken = "drill-token-123";

int64_t steady_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

class ControlServer {
 public:
  explicit ControlServer(ControlOptions options = {}, bool with_hooks = true)
      : faults_(LiveFaults::Options{}, steady_us) {
    ControlHooks hooks;
    if (with_hooks) {
      hooks.ack = [this](const std::string& note) {
        std::lock_guard lock(mu_);
        notes_.push_back(note);
        return json{{"acks", notes_.size()}};
      };
      hooks.finish = [this] {
        std::lock_guard lock(mu_);
        ++finishes_;
        return json{{"finishing", true}};
      };
      hooks.metrics = [] {
        return std::string(
            "# TYPE syncdrill_acks_total counter\n"
            "syncdrill_acks_total 1\n");
      };
      hooks.status = [] { return json{{"state", "running"}}; };
    }
    register_control_routes(server_, faults_, std::move(hooks), kToken, options);
    port_ = server_.bind_to_any_port("127.0.0.1");
    REQUIRE(port_ > 0);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running())
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~ControlServer() {
    server_.stop();
    thread_.join();
  }

  // A client with the token unless `token` says otherwise ("" = no Authorization header).
  httplib::Client client(const std::string& token = kToken) const {
    httplib::Client c("127.0.0.1", port_);
    c.set_connection_timeout(2);
    c.set_read_timeout(2);
    if (!token.empty()) c.set_default_headers({{"Authorization", "Bearer " + token}});
    return c;
  }
  LiveFaults& faults() { return faults_; }
  std::vector<std::string> notes() const {
    std::lock_guard lock(mu_);
    return notes_;
  }
  int finishes() const {
    std::lock_guard lock(mu_);
    return finishes_;
  }

 private:
  LiveFaults faults_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  mutable std::mutex mu_;
  std::vector<std::string> notes_;
  int finishes_ = 0;
};

json body_of(const httplib::Result& r) {
  REQUIRE(r);
  return json::parse(r->body);
}

TEST_CASE("live: every control route refuses a request without the right bearer token") {
  ControlServer s;
  for (const std::string& token :
       {std::string(), std::string("drill-token-124"), std::string("short")}) {
    httplib::Client c = s.client(token);
    CAPTURE(token);
    CHECK(c.Get("/_drill/faults")->status == 401);
    CHECK(c.Post("/_drill/faults", R"({"kind":"outage","target":"oms"})", "application/json")
              ->status == 401);
    CHECK(c.Delete("/_drill/faults/x")->status == 401);
    CHECK(c.Post("/_drill/faults/reset")->status == 401);
    CHECK(c.Post("/_drill/ack", "{}", "application/json")->status == 401);
    CHECK(c.Post("/_drill/finish")->status == 401);
    CHECK(c.Get("/_drill/metrics")->status == 401);
    const httplib::Result status = c.Get("/_drill/status");
    CHECK(status->status == 401);
    CHECK(status->get_header_value("WWW-Authenticate") == "Bearer");
  }
  CHECK(s.faults().list().empty());
  CHECK(s.notes().empty());
  CHECK(s.finishes() == 0);
}

TEST_CASE("live: the bearer scheme is case-insensitive, the token is not") {
  ControlServer s;
  // Trailing spaces are not part of a header's value (RFC 9110 5.5).
  for (const std::string header : {"Bearer drill-token-123", "bearer drill-token-123",
                                   "BEARER  drill-token-123", "Bearer drill-token-123 "}) {
    httplib::Client c = s.client("");
    c.set_default_headers({{"Authorization", header}});
    CAPTURE(header);
    CHECK(c.Get("/_drill/status")->status == 200);
  }
  for (const std::string header : {"Bearer DRILL-TOKEN-123", "Basic drill-token-123", "Bearer",
                                   "Bearerdrill-token-123", "Bearer drill-token-1234"}) {
    httplib::Client c = s.client("");
    c.set_default_headers({{"Authorization", header}});
    CAPTURE(header);
    CHECK(c.Get("/_drill/status")->status == 401);
  }
}

TEST_CASE("live: a control path with another method gets 405 with Allow, an unknown one 404") {
  ControlServer s;
  httplib::Client c = s.client();
  httplib::Result r = c.Put("/_drill/faults", "{}", "application/json");
  REQUIRE(r);
  CHECK(r->status == 405);
  CHECK(r->get_header_value("Allow") == "GET, POST");
  CHECK(body_of(r)["error"] == "method_not_allowed");
  CHECK(c.Get("/_drill/finish")->get_header_value("Allow") == "POST");
  CHECK(c.Get("/_drill/faults/x")->get_header_value("Allow") == "DELETE");
  CHECK(c.Post("/_drill/status", "", "application/json")->status == 405);
  r = c.Get("/_drill/nothing");
  CHECK(r->status == 404);
  CHECK(body_of(r)["error"] == "not_found");
}

TEST_CASE("live: bytes that are not UTF-8 in a path, a body or a header get 4xx JSON, never 500") {
  // The details echo what the client sent; a fuzz finding: nlohmann's dump threw on them.
  ControlServer s;
  httplib::Client c = s.client();
  httplib::Result r = c.Get("/_drill/n\xff\xfe");
  REQUIRE(r);
  CHECK(r->status == 404);
  CHECK(body_of(r)["detail"].get<std::string>().find("\xEF\xBF\xBD") != std::string::npos);
  r = c.Post("/_drill/faults", "{\"ki\xff\xff\": 1}", "application/json");
  REQUIRE(r);
  CHECK(r->status == 400);
  CHECK(body_of(r)["error"] == "malformed_json");
  r = c.Post("/_drill/faults", "{}", "text/\xff");
  REQUIRE(r);
  CHECK(r->status == 415);
}

TEST_CASE("live: a control body that names another format than JSON gets 415") {
  ControlServer s;
  httplib::Client c = s.client();
  const std::string fault = R"({"kind":"outage","target":"oms"})";
  for (const char* type : {"text/plain", "application/x-www-form-urlencoded", "application/xml"}) {
    const httplib::Result r = c.Post("/_drill/faults", fault, type);
    REQUIRE(r);
    CAPTURE(type);
    CHECK(r->status == 415);
    CHECK(body_of(r)["error"] == "unsupported_media_type");
  }
  CHECK(c.Post("/_drill/ack", R"({"note":"x"})", "text/plain")->status == 415);
  CHECK(s.faults().list().empty());
  CHECK(c.Post("/_drill/faults", fault, "application/json; charset=utf-8")->status == 201);
  CHECK(c.Post("/_drill/faults", R"({"kind":"outage","target":"erp"})", "application/merge+json")
            ->status == 201);
  // An empty body needs no type (POST /_drill/ack, /_drill/finish with -d '').
  CHECK(c.Post("/_drill/ack", "", "application/x-www-form-urlencoded")->status == 200);
}

TEST_CASE("live: faults are added, listed with hits, removed and reset over the control API") {
  ControlServer s;
  httplib::Client c = s.client();
  const httplib::Result added =
      c.Post("/_drill/faults", R"({"kind":"error_burst","target":"oms","for":"30s","status":503})",
             "application/json");
  REQUIRE(added);
  CHECK(added->status == 201);
  const json fault = body_of(added);
  CHECK(fault["id"] == "adhoc-1");
  CHECK(fault["active"] == true);
  CHECK(fault["status"] == 503);
  CHECK(fault["end_ms"].get<int64_t>() - fault["start_ms"].get<int64_t>() == 30'000);

  const HttpFaultDecision d = s.faults().for_request("oms");
  CHECK(d.action == HttpFaultDecision::Action::respond);
  CHECK(d.status == 503);
  CHECK(c.Post("/_drill/faults", R"({"id":"down","kind":"outage","targets":["erp","wms"]})",
               "application/json")
            ->status == 201);

  const json list = body_of(c.Get("/_drill/faults"));
  REQUIRE(list["faults"].size() == 2);
  CHECK(list["faults"][0]["id"] == "down");  // outages rank first
  CHECK(list["faults"][0]["end_ms"].is_null());
  CHECK(list["faults"][1]["hits"] == 1);
  CHECK(list["faults"][1]["origin"] == "adhoc");

  CHECK(c.Delete("/_drill/faults/down")->status == 200);
  const httplib::Result again = c.Delete("/_drill/faults/down");
  CHECK(again->status == 404);
  CHECK(body_of(again)["field"] == "id");
  CHECK(s.faults().for_request("erp").action == HttpFaultDecision::Action::pass);

  const httplib::Result reset = c.Post("/_drill/faults/reset");
  CHECK(reset->status == 200);
  CHECK(body_of(reset)["removed"] == 1);
  CHECK(s.faults().for_request("oms").action == HttpFaultDecision::Action::pass);
}

TEST_CASE("live: a bad fault body gets 400 with a JSON error naming the field") {
  ControlServer s;
  httplib::Client c = s.client();
  const auto field_of = [&](const std::string& body) {
    const httplib::Result r = c.Post("/_drill/faults", body, "application/json");
    REQUIRE(r);
    CAPTURE(body);
    CHECK(r->status == 400);
    CHECK(r->get_header_value("Content-Type") == "application/json");
    return body_of(r).value("field", std::string("(none)"));
  };
  CHECK(field_of(R"({"kind": "outage", )") == "(none)");  // not JSON: malformed_json
  CHECK(field_of(R"([1, 2])") == "(none)");
  CHECK(field_of(R"({"kind":"outage"})") == "target");
  CHECK(field_of(R"({"target":"oms"})") == "kind");
  CHECK(field_of(R"({"kind":"meltdown","target":"oms"})") == "kind");
  CHECK(field_of(R"({"kind":"outage","target":"oms","intensity":"high"})") == "intensity");
  CHECK(field_of(R"({"kind":"outage","target":"oms","intensity":2})") == "intensity");
  CHECK(field_of(R"({"kind":"outage","target":"oms","for":"soon"})") == "for");
  CHECK(field_of(R"({"kind":"latency","target":"oms"})") == "latency_ms");
  CHECK(field_of(R"({"kind":"timeout","target":"oms","processed":"yes"})") == "processed");
  CHECK(field_of(R"({"kind":"webhook_drop","target":"shop","per":"day"})") == "per");
  const httplib::Result typo = c.Post(
      "/_drill/faults", R"({"kind":"outage","target":"oms","intensty":1})", "application/json");
  CHECK(typo->status == 400);
  const json error = body_of(typo);
  CHECK(error["error"] == "invalid_field");
  CHECK(error["field"] == "intensty");
  CHECK(error["detail"] == "unknown key 'intensty' (did you mean 'intensity'?)");

  REQUIRE(
      c.Post("/_drill/faults", R"({"id":"x","kind":"outage","target":"oms"})", "application/json")
          ->status == 201);
  const httplib::Result duplicate =
      c.Post("/_drill/faults", R"({"id":"x","kind":"outage","target":"oms"})", "application/json");
  CHECK(duplicate->status == 409);
  CHECK(body_of(duplicate)["field"] == "id");
  CHECK(s.faults().list().size() == 1);
}

TEST_CASE("live: ack, finish, status and metrics call the drill's hooks") {
  ControlServer s;
  httplib::Client c = s.client();
  const httplib::Result ack =
      c.Post("/_drill/ack", R"({"note":"PagerDuty: OMS 5xx"})", "application/json");
  CHECK(ack->status == 200);
  CHECK(body_of(ack)["acks"] == 1);
  CHECK(c.Post("/_drill/ack", R"({"note":42})", "application/json")->status == 400);
  CHECK(c.Post("/_drill/ack")->status == 200);  // a note is optional
  CHECK(s.notes() == std::vector<std::string>{"PagerDuty: OMS 5xx", ""});

  const httplib::Result finish = c.Post("/_drill/finish");
  CHECK(finish->status == 202);
  CHECK(s.finishes() == 1);

  const httplib::Result metrics = c.Get("/_drill/metrics");
  CHECK(metrics->status == 200);
  CHECK(metrics->get_header_value("Content-Type") == "text/plain; version=0.0.4");
  CHECK(metrics->body.find("syncdrill_acks_total 1\n") != std::string::npos);
  CHECK(body_of(c.Get("/_drill/status"))["state"] == "running");
}

TEST_CASE("live: metrics can be opened to scrapers, missing hooks answer 501") {
  ControlOptions open;
  open.metrics_without_token = true;
  ControlServer s(open, /*with_hooks=*/false);
  CHECK(s.client("").Get("/_drill/metrics")->status == 501);  // in without a token, no hook
  CHECK(s.client("").Get("/_drill/status")->status == 401);   // only metrics is open
  httplib::Client c = s.client();
  CHECK(c.Post("/_drill/ack")->status == 501);
  CHECK(c.Post("/_drill/finish")->status == 501);
  CHECK(c.Get("/_drill/status")->status == 501);
}

TEST_CASE("live: a control request body over the limit gets 413") {
  ControlOptions small;
  small.body_bytes_max = 64;
  ControlServer s(small);
  const std::string note(200, 'x');
  const httplib::Result r =
      s.client().Post("/_drill/ack", R"({"note":")" + note + R"("})", "application/json");
  CHECK(r->status == 413);
}

TEST_CASE("live: a rate-limit fault too fast or too large for the simulation is held or refused") {
  ControlServer s;
  httplib::Client c = s.client();
  const auto post = [&](const std::string& body) {
    httplib::Result r = c.Post("/_drill/faults", body, "application/json");
    REQUIRE(r);
    return std::move(r.value());
  };
  // 1e13/s: its default burst (a second's worth) is the largest bucket, and the fault acts.
  const httplib::Response fast = post(R"({"kind":"rate_limit","target":"erp","rate_per_s":1e13})");
  CHECK(fast.status == 201);
  CHECK(json::parse(fast.body)["burst"] == 1e9);
  CHECK(s.faults().for_request("erp").action == HttpFaultDecision::Action::pass);
  const auto field_of = [&](const std::string& body) {
    const httplib::Response r = post(body);
    CAPTURE(body);
    CHECK(r.status == 400);
    return json::parse(r.body).value("field", std::string("(none)"));
  };
  CHECK(field_of(R"({"kind":"rate_limit","target":"erp","rate_per_s":5,"burst":2e12})") == "burst");
  CHECK(field_of(R"({"kind":"rate_limit","target":"erp","rate_per_s":5,"burst":0.5})") == "burst");
  CHECK(field_of(R"({"kind":"rate_limit","target":"erp","burst":5})") == "rate_per_s");
  CHECK(field_of(R"({"kind":"rate_limit","target":"erp","rate_per_s":0})") == "rate_per_s");
  CHECK(field_of(R"({"kind":"rate_limit","target":"erp","rate_per_s":-3})") == "rate_per_s");
  // Numbers beyond a double are not JSON the server reads (no infinity gets in).
  CHECK(field_of(R"({"kind":"rate_limit","target":"erp","rate_per_s":1e400})") == "(none)");
  CHECK(field_of(R"({"kind":"outage","target":"erp","intensity":-1e400})") == "(none)");
  // 2^64 - 1 must not wrap into range as -1.
  CHECK(field_of(R"({"kind":"latency","target":"erp","latency_ms":18446744073709551615})") ==
        "latency_ms");
  CHECK(field_of(R"({"kind":"outage","target":"erp","duration_ms":31536000001})") == "duration_ms");
  CHECK(field_of(R"({"kind":"outage","target":"erp","for":"366d"})") == "for");
  CHECK(s.faults().list().size() == 1);
}

// The bucket sizes the control API takes are exactly those a scenario's YAML takes.
TEST_CASE("live: a bucket size is valid in the control API exactly when the loader takes it") {
  ControlServer s;
  httplib::Client c = s.client();
  for (const char* burst : {"0.5", "1", "2.5", "1000000000", "1000000001", "2e12"}) {
    CAPTURE(burst);
    const LoadResult yaml = load_scenario_text(
        fmt::format("name: t\nduration: 1h\nchannels: [{{name: shop, kind: shopify_like}}]\n"
                    "systems: [{{name: erp, kind: erp, endpoint: {{rate_limit: {{rate: 5/s, "
                    "burst: {}}}}}}}]\n",
                    burst),
        "t.yaml");
    const httplib::Result r = c.Post(
        "/_drill/faults",
        fmt::format(R"({{"kind":"rate_limit","target":"erp","rate_per_s":5,"burst":{}}})", burst),
        "application/json");
    REQUIRE(r);
    CHECK(yaml.ok() == (r->status == 201));
  }
}

constexpr const char* kTargetScenario = R"(
name: targets
duration: 1h
channels: [{name: shop, kind: shopify_like}]
systems:
  - {name: oms, kind: oms}
  - {name: erp, kind: erp}
  - {name: erp-b, kind: erp}
connectors: [{name: ingest, flow: order_ingest, from: shop, to: oms}]
)";

TEST_CASE("live: a fault's targets are checked against the drill's scenario (422)") {
  const LoadResult loaded = load_scenario_text(kTargetScenario, "targets.yaml");
  REQUIRE(loaded.ok());
  ControlOptions options;
  options.scenario = &*loaded.scenario;
  ControlServer s(options);
  httplib::Client c = s.client();
  const auto refused = [&](const std::string& body) {
    const httplib::Result r = c.Post("/_drill/faults", body, "application/json");
    REQUIRE(r);
    CAPTURE(body);
    CHECK(r->status == 422);
    const json error = body_of(r);
    CHECK(error["error"] == "invalid_target");
    return error["field"].get<std::string>() + ": " + error["detail"].get<std::string>();
  };
  CHECK(refused(R"({"kind":"outage","target":"nope"})") ==
        "target: unknown target 'nope' (expected one of: shop, oms, erp, erp-b, ingest, "
        "shop/orders/create, shop/orders/updated, shop/returns/create)");
  CHECK(refused(R"({"kind":"outage","targets":["oms","omz"]})") ==
        "targets: unknown target 'omz' (did you mean 'oms'?)");
  CHECK(refused(R"({"kind":"rate_limit","target":"shop/orders/create"})") ==
        "target: fault kind rate_limit cannot target shop/orders/create (a webhook topic); "
        "expected a channel or a system");
  CHECK(refused(R"({"kind":"webhook_drop","target":"oms"})").find("cannot target oms") !=
        std::string::npos);
  CHECK(refused(R"({"kind":"outage","target":"ingest"})").find("ingest is a connector") !=
        std::string::npos);
  CHECK(refused(R"({"kind":"outage","target":"erp-b"})") ==
        "target: erp-b is not served: a live drill serves the first erp system of the scenario, "
        "erp");
  CHECK(s.faults().list().empty());
  for (const char* good : {R"({"kind":"outage","target":"erp"})",
                           R"({"kind":"webhook_delay","target":"shop/orders/create","delay_ms":5})",
                           R"({"kind":"rate_limit","target":"shop"})"}) {
    CAPTURE(good);
    CHECK(c.Post("/_drill/faults", good, "application/json")->status == 201);
  }
}

}  // namespace
}  // namespace syncdrill

namespace syncdrill {
namespace {

// The fault-kind table's live columns say what the control API and the live fault table do.
TEST_CASE("live: each kind the table marks live is added with its live keys, the others refused") {
  // A valid value for each live key; a key the table gains without one here fails.
  const std::map<std::string_view, nlohmann::json> values{
      {"latency_ms", 200}, {"processed", false}, {"hang_ms", 1000},
      {"status", 503},     {"retry_after_s", 2}, {"rate_per_s", 5.0},
      {"burst", 3.0},      {"per", "event"},     {"delay_ms", 500}};
  for (const scenario::FaultKindRow& row : scenario::fault_kind_rows()) {
    INFO(row.name);
    CHECK(LiveFaults::acts_on(row.kind) == scenario::acts_in_live_table(row.kind));
    nlohmann::json body{{"kind", row.name}, {"target", "shop"}};
    for (std::string_view key : row.live_keys) {
      const auto value = values.find(key);
      REQUIRE_MESSAGE(value != values.end(), "no test value for live key ", key);
      body[std::string(key)] = value->second;
    }
    const auto parsed = parse_fault_spec(body);
    if (!LiveFaults::acts_on(row.kind)) {
      REQUIRE(std::holds_alternative<LiveFaultError>(parsed));
      CHECK(std::get<LiveFaultError>(parsed).field == "kind");
      continue;
    }
    REQUIRE(std::holds_alternative<LiveFaultSpec>(parsed));
    LiveFaults table(LiveFaults::Options{}, [] { return int64_t{0}; });
    const LiveFaultAdded added = table.add(std::get<LiveFaultSpec>(parsed));
    CHECK_FALSE(added.error.has_value());
    // Listed back with the keys it was given (those the list shows for its kind).
    const nlohmann::json listed = to_json(table.list().at(0));
    for (std::string_view key : row.live_keys) {
      CHECK_MESSAGE(listed.contains(std::string(key)), key);
    }
  }
}

TEST_CASE("live: the refusal of a kind the live table does not act on names every live kind") {
  const auto parsed = parse_fault_spec(nlohmann::json{{"kind", "event_drop"}, {"target", "x"}});
  REQUIRE(std::holds_alternative<LiveFaultError>(parsed));
  CHECK(std::get<LiveFaultError>(parsed).message ==
        "unknown live fault kind 'event_drop' (expected latency, timeout, error_burst, outage, "
        "rate_limit, malformed_payload, webhook_drop, webhook_duplicate or webhook_delay)");
}

}  // namespace
}  // namespace syncdrill
