// End-to-end tests of the syncdrill binary: each runs the real executable in a scratch folder and
// checks its exit code, its messages and the files it leaves behind.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "core/scenario/loader.hpp"
#include "reports/expect_check.hpp"
#include "tests/app/cli_run.hpp"

namespace syncdrill::testing {
namespace {

namespace fs = std::filesystem;

const std::string kDemo = source_path("scenarios/black-friday-peak.yaml");
const std::string kSmall = source_path("tests/scenarios/valid/small-drill.yaml");

TEST_CASE("--help lists every command and exits 0") {
  Scratch s("help");
  const CliRun r = s.run("--help");
  CHECK(r.exit_code == 0);
  for (const char* command : {"run", "validate", "list"}) {
    CHECK(r.out.find(fmt::format("\n  {} ", command)) != std::string::npos);
  }
}

TEST_CASE("--version prints the version") {
  Scratch s("version");
  const CliRun r = s.run("--version");
  CHECK(r.exit_code == 0);
  CHECK(r.out == "syncdrill " SYNCDRILL_VERSION "\n");
}

TEST_CASE("every command answers --help with its usage") {
  Scratch s("cmdhelp");
  for (const char* command : {"run", "validate", "list"}) {
    const CliRun r = s.run(fmt::format("{} --help", command));
    CHECK(r.exit_code == 0);
    CHECK(r.out.find(fmt::format("usage: syncdrill {}", command)) == 0);
  }
}

TEST_CASE("an unknown command is a usage error with exit code 2") {
  Scratch s("unknown");
  const CliRun r = s.run("rnu");
  CHECK(r.exit_code == 2);
  CHECK(r.err ==
        "syncdrill: error: unknown command 'rnu'; did you mean 'run'? (see 'syncdrill --help' "
        "for the commands)\n");
  // A word no command is near gets no guess.
  const CliRun far = s.run("deploy");
  CHECK(far.exit_code == 2);
  CHECK(far.err ==
        "syncdrill: error: unknown command 'deploy' (see 'syncdrill --help' for the commands)\n");
}

TEST_CASE("a bad flag value is a usage error with exit code 2") {
  Scratch s("badseed");
  const CliRun r = s.run(fmt::format("run '{}' --seed banana", kSmall));
  CHECK(r.exit_code == 2);
  CHECK(r.err.rfind("syncdrill: error: ", 0) == 0);
  CHECK(r.err.find("seed") != std::string::npos);
}

TEST_CASE("validate accepts the shipped scenarios") {
  Scratch s("validate-ok");
  const CliRun r = s.run(fmt::format("validate '{}' '{}'", kDemo, kSmall));
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("ok: ") == 0);
  CHECK(r.err.empty());
}

TEST_CASE("validate reports a broken scenario with file, line and column and exits 2") {
  Scratch s("validate-bad");
  {
    std::ofstream f(s / "bad.yaml");
    f << "name: bad\nduration: 1h\nsystems:\n  - name: oms\n    kind: oms\n    wrokers: 3\n";
  }
  const CliRun r = s.run("validate bad.yaml");
  CHECK(r.exit_code == 2);
  CHECK(r.err.rfind("syncdrill: error: bad.yaml:6:5: ", 0) == 0);
  CHECK(r.err.find("unknown key 'wrokers'") != std::string::npos);
  CHECK(r.err.find("    wrokers: 3\n") != std::string::npos);  // the line, for the caret
}

TEST_CASE("run on a broken scenario exits 2 and leaves no report behind") {
  Scratch s("run-bad");
  {
    std::ofstream f(s / "bad.yaml");
    f << "name: bad\nduration: -5m\nsystems:\n  - name: oms\n    kind: oms\n";
  }
  const CliRun r = s.run("run bad.yaml --out out");
  CHECK(r.exit_code == 2);
  CHECK(r.err.rfind("syncdrill: error: bad.yaml:2:11: ", 0) == 0);
  CHECK_FALSE(fs::exists(s / "out"));
}

// A run cut short by its event limit is no result: exit 2, the limit named, nothing of the run
// left (no folder it made, no report or telemetry in a folder that was there).
TEST_CASE("a run stopped by its event limit exits 2, names the limit and leaves no report") {
  Scratch s("run-event-limit");
  const CliRun r = s.run(fmt::format("run '{}' --out out --telemetry --events-max 1000", kSmall));
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("the run reached its limit of 1000 events at t=") != std::string::npos);
  CHECK(r.err.find("(set by --events-max); no report written") != std::string::npos);
  CHECK_FALSE(fs::exists(s / "out"));

