// syncdrill connect --target URL [--listen HOST:PORT] ...: runs the reference connector
// (connector/) against a live drill until SIGINT, SIGTERM or --duration, then prints its stats.
#include <signal.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <thread>

#include <fmt/format.h>
#include <boost/program_options.hpp>

#include "app/cli.hpp"
#include "app/commands.hpp"
#include "app/exit_codes.hpp"
#include "app/scenario_input.hpp"
#include "connector/reference_connector.hpp"
#include "core/scenario/values.hpp"
#include "reports/atomic_file.hpp"

namespace syncdrill {

namespace po = boost::program_options;

namespace {

constexpr const char* kDefaultSecretEnv = "SYNCDRILL_WEBHOOK_SECRET";

struct ConnectArgs {
  ConnectorOptions options;
  std::optional<std::chrono::milliseconds> duration;  // wall time; none = until a signal
  std::string stats_path;                             // empty = stdout only
};

std::optional<double> parse_positive(const std::string& text) {
  double value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc{} || ptr != end || !std::isfinite(value) || value <= 0) return std::nullopt;
  return value;
}

// "HOST:PORT" with PORT 0..65535 (0 = any free port).
bool parse_listen(const std::string& text, ConnectorOptions& o) {
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  int port = 0;
  const char* begin = text.data() + colon + 1;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(begin, end, port);
  if (begin == end || ec != std::errc{} || ptr != end || port < 0 || port > 65535) return false;
  o.listen_host = text.substr(0, colon);
  o.listen_port = port;
  return true;
}

// --scenario FILE --policy NAME: the policy, and every channel (with its safety buffer) as a
// stock target. Returns the exit code to stop with, or nothing.
std::optional<int> apply_scenario(const po::variables_map& vm, ConnectorOptions& o) {
  if (vm.count("policy") && !vm.count("scenario")) {
    return usage_error("--policy names a policy of a scenario: pass --scenario FILE too");
  }
  if (!vm.count("scenario")) return std::nullopt;
  const std::string path = vm["scenario"].as<std::string>();
  const std::optional<Scenario> scenario = load_scenario_or_report(path);
  if (!scenario) return kExitUsage;
  if (vm.count("policy")) {
    const std::string name = vm["policy"].as<std::string>();
    const PolicySpec* policy = find_policy(*scenario, name);
    if (policy == nullptr) {
      std::string known;
      for (const PolicySpec& p : scenario->policies)
        known += (known.empty() ? "" : ", ") + p.name;
      return usage_error(fmt::format("{} has no policy '{}' (it has: {})", path, name,
                                     known.empty() ? "none" : known));
    }
    o.policy = *policy;
  }
  for (const ChannelSpec& c : scenario->channels) {
    o.stock_channels.push_back(StockTarget{c.name, c.safety_buffer});
  }
  return std::nullopt;
}

// The secret from --secret, else the environment variable --secret-env names.
std::optional<int> apply_secret(const po::variables_map& vm, ConnectorOptions& o) {
  o.verify_signatures = vm.count("no-signature-check") == 0;
  if (vm.count("secret")) {
    o.secret = vm["secret"].as<std::string>();
  } else {
    const std::string env = vm.count("secret-env") ? vm["secret-env"].as<std::string>()
                                                   : std::string(kDefaultSecretEnv);
    if (const char* value = std::getenv(env.c_str()); value != nullptr) o.secret = value;
  }
  if (o.verify_signatures && o.secret.empty()) {
    return usage_error(fmt::format(
        "no webhook secret: pass --secret S or set ${} (the one `syncdrill serve` signs with), "
        "or --no-signature-check to accept unsigned webhooks",
        vm.count("secret-env") ? vm["secret-env"].as<std::string>() : kDefaultSecretEnv));
  }
  return std::nullopt;
}

std::optional<int> parse_values(const po::variables_map& vm, ConnectArgs& a) {
  ConnectorOptions& o = a.options;
  if (!vm.count("target")) return usage_error("connect needs --target http://HOST:PORT");
  o.target_url = vm["target"].as<std::string>();
  while (o.target_url.ends_with('/'))
    o.target_url.pop_back();
  if (!o.target_url.starts_with("http://")) {
    return usage_error(fmt::format("--target takes an http:// URL, not '{}'", o.target_url));
  }
  const std::string listen = vm["listen"].as<std::string>();
  if (!parse_listen(listen, o)) {
    return usage_error(fmt::format("--listen takes HOST:PORT (PORT 0..65535), not '{}'", listen));
  }
  if (vm.count("time-scale")) {
    const std::string text = vm["time-scale"].as<std::string>();
    const std::optional<double> scale = parse_positive(text);
    if (!scale || *scale > 1e6) {
      return usage_error(
          fmt::format("--time-scale takes a number with 0 < X <= 1000000, not '{}'", text));
    }
    o.time_scale = *scale;
  }
  if (vm.count("duration")) {
    const std::string text = vm["duration"].as<std::string>();
    const scenario::Parsed<Duration> d = scenario::parse_duration(text);
    if (!d.value || d.value->us <= 0) {
      return usage_error(fmt::format(
          "--duration takes a positive duration such as 30s, 5m or 250ms, not '{}'", text));
    }
    a.duration = std::chrono::milliseconds(std::max<int64_t>(1, d.value->us / 1000));
  }
  if (vm.count("workers")) {
    const std::string text = vm["workers"].as<std::string>();
    size_t workers = 0;
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, workers);
    if (ec != std::errc{} || ptr != end || workers < 1 || workers > 64) {
      return usage_error(fmt::format("--workers takes a whole number 1..64, not '{}'", text));
    }
    o.worker_threads = workers;
  }
  if (vm.count("stats")) a.stats_path = vm["stats"].as<std::string>();
  if (auto stop = apply_scenario(vm, o)) return stop;
  // A reference connector is well-behaved by default: keys and dedupe on whatever the policy.
  o.policy.idempotency_keys = vm.count("no-idempotency-keys") == 0;
  o.policy.webhook_dedupe = vm.count("no-dedupe") == 0;
  if (auto stop = apply_secret(vm, o)) return stop;
  if (auto error = ReferenceConnector::check_options(o)) return usage_error(*error);
  return std::nullopt;
}

