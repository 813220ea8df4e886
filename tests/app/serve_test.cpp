// End-to-end tests of `syncdrill serve`: the binary serves a scenario over loopback at a high
// time scale, the tests call it with curl as a user would, finish the drill through the control
// API or a signal, and read the reports it writes.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/app/cli_run.hpp"
#include "tests/reports/figure_ids.hpp"

namespace syncdrill::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* kToken = "test-token";

// A drill running in the background, with curl at hand.
struct LiveServe {
  Scratch& scratch;
  Background server;
  std::string base;  // http://127.0.0.1:PORT

  LiveServe(Scratch& s, const std::string& args)
      : scratch(s),
        server(s.dir(),
               fmt::format("'{}' serve '{}' --listen 127.0.0.1:0 --token {} --out out {}",
                           SYNCDRILL_BINARY, source_path("tests/scenarios/valid/live-drill.yaml"),
                           kToken, args),
               s / "serve.log") {
    const auto port = server.wait_for_log("listening on http://127.0.0.1:", 10s);
    REQUIRE_MESSAGE((port && !port->empty()), std::string(server.log() + server.err()));
    base = "http://127.0.0.1:" + *port;
  }

  // curl with the control token and a JSON body type; returns stdout (the body, or what -w
  // asks for).
  std::string curl(const std::string& args) const {
    const CliRun r = scratch.shell(
        fmt::format("curl -s -H 'Authorization: Bearer {}' -H 'Content-Type: application/json' {}",
                    kToken, args));
    return r.out;
  }

  nlohmann::json finish() {
    curl(fmt::format("-X POST -d '' {}/_drill/finish", base));
    const auto code = server.wait_exit(30s);
    REQUIRE_MESSAGE(code, "serve did not end after /_drill/finish");
    CHECK((*code == 0 || *code == 1));
    return nlohmann::json::parse(read_file(scratch / "out/report.json"));
  }
};

const nlohmann::json* route(const nlohmann::json& report, const std::string& system,
                            const std::string& name) {
  for (const nlohmann::json& r : report["live"]["routes"]) {
    if (r["system"] == system && r["route"] == name) return &r;
  }
  return nullptr;
}

TEST_CASE("serve: curl --retry against an injected error burst is recorded with its attempts") {
  Scratch scratch("serve-retry");
  LiveServe drill(scratch, "--time-scale 60 --duration 60s");
  const std::string added = drill.curl(fmt::format(
      "-X POST -d '{{\"kind\": \"error_burst\", \"target\": \"erp\", \"status\": 503}}' "
      "{}/_drill/faults",
      drill.base));
  REQUIRE_MESSAGE(added.find("\"id\"") != std::string::npos, added);
  scratch.shell("sleep 0.3");  // the error windows are refreshed every 100 ms
  // curl retries a 503 `--retry` times; each retry is the same request, one second later.
  const CliRun r = scratch.shell(fmt::format(
      // (-o to a file: curl truncates its output before each retry, which /dev/null refuses)
      "curl -s -o body.json -w '%{{http_code}}' --retry 3 --retry-delay 1 {}/erp/stock/7",
      drill.base));
  CHECK(r.out == "503");
  const nlohmann::json report = drill.finish();
  const nlohmann::json* stock = route(report, "erp", "GET /erp/stock/{sku}");
  REQUIRE(stock != nullptr);
  CHECK((*stock)["requests"] == 4);
  CHECK((*stock)["by_status"]["503"] == 4);
  const nlohmann::json& b = report["live"]["behaviour"];
  CHECK(b["answered_5xx"] == 4);
  CHECK(b["gaps_after_error"] == 3);  // three retries, recognised as the same request
  CHECK(b["gap_after_error_min_ms"].get<double>() >= 900.0);
  CHECK(b["hot_retries"] == 0);
  CHECK(b["attempts_in_error_windows"] == 4);
  CHECK(report["live"]["drill"]["ended_by"] == "finish");
  // The ad-hoc fault is in the report with its hits.
  bool listed = false;
  for (const nlohmann::json& f : report["faults"]) {
    if (f["kind"] == "error_burst" && !f["from_scenario"].get<bool>()) {
      listed = true;
      CHECK(f["hits"] == 4);
    }
  }
  CHECK(listed);
}