  fs::create_directories(s / "kept");
  const CliRun again =
      s.run(fmt::format("run '{}' --out kept --telemetry --events-max 1000", kSmall));
  CHECK(again.exit_code == 2);
  CHECK(fs::is_empty(s / "kept"));

  for (const char* bad : {"0", "-1", "ten", "1099511627777"}) {
    CAPTURE(bad);
    const CliRun b = s.run(fmt::format("run '{}' --out out --events-max {}", kSmall, bad));
    CHECK(b.exit_code == 2);
    CHECK(b.err.rfind("syncdrill: error: --events-max must be a whole number between 1 and "
                      "1099511627776",
                      0) == 0);
  }
}

// Each of these once validated and then ran for minutes (a 1us reconciliation interval reached
// 5 GB in a minute) or aborted; validate and run now refuse them at the key.
TEST_CASE("validate and run refuse a runaway interval and an aborting fraction, located") {
  Scratch s("runaway");
  const std::string head =
      "name: t\nduration: 1h\nchannels: [{name: shop, kind: shopify_like}]\n"
      "systems:\n  - {name: oms, kind: oms}\n";
  {
    std::ofstream f(s / "recon.yaml");
    f << head << "  - {name: erp, kind: erp}\nconnectors:\n"
      << "  - {name: r, flow: reconciliation, from: erp, to: oms, interval: 1us}\n";
  }
  {
    std::ofstream f(s / "restock.yaml");
    f << head << "  - {name: erp, kind: erp, restocks: {interval: 1m, sku_fraction: 0%}}\n";
  }
  const CliRun recon = s.run("validate recon.yaml");
  CHECK(recon.exit_code == 2);
  CHECK(recon.err.rfind("syncdrill: error: recon.yaml:8:67: connectors[0].interval: expected a "
                        "duration of at least 1s, got '1us'\n",
                        0) == 0);
  const CliRun restock = s.run("run restock.yaml --out out");
  CHECK(restock.exit_code == 2);
  CHECK(restock.err.rfind("syncdrill: error: restock.yaml:6:67: systems[1].restocks.sku_fraction: "
                          "expected a fraction above 0%",
                          0) == 0);
  CHECK_FALSE(fs::exists(s / "out"));
}

TEST_CASE("a missing scenario file is reported and exits 2") {
  Scratch s("run-missing");
  const CliRun r = s.run("run nowhere.yaml");
  CHECK(r.exit_code == 2);
  CHECK(r.err.rfind("syncdrill: error: nowhere.yaml", 0) == 0);
}

TEST_CASE("run writes report.json with the run's identity and per-endpoint statistics") {
  Scratch s("run-report");
  const CliRun r = s.run(fmt::format("run '{}' --seed 11 --out out", kSmall));
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("Replay:  syncdrill run ") != std::string::npos);
  const auto report = nlohmann::json::parse(read_file(s / "out/report.json"));
  CHECK(report["schema_version"] == 2);
  CHECK(report["syncdrill_version"] == SYNCDRILL_VERSION);
  CHECK(report["seed"] == 11);
  CHECK(report["scenario"]["name"] == "small-drill");
  CHECK(report["scenario"]["hash"].get<std::string>().rfind("sha256:", 0) == 0);
  CHECK(report["scenario"]["hash"].get<std::string>().size() == 7 + 64);
  CHECK(report["run"]["simulated_duration_s"] == 3600.0);
  CHECK(report["run"]["events_processed"].get<uint64_t>() > 0);
  REQUIRE(report["endpoints"].size() == 3);
  for (const auto& e : report["endpoints"]) {
    CHECK(e["arrivals"].get<uint64_t>() > 0);
    CHECK(e["utilization"].get<double>() > 0);
    CHECK(e["utilization"].get<double>() < 1);
  }
  REQUIRE(report["connectors"].size() == 2);
  CHECK(report["connectors"][0]["flow"] == "order_ingest");
  CHECK(report["connectors"][0]["series"]["queue_depth"].size() == 61);  // 0, 1, ..., 60 min
  // Ground truth: every order placed is in exactly one class.
  const auto& impact = report["impact"];
  CHECK(impact["orders_placed"].get<uint64_t>() ==
        impact["in_oms_once"].get<uint64_t>() + impact["duplicated"].get<uint64_t>() +
            impact["lost"].get<uint64_t>() + impact["oversold"].get<uint64_t>() +
            impact["in_flight"].get<uint64_t>());
  CHECK(impact["orders_placed"].get<uint64_t>() > 10000);
  CHECK(impact["skus_not_conserved"] == 0);
  CHECK(report["channels"][0]["freshness_ms"]["order_ingest"]["p95"].get<double>() > 0);
  // report.json, report.md, junit.xml, report.html and nothing else: no temporary files.
  CHECK(std::distance(fs::directory_iterator(s / "out"), fs::directory_iterator{}) == 4);
}

