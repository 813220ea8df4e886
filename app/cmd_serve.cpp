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

#include <fmt/format.h>
#include <boost/program_options.hpp>

#include "app/cli.hpp"
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
#include "reports/live_report.hpp"

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
};

// 32 hex characters from the OS's entropy: a token or secret nobody chose.
std::string random_hex() {
  std::random_device rd;
  std::string out;
  for (int i = 0; i < 4; ++i)
    out += fmt::format("{:08x}", rd());
  return out;
}

std::optional<double> parse_positive(const std::string& text) {
  double value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc{} || ptr != end || !std::isfinite(value) || value <= 0) return std::nullopt;
  return value;
}

std::optional<int> wall_duration_error(const std::string& flag, const std::string& text,
                                       double& seconds) {
  const scenario::Parsed<Duration> d = scenario::parse_duration(text);
  if (!d.value || d.value->us <= 0) {
    return usage_error(
        fmt::format("{} takes a positive duration such as 30s, 5m or 250ms, not "
                    "'{}'",
                    flag, text));
  }
  seconds = static_cast<double>(d.value->us) / 1e6;
  return std::nullopt;
}

std::optional<int> parse_serve_args(const std::vector<std::string>& args, ServeArgs& a) {
  po::options_description visible(
      "usage: syncdrill serve SCENARIO [--listen HOST:PORT] [--time-scale X]\n"
      "                       [--webhook-url URL] [--duration D] [--out DIR]\n\noptions");
  visible.add_options()("help,h", "show this help")(
      "listen", po::value<std::string>()->value_name("HOST:PORT"),
      "address to serve on (default 127.0.0.1:8080; port 0 picks a free one)")(
      "time-scale", po::value<std::string>()->value_name("X"),
      "scenario seconds per wall second (default 1; 60 plays an hour in a minute)")(
      "webhook-url", po::value<std::string>()->value_name("URL"),
      "where the channels POST their webhooks (default: none; the connector must poll)")(
      "webhook-secret", po::value<std::string>()->value_name("S"),
      "HMAC-SHA256 key of X-Syncdrill-Signature-256 (default: $SYNCDRILL_WEBHOOK_SECRET, else "
      "a random one, printed)")(
      "token", po::value<std::string>()->value_name("T"),
      "bearer token of the /_drill control API (default: $SYNCDRILL_DRILL_TOKEN, else a random "
      "one, printed)")("duration", po::value<std::string>()->value_name("D"),
                       "wall time the drill runs (default: the scenario's duration / X)")(
      "out", po::value<std::string>()->value_name("DIR"),
      "report folder (default: out/<scenario name>-live)")(
      "seed", po::value<std::string>()->value_name("N"),
      "root seed, a whole number >= 0 (default: the scenario's `seed`)")(
      "hang", po::value<std::string>()->value_name("D"),
      "how long a timeout fault holds a request, wall time (default 30s, at most 60s)")(
      "grace", po::value<std::string>()->value_name("D"),
      "wall time the drill keeps serving after its traffic stops, so the connector's work in "
      "hand can land, before it scores (default 2s, at most 60s)")(
      "sample-interval", po::value<std::string>()->value_name("D"),
      "wall time between sweeps of the channel listings against the ERP (default 100ms)")(
      "quiet,q", "print only the listening line, warnings and errors");
  po::options_description all;
  all.add(visible).add_options()("scenario", po::value<std::string>());
  po::positional_options_description positional;
  positional.add("scenario", 1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
  } catch (const po::error& e) {
    return usage_error(fmt::format("{} (see 'syncdrill serve --help')", e.what()));
  }
  if (vm.count("help")) {
    std::cout << visible
              << "\nServes the scenario's channels, ERP, OMS and WMS over HTTP (docs/live-api.md)\n"
                 "while its orders, restocks, price changes and faults play out in wall-clock\n"
                 "time, sped up X times. The team's connector is the system under test. The\n"
                 "control API (docs/live-control.md) adds and removes faults, records acks\n"
                 "(POST /_drill/ack: the live MTTD) and finishes the drill. On finish, SIGINT,\n"
                 "SIGTERM or --duration the drill writes DIR/report.json, report.md,\n"
                 "junit.xml and report.html and exits 0 if every check held, 1 if one failed.\n";
    return kExitOk;
  }
  if (!vm.count("scenario")) return usage_error("serve needs a scenario file");
  a.drill.scenario_path = vm["scenario"].as<std::string>();
  if (vm.count("listen")) {
    const std::string listen = vm["listen"].as<std::string>();
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
  if (vm.count("time-scale")) {
    const std::string text = vm["time-scale"].as<std::string>();
    const auto x = parse_positive(text);
    if (!x || *x > 1e6) {
      return usage_error(
          fmt::format("--time-scale takes a number with 0 < X <= 1000000, not '{}'", text));
    }
    a.drill.time_scale = *x;
  }
  if (vm.count("webhook-url")) {
    a.drill.webhook_url = vm["webhook-url"].as<std::string>();
    if (auto error = WebhookSender::check_url(a.drill.webhook_url)) {
      return usage_error("--webhook-url: " + *error);
    }
  }
  if (vm.count("webhook-secret")) {
    a.drill.webhook_secret = vm["webhook-secret"].as<std::string>();
    if (a.drill.webhook_secret.empty()) return usage_error("--webhook-secret must not be empty");
  } else if (const char* env = std::getenv("SYNCDRILL_WEBHOOK_SECRET"); env && *env) {
    a.drill.webhook_secret = env;
    a.secret_source = "$SYNCDRILL_WEBHOOK_SECRET";
  } else {
    a.drill.webhook_secret = random_hex();
    a.secret_source = "generated";
  }
  if (vm.count("token")) {
    a.drill.token = vm["token"].as<std::string>();
    if (a.drill.token.empty()) return usage_error("--token must not be empty");
  } else if (const char* env = std::getenv("SYNCDRILL_DRILL_TOKEN"); env && *env) {
    a.drill.token = env;
    a.token_source = "$SYNCDRILL_DRILL_TOKEN";
  } else {
    a.drill.token = random_hex();
    a.token_source = "generated";
  }
  double seconds = 0;
  if (vm.count("duration")) {
    if (auto stop = wall_duration_error("--duration", vm["duration"].as<std::string>(), seconds))
      return stop;
    a.drill.duration_s = seconds;
  }
  if (vm.count("hang")) {
    if (auto stop = wall_duration_error("--hang", vm["hang"].as<std::string>(), seconds))
      return stop;
    if (seconds > 60) return usage_error("--hang is at most 60s (a held request ties a worker)");
    a.drill.hang_ms = std::max<int64_t>(1, std::llround(seconds * 1e3));
  }
  if (vm.count("grace")) {
    if (auto stop = wall_duration_error("--grace", vm["grace"].as<std::string>(), seconds))
      return stop;
    if (seconds > 60) return usage_error("--grace is at most 60s");
    a.drill.grace_s = seconds;
  }
  if (vm.count("sample-interval")) {
    if (auto stop = wall_duration_error("--sample-interval",
                                        vm["sample-interval"].as<std::string>(), seconds))
      return stop;
    if (seconds < 0.01) return usage_error("--sample-interval is at least 10ms");
    a.drill.sample_interval_s = seconds;
  }
  if (vm.count("out")) a.out_dir = vm["out"].as<std::string>();
  if (vm.count("seed")) {
    const std::string text = vm["seed"].as<std::string>();
    uint64_t seed = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), seed);
    if (ec != std::errc{} || ptr != text.data() + text.size() || text.empty()) {
      return usage_error(fmt::format("--seed takes a whole number >= 0, not '{}'", text));
    }
    a.seed = seed;
  }
  a.quiet = vm.count("quiet") > 0;
  return std::nullopt;
}

}  // namespace

int serve_command(const std::vector<std::string>& args) {
  ServeArgs a;
  if (auto stop = parse_serve_args(args, a)) return *stop;
  const std::optional<Scenario> scenario = load_scenario_or_report(a.drill.scenario_path);
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
      {"report.json", live_report_json(result).dump(2) + "\n"},
      {"report.md", live_report_markdown(result)},
      {"junit.xml", live_report_junit(result)},
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