TEST_CASE("serve: 429s and Retry-After are counted, and a retry that does not wait is caught") {
  Scratch scratch("serve-429");
  LiveServe drill(scratch, "--time-scale 60 --duration 60s");
  drill.curl(fmt::format(
      "-X POST -d '{{\"kind\": \"rate_limit\", \"target\": \"dtc\", \"retry_after_s\": 1}}' "
      "{}/_drill/faults",
      drill.base));
  const std::string get =
      fmt::format("curl -s -o /dev/null -D - {}/channels/dtc/inventory/3", drill.base);
  const CliRun first = scratch.shell(get);
  CHECK(first.out.find("HTTP/1.1 429") != std::string::npos);
  CHECK(first.out.find("Retry-After: 1") != std::string::npos);
  scratch.shell(get);  // at once: early
  scratch.shell("sleep 1.2");
  scratch.shell(get);  // after the wait: honoured
  const nlohmann::json report = drill.finish();
  const nlohmann::json& b = report["live"]["behaviour"];
  CHECK(b["answered_429"] == 3);
  CHECK(b["retry_after_sent"] == 3);
  CHECK(b["retry_after_early"] == 1);
  CHECK(b["retry_after_honoured"] == 1);
  bool failed_check = false;
  for (const nlohmann::json& c : report["live"]["checks"]) {
    if (c["check"] == "Retry-After honoured") failed_check = !c["held"].get<bool>();
  }
  CHECK(failed_check);
}

TEST_CASE("serve: SIGTERM ends the drill and still writes every report") {
  Scratch scratch("serve-sigterm");
  // A short grace, so the orders placed before the signal count as lost (no connector runs).
  LiveServe drill(scratch, "--time-scale 60 --duration 60s --grace 100ms");
  std::this_thread::sleep_for(500ms);
  drill.server.signal(SIGTERM);
  const auto code = drill.server.wait_exit(30s);
  REQUIRE(code);
  CHECK(*code == 1);  // no connector ran: the orders placed are lost
  const nlohmann::json report = nlohmann::json::parse(read_file(scratch / "out/report.json"));
  CHECK(report["live"]["drill"]["ended_by"] == "signal");
  CHECK(report["impact"]["orders_placed"].get<uint64_t>() > 0);
  CHECK(read_file(scratch / "out/report.md").find("# Live drill: live-drill") == 0);
  CHECK(read_file(scratch / "out/report.html").find("<h1>Live drill: live-drill") !=
        std::string::npos);
  const CliRun lint = scratch.shell("xmllint --noout out/junit.xml out/report.html");
  CHECK_MESSAGE(lint.exit_code == 0, lint.err);
  // Orders lost: the orders tier's data_loss check (live-drill.yaml sets data_loss_max).
  CHECK(read_file(scratch / "out/junit.xml").find("name=\"data_loss order_ingest\"") !=
        std::string::npos);
  CHECK(report["tiers"][0]["checks"][0]["check"] == "data_loss");
  CHECK(report["tiers"][0]["checks"][0]["status"] == "breached");
}

TEST_CASE("serve: report.html has a run's charts, what a live drill cannot measure says so") {
  Scratch scratch("serve-charts");
  LiveServe drill(scratch, "--time-scale 60 --duration 60s");
  drill.curl(fmt::format(
      "-X POST -d '{{\"kind\": \"error_burst\", \"target\": \"erp\", \"status\": 503}}' "
      "{}/_drill/faults",
      drill.base));
  scratch.shell("sleep 0.3");  // the error windows are refreshed every 100 ms
  CHECK(
      scratch
          .shell(fmt::format("curl -s -o /dev/null -w '%{{http_code}}' {}/erp/stock/7", drill.base))
          .out == "503");
  drill.finish();
  const std::string live = read_file(scratch / "out/report.html");
  const CliRun run = scratch.run(
      fmt::format("run '{}' --out run", source_path("tests/scenarios/valid/live-drill.yaml")));
  REQUIRE_MESSAGE(run.exit_code != 2, run.err);
  const std::vector<std::string> of_run = figure_ids(read_file(scratch / "run/report.html"));
  REQUIRE(of_run.size() == 5);
  // The run's orders-placed chart is the last; the live drill samples no orders-placed series.
  CHECK(of_run.back() == "figure-orders-placed");
  CHECK(figure_ids(live) == std::vector<std::string>(of_run.begin(), of_run.end() - 1));
  // The 503 is in the error-rate chart as the ERP's series; the queue is not measured.
  CHECK(live.find("data-series=\"erp\"") != std::string::npos);
  CHECK(live.find(">not measured in a live drill</text>") != std::string::npos);
  const CliRun lint = scratch.shell("xmllint --noout out/report.html");
  CHECK_MESSAGE(lint.exit_code == 0, lint.err);
}

TEST_CASE("serve: the control API refuses a request without the token") {
  Scratch scratch("serve-token");
  LiveServe drill(scratch, "--time-scale 60 --duration 60s");
  const CliRun r = scratch.shell(fmt::format(
      "curl -s -o /dev/null -w '%{{http_code}}' -X POST -d '' {}/_drill/finish", drill.base));
  CHECK(r.out == "401");
  const CliRun bad = scratch.shell(
      fmt::format("curl -s -o /dev/null -w '%{{http_code}}' -X POST -d '' -H 'Authorization: "
                  "Bearer nope' {}/_drill/finish",
                  drill.base));
  CHECK(bad.out == "401");
  CHECK_FALSE(drill.server.wait_exit(300ms));  // still running
  drill.finish();
}