TEST_CASE("the same seed gives byte-identical reports and another seed different ones") {
  Scratch s("determinism");
  REQUIRE(s.run(fmt::format("run '{}' --seed 5 --out a -q", kSmall)).exit_code == 0);
  REQUIRE(s.run(fmt::format("run '{}' --seed 5 --out b -q", kSmall)).exit_code == 0);
  REQUIRE(s.run(fmt::format("run '{}' --seed 6 --out c -q", kSmall)).exit_code == 0);
  const std::string a = read_file(s / "a/report.json");
  CHECK(a.size() > 1000);
  CHECK(a == read_file(s / "b/report.json"));
  CHECK(a != read_file(s / "c/report.json"));
}

TEST_CASE("the default drill runs and prints a scorecard") {
  Scratch s("demo");
  const CliRun r = s.run(fmt::format("run '{}' --out demo", kDemo));
  // Its header promises a FAIL on one check: the stale EU price feed is detected too late.
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("Business impact") != std::string::npos);
  REQUIRE(fs::exists(s / "demo/report.json"));
  const auto report = nlohmann::json::parse(read_file(s / "demo/report.json"));
  CHECK(report["verdict"] == "fail");
  // Every fault acted and was caught; the two the runbook handles recovered within the hour
  // and a half of the critical tier.
  REQUIRE(report["faults"].size() == 3);
  for (const auto& f : report["faults"]) {
    CAPTURE(f["id"].get<std::string>());
    CHECK(f["hits"].get<uint64_t>() > 0);
    CHECK(f["missed"] == false);
    CHECK(!f["mttr_s"].is_null());
    if (f["id"] != "eu-price-feed-stale") {
      CHECK(f["mttd_s"].get<double>() <= 600);
      CHECK(f["mttr_s"].get<double>() <= 5400);
    }
  }
  // The breaches: the standard tier's MTTD for the stale price feed and amazon-eu's price
  // freshness under it (the per-channel check; all channels together stay inside), and the
  // critical tier's stock-sync error rate on amazon-us (the Lightning-Deal 429s).
  std::string breaches;
  for (const auto& t : report["tiers"]) {
    for (const auto& c : t["checks"]) {
      if (c["held"] == false) {
        const std::string subject =
            c["subject"].is_null() ? c["flow"].get<std::string>() : c["subject"].get<std::string>();
        breaches += t["name"].get<std::string>() + " " + c["check"].get<std::string>() + " " +
                    subject + ";";
      }
    }
  }
  CHECK(breaches ==
        "critical error_rate stock_sync;standard freshness_p95 price_sync;standard mttd "
        "eu-price-feed-stale;");
  for (const auto& m : report["monitors"])
    CHECK(m["false_positives"] == 0);
  const auto& impact = report["impact"];
  CHECK(impact["lost"] == 0);
  CHECK(impact["duplicated"] == 0);
  CHECK(impact["skus_not_conserved"] == 0);
  // Its expect block holds on this very report: what `run --expect` would judge, without a
  // second day-long run (the short drills are judged in tests/library).
  const LoadResult loaded = load_scenario_file(kDemo);
  REQUIRE(loaded.ok());
  REQUIRE(loaded.scenario->expect.has_value());
  const ExpectResult expected = check_expectations(
      *loaded.scenario->expect, nlohmann::ordered_json::parse(read_file(s / "demo/report.json")));
  CHECK_MESSAGE(expected.met(), expect_summary(expected));
}