// Returns the exit code to stop with, or nothing to go on.
std::optional<int> parse_connect_args(const std::vector<std::string>& args, ConnectArgs& a) {
  po::options_description visible(
      "usage: syncdrill connect --target http://HOST:PORT [--listen HOST:PORT]\n"
      "                         [--secret S | --secret-env NAME] [--scenario FILE --policy NAME]\n"
      "                         [--no-idempotency-keys] [--no-dedupe] [--time-scale X]\n"
      "                         [--workers N] [--duration D] [--stats FILE]\n\noptions");
  visible.add_options()("help,h", "show this help")(
      "target", po::value<std::string>()->value_name("URL"),
      "the drill's base URL, e.g. http://127.0.0.1:8080 (required)")(
      "listen", po::value<std::string>()->value_name("HOST:PORT")->default_value("127.0.0.1:8081"),
      "where webhooks are received (POST /webhooks); port 0 = any free one, printed")(
      "secret", po::value<std::string>()->value_name("S"), "HMAC-SHA256 key of webhook signatures")(
      "secret-env", po::value<std::string>()->value_name("NAME"),
      "read the secret from this environment variable (default SYNCDRILL_WEBHOOK_SECRET)")(
      "no-signature-check", "accept webhooks without checking their signature")(
      "scenario", po::value<std::string>()->value_name("FILE"),
      "take the policy and the stock channels from this scenario")(
      "policy", po::value<std::string>()->value_name("NAME"),
      "the scenario policy to follow (default: the built-in defaults)")(
      "no-idempotency-keys", "send OMS creates without Idempotency-Key (to see duplicates)")(
      "no-dedupe", "process redelivered webhook event ids again")(
      "time-scale", po::value<std::string>()->value_name("X"),
      "the drill's time scale: policy durations are divided by X (default 1)")(
      "duration", po::value<std::string>()->value_name("D"),
      "wall time to run, e.g. 5m (default: until SIGINT or SIGTERM)")(
      "workers", po::value<std::string>()->value_name("N"),
      "orders processed at once, 1..64 (default 4)")(
      "stats", po::value<std::string>()->value_name("FILE"), "also write the final stats here");
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(visible).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    return usage_error(fmt::format("{} (see 'syncdrill connect --help')", e.what()));
  }
  if (vm.count("help")) {
    std::cout << visible
              << "\nRuns the reference connector against `syncdrill serve`: it takes the drill's\n"
                 "orders/create webhooks, creates each order in the OMS and pushes the SKUs'\n"
                 "ERP stock to the channels, under the policy's timeout, retries, budget and\n"
                 "breaker. On SIGINT, SIGTERM or --duration it stops and prints its stats as\n"
                 "JSON. docs/reference-connector.md explains what it does and why.\n";
    return kExitOk;
  }
  return parse_values(vm, a);
}

// Waits for SIGINT, SIGTERM or the end of `duration`. REQUIRES: both signals blocked.
void wait_for_end(const sigset_t& signals, std::optional<std::chrono::milliseconds> duration) {
  const auto end = duration ? std::chrono::steady_clock::now() + *duration
                            : std::chrono::steady_clock::time_point::max();
  const timespec tick{0, 100'000'000};
  while (std::chrono::steady_clock::now() < end) {
    const int sig = sigtimedwait(&signals, nullptr, &tick);
    if (sig == SIGINT || sig == SIGTERM) return;
  }
}

}  // namespace

int connect_command(const std::vector<std::string>& args) {
  ConnectArgs a;
  if (auto stop = parse_connect_args(args, a)) return *stop;

  // SIGINT and SIGTERM are taken by wait_for_end; the connector's threads (started below, so
  // they inherit the mask) never see them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  ReferenceConnector connector(a.options);
  std::string error;
  if (!connector.start(&error)) {
    pthread_sigmask(SIG_UNBLOCK, &signals, nullptr);
    return usage_error(error + " (is another process using the port?)");
  }
  const ConnectorOptions& o = a.options;
  std::cerr << fmt::format(
      "syncdrill connect: webhooks at http://{}:{}/webhooks, calling {} (x{}, keys {}, dedupe "
      "{}, signatures {})\n",
      o.listen_host, connector.port(), o.target_url, o.time_scale,
      o.policy.idempotency_keys ? "on" : "off", o.policy.webhook_dedupe ? "on" : "off",
      o.verify_signatures ? "checked" : "NOT checked");
  wait_for_end(signals, a.duration);
  const ConnectorStats stats = connector.stop();
  pthread_sigmask(SIG_UNBLOCK, &signals, nullptr);

  const std::string text = to_json(stats).dump(2) + "\n";
  std::cout << text;
  if (!a.stats_path.empty()) {
    if (std::string write_error = write_file_atomically(a.stats_path, text); !write_error.empty()) {
      std::cerr << "syncdrill: error: " << write_error << "\n";
      return kExitInternal;
    }
  }
  return kExitOk;
}

}  // namespace syncdrill