TEST_CASE("serve: bad options exit 2 and name the option") {
  Scratch scratch("serve-usage");
  const std::string scenario = source_path("tests/scenarios/valid/live-drill.yaml");
  for (const std::string args : {"--time-scale 0", "--time-scale fast", "--listen 127.0.0.1:99999",
                                 "--duration -1s", "--webhook-url ftp://x"}) {
    const CliRun r = scratch.run(fmt::format("serve '{}' {}", scenario, args));
    CHECK_MESSAGE(r.exit_code == 2, args);
    CHECK_MESSAGE(r.err.find(args.substr(0, args.find(' '))) != std::string::npos, r.err);
  }
  CHECK_FALSE(std::filesystem::exists(scratch / "out"));
}

TEST_CASE("serve: an IPv6 address is bracketed in the URLs, a failed listen says why") {
  Scratch scratch("serve-listen");
  const std::string scenario = source_path("tests/scenarios/valid/live-drill.yaml");
  Background server(scratch.dir(),
                    fmt::format("'{}' serve '{}' --listen '[::1]:0' --token {} --out out "
                                "--time-scale 60 --duration 30s --grace 100ms",
                                SYNCDRILL_BINARY, scenario, kToken),
                    scratch / "serve.log");
  const auto port = server.wait_for_log("listening on http://[::1]:", 10s);
  REQUIRE_MESSAGE((port && !port->empty()), std::string(server.log() + server.err()));
  CHECK(server.log().find(fmt::format("{}/_drill/finish", "http://[::1]:" + *port)) !=
        std::string::npos);
  // Loopback: no warning.
  CHECK(server.err().find("beyond loopback") == std::string::npos);
  // The same port again: in use. An address this host does not have: said so.
  const CliRun again = scratch.run(fmt::format("serve '{}' --listen '[::1]:{}'", scenario, *port));
  CHECK(again.exit_code == 2);
  CHECK_MESSAGE(again.err.find("is already in use") != std::string::npos, again.err);
  const CliRun foreign = scratch.run(fmt::format("serve '{}' --listen 8.8.8.8:0", scenario));
  CHECK(foreign.exit_code == 2);
  CHECK_MESSAGE(foreign.err.find("8.8.8.8 is not an address of this host") != std::string::npos,
                foreign.err);
  scratch.shell(
      fmt::format("curl -s -g -X POST -d '' -H 'Authorization: Bearer {}' "
                  "'http://[::1]:{}/_drill/finish'",
                  kToken, *port));
  const auto code = server.wait_exit(30s);
  REQUIRE(code);
  const nlohmann::json report = nlohmann::json::parse(read_file(scratch / "out/report.json"));
  CHECK(report["live"]["drill"]["listen"] == "[::1]:" + *port);
}

// `syncdrill serve` with the reference connector (`syncdrill connect`) receiving its webhooks:
// both binaries, over loopback, at x20. The scenario's OMS hangs on 30% of requests from 1.5 s to
// 4.5 s of wall time (--hang 300ms, past the connector's 150 ms timeout) and does the work
// anyway. (x20 rather than faster, and a 5 s drain: the timeouts and webhook redeliveries stay
// well clear of a loaded machine's jitter, e.g. under the sanitizers beside other tests.)
struct ConnectedDrill {
  nlohmann::json report;
  nlohmann::json connector;
  int serve_exit = -1;
};

ConnectedDrill run_connected(Scratch& scratch, const std::string& connect_args,
                             const std::string& connect_secret, bool ack) {
  const std::string scenario = source_path("tests/scenarios/valid/live-drill.yaml");
  const int serve_port = free_loopback_port();
  REQUIRE(serve_port > 0);
  Background connector(
      scratch.dir(),
      fmt::format("'{}' connect --target http://127.0.0.1:{} --listen 127.0.0.1:0 --secret {} "
                  "--scenario '{}' --policy keyed --time-scale 20 --stats connector.json {}",
                  SYNCDRILL_BINARY, serve_port, connect_secret, scenario, connect_args),
      scratch / "connect.log");
  const auto hook_port = connector.wait_for_log("webhooks at http://127.0.0.1:", 10s);
  REQUIRE_MESSAGE(hook_port, std::string(connector.log() + connector.err()));
  Background server(
      scratch.dir(),
      fmt::format("'{}' serve '{}' --listen 127.0.0.1:{} --token {} --out out --time-scale 20 "
                  "--duration 6s --grace 5s --hang 300ms --webhook-secret s3cret "
                  "--webhook-url http://127.0.0.1:{}/webhooks",
                  SYNCDRILL_BINARY, scenario, serve_port, kToken, *hook_port),
      scratch / "serve.log");
  REQUIRE(server.wait_for_log("listening on", 10s));
  if (ack) {
    std::this_thread::sleep_for(2500ms);  // the OMS fault began at 1.5 s (scenario second 30)
    scratch.shell(fmt::format(
        "curl -s -X POST -H 'Authorization: Bearer {}' -H 'Content-Type: application/json' "
        "-d '{{\"note\": \"OMS latency page\"}}' http://127.0.0.1:{}/_drill/ack",
        kToken, serve_port));
  }
  ConnectedDrill out;
  const auto code = server.wait_exit(60s);
  REQUIRE_MESSAGE(code, std::string(server.log() + server.err()));
  out.serve_exit = *code;
  connector.signal(SIGTERM);
  REQUIRE(connector.wait_exit(30s));
  out.report = nlohmann::json::parse(read_file(scratch / "out/report.json"));
  out.connector = nlohmann::json::parse(read_file(scratch / "connector.json"));
  return out;
}