TEST_CASE("run --telemetry writes telemetry.jsonl next to report.json, one object per line") {
  Scratch s("telemetry");
  const CliRun r = s.run(fmt::format("run '{}' --seed 11 --out out --telemetry", kSmall));
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("Telemetry: out/telemetry.jsonl  ") != std::string::npos);
  REQUIRE(fs::exists(s / "out/telemetry.jsonl"));
  const auto report = nlohmann::json::parse(read_file(s / "out/report.json"));
  REQUIRE(report.contains("telemetry"));
  const auto& t = report["telemetry"];
  CHECK(t["file"] == "telemetry.jsonl");
  CHECK(t["sample"] == 1.0);
  CHECK(t["max_records"] == 1000000);
  CHECK(t["records_sampled_out"] == 0);
  CHECK(t["records_over_cap"] == 0);
  CHECK(t["cap_hit"] == false);
  CHECK(t["bytes_written"] == fs::file_size(s / "out/telemetry.jsonl"));
  std::istringstream lines(read_file(s / "out/telemetry.jsonl"));
  std::string line;
  uint64_t n = 0;
  for (; std::getline(lines, line); ++n) {
    const auto j = nlohmann::json::parse(line);
    for (const char* key : {"t_us", "kind", "request_id", "flow", "connector", "endpoint",
                            "attempt", "latency_us", "outcome", "error", "entity", "faults"}) {
      CHECK(j.contains(key));
    }
  }
  CHECK(t["records_written"] == n);
  CHECK(t["records_seen"] == n);
  // The four reports, telemetry.jsonl and nothing else: no temporary file left behind.
  CHECK(std::distance(fs::directory_iterator(s / "out"), fs::directory_iterator{}) == 5);
}

TEST_CASE("without --telemetry no telemetry file is written and the report has no telemetry") {
  Scratch s("no-telemetry");
  REQUIRE(s.run(fmt::format("run '{}' --out out -q", kSmall)).exit_code == 0);
  CHECK_FALSE(fs::exists(s / "out/telemetry.jsonl"));
  const auto report = nlohmann::json::parse(read_file(s / "out/report.json"));
  CHECK_FALSE(report.contains("telemetry"));
  // Telemetry observes the run, it does not change it.
  REQUIRE(s.run(fmt::format("run '{}' --out with -q --telemetry-sample 0.3", kSmall)).exit_code ==
          0);
  auto with = nlohmann::json::parse(read_file(s / "with/report.json"));
  with.erase("telemetry");
  CHECK(with == report);
}

TEST_CASE("telemetry is deterministic and the record cap is reported") {
  Scratch s("telemetry-cap");
  const std::string run = fmt::format("run '{}' --seed 4 --telemetry-sample 0.5 -q", kSmall);
  REQUIRE(s.run(run + " --out a").exit_code == 0);
  REQUIRE(s.run(run + " --out b").exit_code == 0);
  CHECK(read_file(s / "a/telemetry.jsonl") == read_file(s / "b/telemetry.jsonl"));
  CHECK(read_file(s / "a/report.json") == read_file(s / "b/report.json"));
  CHECK(nlohmann::json::parse(read_file(s / "a/report.json"))["telemetry"]["sample"] == 0.5);

  const CliRun r = s.run(fmt::format("run '{}' --telemetry-max-records 5 --out c", kSmall));
  REQUIRE(r.exit_code == 0);
  const auto t = nlohmann::json::parse(read_file(s / "c/report.json"))["telemetry"];
  const uint64_t seen = t["records_seen"].get<uint64_t>();
  CHECK(t["max_records"] == 5);
  CHECK(t["records_written"] == std::min<uint64_t>(seen, 5));
  CHECK(t["cap_hit"] == (seen > 5));
  CHECK((r.out.find("warning: telemetry cap reached") != std::string::npos) == (seen > 5));
}

