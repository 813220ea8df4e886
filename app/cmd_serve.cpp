// syncdrill serve SCENARIO [--listen HOST:PORT] [--time-scale X] [--webhook-url URL] ...: a live
// drill. The scenario's mock systems answer over HTTP while its traffic and faults play out in
// scaled wall-clock time; the team's connector is the system under test. When the drill ends
// (POST /_drill/finish, SIGINT/SIGTERM or --duration) the reports are written as `run` writes
// them. Routes: docs/live-api.md and docs/live-control.md.
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <random>
#include <thread>
#include <tuple>

#include <fmt/format.h>

#include "app/cli.hpp"
#include "app/command_line.hpp"
#include "app/commands.hpp"
#include "app/exit_codes.hpp"
#include "app/live_drill.hpp"
#include "app/output_folder.hpp"
#include "app/scenario_input.hpp"
#include "core/scenario/values.hpp"
#include "mocks/http/listen_thread.hpp"
#include "mocks/http/webhook_sender.hpp"
#include "reports/atomic_file.hpp"
#include "reports/content_hash.hpp"
#include "reports/junit_xml.hpp"
#include "reports/live_report.hpp"
#include "reports/report_md.hpp"

namespace syncdrill {

namespace po = boost::program_options;

namespace {

struct ServeArgs {
  ServeOptions drill;
  std::string out_dir;
  bool quiet = false;
  std::optional<uint64_t> seed;
  std::string token_source = "--token";
  std::string secret_source = "--webhook-secret";
  std::string access_token_source = "--access-token";
  Overrides overrides;  // --set
};

// 32 hex characters from the OS's entropy: a token or secret nobody chose.
std::string random_hex() {
  std::random_device rd;
  std::string out;
  for (int i = 0; i < 4; ++i)
    out += fmt::format("{:08x}", rd());
  return out;
}

// A secret from --FLAG, else $ENV, else generated; `source` says which (printed at start).
std::optional<int> read_secret(const CommandLine& line, const char* flag, const char* env,
                               std::string& value, std::string& source) {
  if (line.has(flag)) {
    value = line.text(flag);
    if (value.empty()) return usage_error(fmt::format("--{} must not be empty", flag));
    source = fmt::format("--{}", flag);
  } else if (const char* from_env = std::getenv(env); from_env && *from_env) {
    value = from_env;
    source = fmt::format("${}", env);
  } else {
    value = random_hex();
    source = "generated";
  }
  return std::nullopt;
}

// A wall duration flag in seconds.
std::optional<int> read_wall_seconds(std::string_view flag, const std::string& text,
                                     double& seconds) {
  Duration d;
  if (auto stop = read_wall_duration(flag, text, d)) return stop;
  seconds = static_cast<double>(d.us) / 1e6;
  return std::nullopt;
}

std::optional<int> parse_serve_args(const std::vector<std::string>& args, ServeArgs& a) {
  CommandLine line("serve",
                   "usage: syncdrill serve SCENARIO [--listen HOST:PORT] [--time-scale X]\n"
                   "                       [--webhook-url URL] [--webhook-secret S] [--token T]\n"
                   "                       [--access-token T]\n"
                   "                       [--duration D] [--out DIR] [--seed N] [--hang D]\n"
                   "                       [--grace D] [--sample-interval D] [--quiet]\n\noptions");
  line.add()("listen", po::value<std::string>()->value_name("HOST:PORT"),
             "address to serve on (default 127.0.0.1:8080; port 0 picks a free one)")(
      "time-scale", po::value<std::string>()->value_name("X"),
      "scenario seconds per wall second (default 1; 60 plays an hour in a minute)")(
      "webhook-url", po::value<std::string>()->value_name("URL"),
      "where the channels POST their webhooks (default: none; the connector must poll)")(
      "webhook-secret", po::value<std::string>()->value_name("S"),
      "HMAC-SHA256 key of X-Syncdrill-Signature-256 (default: $SYNCDRILL_WEBHOOK_SECRET, else "
      "a random one, printed)")(
      "access-token", po::value<std::string>()->value_name("T"),
      "the platform API token channels of a platform dialect check (X-Shopify-Access-Token; "
      "default: $SYNCDRILL_ACCESS_TOKEN, else a random one, printed)")(
      "token", po::value<std::string>()->value_name("T"),
      "bearer token of the /_drill control API (default: $SYNCDRILL_DRILL_TOKEN, else a random "
      "one, printed)")("duration", po::value<std::string>()->value_name("D"),
                       "wall time the drill runs (default: the scenario's duration / X)");
  line.add_out("report folder (default: out/<scenario name>-live)");
  line.add_seed("root seed, a whole number >= 0 (default: the scenario's `seed`)");
  line.add()("hang", po::value<std::string>()->value_name("D"),
             "how long a timeout fault holds a request, wall time (default 30s, at most 60s)")(
      "grace", po::value<std::string>()->value_name("D"),
      "wall time the drill keeps serving after its traffic stops, so the connector's work in "
      "hand can land, before it scores (default 2s, at most 60s)")(
      "sample-interval", po::value<std::string>()->value_name("D"),
      "wall time between sweeps of the channel listings against the ERP (default 100ms)");
  line.add_quiet("print only the listening line, warnings and errors");
  line.take_scenarios(1);
  if (auto stop = line.parse(
          args,
          "Serves the scenario's channels, ERP, OMS and WMS over HTTP (docs/live-api.md)\n"
          "while its orders, restocks, price changes and faults play out in wall-clock\n"
          "time, sped up X times. The team's connector is the system under test. The\n"
          "control API (docs/live-control.md) adds and removes faults, records acks\n"
          "(POST /_drill/ack: the live MTTD) and finishes the drill. On finish, SIGINT,\n"
          "SIGTERM or --duration the drill writes DIR/report.json, report.md,\n"
          "junit.xml and report.html and exits 0 if every check held, 1 if one failed.\n")) {
    return stop;
  }
  if (auto stop = line.scenario(a.drill.scenario_path)) return stop;
  a.overrides = line.overrides();
  if (line.has("listen")) {
    const std::string listen = line.text("listen");
    const size_t colon = listen.rfind(':');
    int port = -1;
    if (colon != std::string::npos && colon > 0) {
      const char* end = listen.data() + listen.size();
      const auto [ptr, ec] = std::from_chars(listen.data() + colon + 1, end, port);
      if (ec != std::errc{} || ptr != end) port = -1;
    }
    if (port < 0 || port > 65535) {
      return usage_error(
          fmt::format("--listen takes HOST:PORT with a port 0..65535, not '{}'", listen));
    }
    a.drill.host = listen.substr(0, colon);
    if (a.drill.host.size() > 2 && a.drill.host.front() == '[' && a.drill.host.back() == ']') {
      a.drill.host = a.drill.host.substr(1, a.drill.host.size() - 2);  // [::1]:8080
    }
    a.drill.port = port;
  }
  if (line.has("time-scale")) {
    if (auto stop = read_time_scale(line.text("time-scale"), a.drill.time_scale)) return stop;
  }
  if (line.has("webhook-url")) {
    a.drill.webhook_url = line.text("webhook-url");
    if (auto error = WebhookSender::check_url(a.drill.webhook_url)) {
      return usage_error("--webhook-url: " + *error);
    }
  }
  for (auto [flag, env, value, source] :
       {std::tuple{"webhook-secret", "SYNCDRILL_WEBHOOK_SECRET", &a.drill.webhook_secret,
                   &a.secret_source},
        std::tuple{"access-token", "SYNCDRILL_ACCESS_TOKEN", &a.drill.access_token,
                   &a.access_token_source},
        std::tuple{"token", "SYNCDRILL_DRILL_TOKEN", &a.drill.token, &a.token_source}}) {
    if (auto stop = read_secret(line, flag, env, *value, *source)) return stop;
  }
  double seconds = 0;
  if (line.has("duration")) {
    if (auto stop = read_wall_seconds("--duration", line.text("duration"), seconds)) return stop;
    a.drill.duration_s = seconds;
  }
  if (line.has("hang")) {
    if (auto stop = read_wall_seconds("--hang", line.text("hang"), seconds)) return stop;
    if (seconds > 60) return usage_error("--hang is at most 60s (a held request ties a worker)");
    a.drill.hang_ms = std::max<int64_t>(1, std::llround(seconds * 1e3));
  }
  if (line.has("grace")) {
    if (auto stop = read_wall_seconds("--grace", line.text("grace"), seconds)) return stop;
    if (seconds > 60) return usage_error("--grace is at most 60s");
    a.drill.grace_s = seconds;
  }
  if (line.has("sample-interval")) {
    if (auto stop = read_wall_seconds("--sample-interval", line.text("sample-interval"), seconds))
      return stop;
    if (seconds < 0.01) return usage_error("--sample-interval is at least 10ms");
    a.drill.sample_interval_s = seconds;
  }
  a.out_dir = line.out_dir();
  if (auto stop = line.seed(a.seed)) return stop;
  a.quiet = line.quiet();
  return std::nullopt;
}

}  // namespace

int serve_command(const std::vector<std::string>& args) {
  ServeArgs a;
  if (auto stop = parse_serve_args(args, a)) return *stop;
  const std::optional<Scenario> scenario =
      load_scenario_or_report(a.drill.scenario_path, a.overrides);
  if (!scenario) return kExitUsage;
  a.drill.scenario_hash = scenario_hash(*scenario);
  a.drill.seed = a.seed.value_or(scenario->seed);
  const std::string out_dir =
      a.out_dir.empty() ? fmt::format("out/{}-live", scenario->name) : a.out_dir;
  if (std::string problem = out_folder_problem(out_dir); !problem.empty()) {
    std::cerr << "syncdrill: error: " << problem << "\n";
    return kExitUsage;
  }

  // SIGINT and SIGTERM end the drill through one thread that waits for them; every other
  // thread (started below, so they inherit the mask) never sees them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  LiveDrill drill(*scenario, a.drill);
  std::string error;
  if (!drill.start(&error)) return usage_error(error);
  // Signals stay blocked to the end of the process: a second Ctrl-C or TERM while the reports
  // are written is ignored rather than killing the process half-way (shutdown always writes).
  std::atomic<bool> done{false};
  std::thread signal_waiter([&] {
    const timespec tick{0, 100'000'000};
    while (!done.load()) {
      const int sig = sigtimedwait(&signals, nullptr, &tick);
      if (sig == SIGINT || sig == SIGTERM) drill.finish("signal");
    }
  });
  struct JoinWaiter {
    std::atomic<bool>& done;
    std::thread& waiter;
    ~JoinWaiter() {
      done.store(true);
      if (waiter.joinable()) waiter.join();
    }
  } join_waiter{done, signal_waiter};

  const std::string base = "http://" + host_port(a.drill.host, drill.port());
  std::cout << fmt::format("syncdrill serve: {} listening on {}\n", scenario->name, base);
  std::cout.flush();
  // Even with -q: the one line that says the drill is open to the network.
  if (!is_loopback_host(a.drill.host)) {
    std::cerr << "syncdrill: warning: serving beyond loopback on " << base
              << "; anyone who can reach it can call the mocks (the control API needs the "
                 "token)\n";
  }
  if (!a.quiet) {
    std::cout << fmt::format("  time scale x{} ({} s of scenario time per wall second)\n",
                             a.drill.time_scale, a.drill.time_scale);
    std::cout << fmt::format("  control token ({}): {}\n", a.token_source, a.drill.token);
    std::cout << fmt::format("  platform access token ({}): {}\n", a.access_token_source,
                             a.drill.access_token);
    if (a.drill.webhook_url.empty()) {
      std::cout << "  webhooks: none (no --webhook-url); the connector must poll orders\n";
    } else {
      std::cout << fmt::format("  webhooks: {} signed with the secret ({}): {}\n",
                               a.drill.webhook_url, a.secret_source, a.drill.webhook_secret);
    }
    std::cout << fmt::format(
        "  ack an incident: curl -X POST -H 'Authorization: Bearer {}' -H 'Content-Type: "
        "application/json' -d '{{\"note\":\"...\"}}' {}/_drill/ack\n  finish: Ctrl-C, or curl "
        "-X POST -d '' -H 'Authorization: Bearer {}' {}/_drill/finish\n",
        a.drill.token, base, a.drill.token, base);
  }
  std::cout.flush();

  LiveResult result = drill.wait();

  CreatedFolders created(out_dir);
  std::vector<std::pair<std::string, std::string>> files{
      {"report.json", live_report_json(*scenario, result).dump(2) + "\n"},
      {"report.md", live_report_markdown(*scenario, result)},
      {"junit.xml", live_report_junit(*scenario, result)},
      {"report.html", live_report_html(result)}};
  std::vector<std::string> written;
  error = make_directories(out_dir);
  if (error.empty()) error = write_all_or_nothing(out_dir, files, written);
  if (!error.empty()) {
    std::cerr << "syncdrill: error: " << error << "\n";
    return kExitInternal;
  }
  created.dismiss();
  if (!a.quiet) std::cout << live_scorecard_text(result, out_dir);
  return result.failed() ? kExitBreached : kExitOk;
}

}  // namespace syncdrill