const nlohmann::json* check(const nlohmann::json& report, const std::string& name) {
  for (const nlohmann::json& c : report["live"]["checks"]) {
    if (c["check"] == name) return &c;
  }
  return nullptr;
}

TEST_CASE("serve + connect: OMS timeouts duplicate orders without idempotency keys, not with") {
  Scratch keyed_dir("serve-keyed");
  const ConnectedDrill keyed = run_connected(keyed_dir, "", "s3cret", true);
  const nlohmann::json& o = keyed.report["impact"];
  INFO(keyed.report["impact"].dump());
  CHECK(o["orders_placed"].get<uint64_t>() > 60);  // ~1 order/s for ~2 scenario minutes
  CHECK(o["duplicated"] == 0);
  CHECK(o["lost"] == 0);
  CHECK(o["in_oms_once"] == o["orders_placed"]);
  // The hangs were met and retried: the key made each retry a replay.
  CHECK(keyed.connector["orders_replayed"].get<uint64_t>() > 0);
  CHECK(keyed.connector["retries"].get<uint64_t>() > 0);
  CHECK(keyed.report["live"]["behaviour"]["attempts_in_error_windows"].get<uint64_t>() > 0);
  // The ack caught the OMS fault: MTTD from its start (30 s) to the ack (~50 s of scenario time).
  const nlohmann::json& fault = keyed.report["faults"][0];
  CHECK(fault["id"] == "oms-hang");
  REQUIRE(fault["mttd_s"].is_number());
  CHECK(fault["mttd_s"].get<double>() > 0);
  CHECK(fault["mttd_s"].get<double>() < 60);
  // Recovered: the first OMS success after the window's end came within 30 scenario seconds.
  REQUIRE(fault["mttr_s"].is_number());
  CHECK(fault["mttr_s"].get<double>() < 90);
  CHECK(keyed.serve_exit == 0);
  CHECK(keyed.report["verdict"] == "pass");
  // Hung requests were seen as failures, and their retries recognised.
  CHECK(keyed.report["live"]["behaviour"]["hung"].get<uint64_t>() > 0);
  CHECK(keyed.report["live"]["behaviour"]["gaps_after_error"].get<uint64_t>() > 0);

  Scratch unkeyed_dir("serve-unkeyed");
  const ConnectedDrill unkeyed =
      run_connected(unkeyed_dir, "--no-idempotency-keys", "s3cret", false);
  INFO(unkeyed.report["impact"].dump());
  CHECK(unkeyed.report["impact"]["duplicated"].get<uint64_t>() > 0);
  CHECK(unkeyed.report["impact"]["duplicate_oms_orders"].get<uint64_t>() >=
        unkeyed.report["impact"]["duplicated"].get<uint64_t>());
  CHECK(unkeyed.connector["orders_replayed"] == 0);
  const nlohmann::json* dup = check(unkeyed.report, "orders duplicated");
  REQUIRE(dup != nullptr);
  CHECK_FALSE((*dup)["held"].get<bool>());
  CHECK(unkeyed.serve_exit == 1);
  // No ack: the fault is not detected.
  CHECK(unkeyed.report["faults"][0]["mttd_s"].is_null());
}

TEST_CASE("serve + connect: a webhook signed with another secret is detected and refused") {
  Scratch scratch("serve-badsig");
  const ConnectedDrill drill = run_connected(scratch, "", "not-the-drills-secret", false);
  CHECK(drill.connector["bad_signatures"].get<uint64_t>() > 0);
  CHECK(drill.connector["orders_created"] == 0);
  CHECK(drill.report["live"]["webhooks"]["delivered"] == 0);
  CHECK(drill.report["live"]["webhooks"]["failed_attempts"].get<uint64_t>() > 0);
  CHECK(drill.report["impact"]["in_oms_once"] == 0);
}

}  // namespace
}  // namespace syncdrill::testing