TEST_CASE("a bad telemetry flag value is a usage error with exit code 2 and writes nothing") {
  Scratch s("telemetry-bad");
  for (const char* flag :
       {"--telemetry-sample 0", "--telemetry-sample 2", "--telemetry-sample -0.5",
        "--telemetry-sample nan", "--telemetry-sample 0.5x", "--telemetry-max-records 0",
        "--telemetry-max-records -3", "--telemetry-max-records ten"}) {
    CAPTURE(flag);
    const CliRun r = s.run(fmt::format("run '{}' --out out {}", kSmall, flag));
    CHECK(r.exit_code == 2);
    CHECK(r.err.rfind("syncdrill: error: --telemetry-", 0) == 0);
    CHECK_FALSE(fs::exists(s / "out"));
  }
}

TEST_CASE(
    "--out naming a file, or under one, is bad input: exit 2 before running, nothing written") {
  Scratch s("out-is-a-file");
  { std::ofstream f(s / "taken"); }
  for (const char* out : {"taken", "taken/out"}) {
    for (const char* extra : {"", " --telemetry"}) {
      INFO(out << extra);
      const CliRun r = s.run(fmt::format("run '{}' --out {}{}", kSmall, out, extra));
      CHECK(r.exit_code == 2);
      CHECK(r.err.rfind(fmt::format("syncdrill: error: --out '{}'", out), 0) == 0);
      CHECK(r.err.find("is a file, expected a folder") != std::string::npos);
      CHECK(r.out.empty());  // refused before the simulation: no scorecard
      CHECK(std::distance(fs::directory_iterator(s.dir()), fs::directory_iterator{}) == 3);
    }
  }
}

TEST_CASE("list shows the shipped drills with their descriptions") {
  Scratch s("list");
  const CliRun r = s.run(fmt::format("list --dir '{}'", source_path("scenarios")));
  CHECK(r.exit_code == 0);
  // Alphabetical: the backoff experiment comes first, then the campaign day.
  CHECK(r.out.find("backoff-contention ") == 0);
  CHECK(r.out.find("\nblack-friday-peak ") != std::string::npos);
  CHECK(r.out.find("invalid") == std::string::npos);
}

const std::string kBreached = source_path("tests/scenarios/valid/breached-drill.yaml");

TEST_CASE("a breached tier exits 1 and every report says why") {
  Scratch s("breached");
  const CliRun r = s.run(fmt::format("run '{}' --out out", kBreached));
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("Verdict: FAIL (2 of 2 SLA tiers breached)") != std::string::npos);
  CHECK(r.out.find("fault stock-stuck was never detected: no monitor in scope fired") !=
        std::string::npos);
  // Not a terminal: no colour codes.
  CHECK(r.out.find('\x1b') == std::string::npos);
  const auto report = nlohmann::json::parse(read_file(s / "out/report.json"));
  CHECK(report["verdict"] == "fail");
  REQUIRE(report["tiers"].size() == 2);
  CHECK(report["tiers"][0]["held"] == false);
  REQUIRE(report["faults"].size() == 2);
  CHECK(report["faults"][0]["mttd_s"] == 90.0);
  CHECK(report["faults"][0]["detected_by"] == nlohmann::json::array({"ingest-errors"}));
  CHECK(report["faults"][1]["missed"] == true);
  CHECK(report["faults"][1]["mttd_s"].is_null());
  REQUIRE(report["monitors"].size() == 1);
  CHECK(report["monitors"][0]["firings"][0]["attributed_to"] ==
        nlohmann::json::array({"oms-down"}));
  const std::string junit = read_file(s / "out/junit.xml");
  CHECK(junit.find("type=\"missed\"") != std::string::npos);
  CHECK(junit.find("type=\"sla_breach\"") != std::string::npos);
  CHECK(read_file(s / "out/report.md").find("FAIL") != std::string::npos);
  CHECK(read_file(s / "out/report.html").find("<svg") != std::string::npos);
}

const std::string kBlind = source_path("tests/scenarios/valid/blind-drill.yaml");

// The lines of `text` that start with `prefix`.
std::vector<std::string> lines_with(const std::string& text, const std::string& prefix) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(prefix, 0) == 0) out.push_back(line);
  }
  return out;
}

TEST_CASE("validate warns of a fault no monitor can see and of a blind monitor, and exits 0") {
  Scratch s("validate-warn");
  const CliRun r = s.run(fmt::format("validate '{}' '{}'", kBlind, kSmall));
  CHECK(r.exit_code == 0);
  CHECK(lines_with(r.out, "ok: ").size() == 2);
  const std::string prefix = fmt::format("syncdrill: warning: {}: ", kBlind);
  const std::vector<std::string> warnings = lines_with(r.err, "syncdrill: warning: ");
  REQUIRE(warnings.size() == 2);  // none for small-drill, which has no faults
  CHECK(warnings[0] == prefix +
                           "fault erp-down (outage on erp) touches connector ingest, but no "
                           "monitor watches it: it can never be detected");
  CHECK(warnings[1] ==
        prefix +
            "monitor outlet-errors (target outlet, every flow) watches no connector, "
            "so none of its firings can be attributed to a fault");
  // A broken file beside it still decides the exit code alone.
  {
    std::ofstream f(s / "bad.yaml");
    f << "name: bad\n";
  }
  CHECK(s.run(fmt::format("validate '{}' bad.yaml", kBlind)).exit_code == 2);
}

TEST_CASE("run prints the warnings to stderr and in every report, they never change the exit") {
  Scratch s("run-warn");
  const CliRun r = s.run(fmt::format("run '{}' --out out", kBlind));
  CHECK(r.exit_code == 0);  // not scored: no tiers
  const std::vector<std::string> warnings = lines_with(r.err, "syncdrill: warning: ");
  REQUIRE(warnings.size() == 2);
  CHECK(warnings[0].find("fault erp-down (outage on erp) touches connector ingest") !=
        std::string::npos);
  CHECK(warnings[1].find("monitor outlet-errors (target outlet, every flow)") != std::string::npos);
  // The scorecard: a Warnings block just before the verdict.
  const size_t block = r.out.find("\nWarnings:\n  - fault erp-down (outage on erp)");
  REQUIRE(block != std::string::npos);
  CHECK(block < r.out.find("\nVerdict: NOT SCORED"));
  CHECK(r.out.find("  - monitor outlet-errors (target outlet, every flow)") != std::string::npos);
  const auto report = nlohmann::json::parse(read_file(s / "out/report.json"));
  REQUIRE(report["warnings"].size() == 2);
  CHECK(warnings[0].find(report["warnings"][0].get<std::string>()) != std::string::npos);
  CHECK(warnings[1].find(report["warnings"][1].get<std::string>()) != std::string::npos);
  CHECK(report["faults"][0]["missed"] == true);
  const std::string md = read_file(s / "out/report.md");
  CHECK(md.find("\n## Warnings\n\n- fault erp-down") < md.find("\n## SLA tiers\n"));
  CHECK(read_file(s / "out/report.html").find("<ul class=\"warning warnings\">") !=
        std::string::npos);
  // --quiet silences the scorecard, not the warnings.
  const CliRun quiet = s.run(fmt::format("run '{}' --out q -q", kBlind));
  CHECK(quiet.exit_code == 0);
  CHECK(quiet.out.empty());
  CHECK(lines_with(quiet.err, "syncdrill: warning: ") == warnings);
}

TEST_CASE("a breached drill with an unwatched fault still exits 1, with the warning") {
  Scratch s("breached-warn");
  const CliRun r = s.run(fmt::format("run '{}' --out out -q", kBreached));
  CHECK(r.exit_code == 1);
  CHECK(r.err == fmt::format("syncdrill: warning: {}: fault stock-stuck (consumer_stall on stock) "
                             "touches connector stock, but no monitor watches it: it can never "
                             "be detected\n",
                             kBreached));
}

TEST_CASE("--format chooses the report files, an unknown format is a usage error") {
  Scratch s("formats");
  CHECK(s.run(fmt::format("run '{}' --out a -q --format junit,json", kBreached)).exit_code == 1);
  CHECK(fs::exists(s / "a/report.json"));
  CHECK(fs::exists(s / "a/junit.xml"));
  CHECK_FALSE(fs::exists(s / "a/report.md"));
  const CliRun bad = s.run(fmt::format("run '{}' --out b --format pdf", kBreached));
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("--format takes json, md, junit and html") != std::string::npos);
  CHECK_FALSE(fs::exists(s / "b"));
}

}  // namespace
}  // namespace syncdrill::testing
