// syncdrill connect --target URL [--listen HOST:PORT] ...: runs the reference connector
// (connector/) against a live drill until SIGINT, SIGTERM or --duration, then prints its stats.
// --dialect shopify --shop-url URL: the Shopify mode (docs/reference-connector.md).
#include <signal.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/cli.hpp"
#include "app/command_line.hpp"
#include "app/commands.hpp"
#include "app/exit_codes.hpp"
#include "app/scenario_input.hpp"
#include "connector/reference_connector.hpp"
#include "connector/shopify_wire.hpp"
#include "core/scenario/values.hpp"
#include "reports/atomic_file.hpp"

namespace syncdrill {

namespace po = boost::program_options;

namespace {

constexpr const char* kDefaultSecretEnv = "SYNCDRILL_WEBHOOK_SECRET";
constexpr const char* kAccessTokenEnv = "SYNCDRILL_ACCESS_TOKEN";

struct ConnectArgs {
  ConnectorOptions options;
  std::optional<std::chrono::milliseconds> duration;  // wall time; none = until a signal
  std::string stats_path;                             // empty = stdout only
};

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
std::optional<int> apply_scenario(const CommandLine& line, ConnectorOptions& o) {
  if (line.has("policy") && !line.has("scenario")) {
    return usage_error("--policy names a policy of a scenario: pass --scenario FILE too");
  }
  if (!line.has("scenario")) return std::nullopt;
  const std::string path = line.text("scenario");
  const std::optional<Scenario> scenario = load_scenario_or_report(path);
  if (!scenario) return kExitUsage;
  if (line.has("policy")) {
    const std::string name = line.text("policy");
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
std::optional<int> apply_secret(const CommandLine& line, ConnectorOptions& o) {
  o.verify_signatures = !line.has("no-signature-check");
  if (line.has("secret")) {
    o.secret = line.text("secret");
  } else {
    const std::string env =
        line.has("secret-env") ? line.text("secret-env") : std::string(kDefaultSecretEnv);
    if (const char* value = std::getenv(env.c_str()); value != nullptr) o.secret = value;
  }
  if (o.verify_signatures && o.secret.empty()) {
    return usage_error(fmt::format(
        "no webhook secret: pass --secret S or set ${} (the one `syncdrill serve` signs with), "
        "or --no-signature-check to accept unsigned webhooks",
        line.has("secret-env") ? line.text("secret-env") : kDefaultSecretEnv));
  }
  return std::nullopt;
}

// --dialect shopify: the shop URL, API version, access token and poll interval; the target
// defaults to the shop URL's host. Returns the exit code to stop with, or nothing.
std::optional<int> apply_shopify(const CommandLine& line, ConnectorOptions& o) {
  const std::string dialect = line.has("dialect") ? line.text("dialect") : "syncdrill";
  if (dialect == "syncdrill") {
    for (const char* flag : {"shop-url", "api-version", "access-token", "poll-interval"}) {
      if (line.has(flag)) return usage_error(fmt::format("--{} needs --dialect shopify", flag));
    }
    return std::nullopt;
  }
  if (dialect != "shopify") {
    return usage_error(fmt::format("--dialect takes syncdrill or shopify, not '{}'", dialect));
  }
  o.dialect = ConnectorDialect::shopify;
  if (!line.has("shop-url")) {
    return usage_error("--dialect shopify needs --shop-url http://HOST:PORT/channels/NAME");
  }
  o.shopify.shop_url = line.text("shop-url");
  std::string error;
  const std::optional<ShopUrl> shop = parse_shop_url(o.shopify.shop_url, &error);
  if (!shop) return usage_error(fmt::format("--shop-url '{}': {}", o.shopify.shop_url, error));
  if (!line.has("target")) o.target_url = shop->origin;
  if (line.has("api-version")) o.shopify.api_version = line.text("api-version");
  if (!is_api_version(o.shopify.api_version)) {
    return usage_error(
        fmt::format("--api-version takes YYYY-MM (e.g. 2025-01), not '{}'", o.shopify.api_version));
  }
  if (line.has("access-token")) {
    o.shopify.access_token = line.text("access-token");
  } else if (const char* value = std::getenv(kAccessTokenEnv); value != nullptr) {
    o.shopify.access_token = value;
  }
  if (o.shopify.access_token.empty()) {
    return usage_error(fmt::format(
        "--dialect shopify needs the shop's access token: --access-token T or ${} (the one "
        "`syncdrill serve` prints)",
        kAccessTokenEnv));
  }
  if (line.has("poll-interval") && line.text("poll-interval") == "0") {
    o.shopify.poll_interval_ms = 0;
  } else if (line.has("poll-interval")) {
    Duration d;
    if (auto stop = read_wall_duration("--poll-interval", line.text("poll-interval"), d)) {
      return stop;
    }
    o.shopify.poll_interval_ms = std::max<int64_t>(1, d.us / 1000);
  }
  return std::nullopt;
}

std::optional<int> parse_values(const CommandLine& line, ConnectArgs& a) {
  ConnectorOptions& o = a.options;
  if (auto stop = apply_shopify(line, o)) return stop;
  if (!line.has("target") && o.target_url.empty()) {
    return usage_error("connect needs --target http://HOST:PORT");
  }
  if (line.has("target")) o.target_url = line.text("target");
  while (o.target_url.ends_with('/'))
    o.target_url.pop_back();
  if (!o.target_url.starts_with("http://")) {
    return usage_error(fmt::format("--target takes an http:// URL, not '{}'", o.target_url));
  }
  const std::string listen = line.has("listen") ? line.text("listen") : "127.0.0.1:8081";
  if (!parse_listen(listen, o)) {
    return usage_error(fmt::format("--listen takes HOST:PORT (PORT 0..65535), not '{}'", listen));
  }
  if (line.has("time-scale")) {
    if (auto stop = read_time_scale(line.text("time-scale"), o.time_scale)) return stop;
  }
  if (line.has("duration")) {
    Duration d;
    if (auto stop = read_wall_duration("--duration", line.text("duration"), d)) return stop;
    a.duration = std::chrono::milliseconds(std::max<int64_t>(1, d.us / 1000));
  }
  if (line.has("workers")) {
    const std::string& text = line.text("workers");
    const std::optional<uint64_t> workers = whole_number(text);
    if (!workers || *workers < 1 || *workers > 64) {
      return usage_error(fmt::format("--workers takes a whole number 1..64, not '{}'", text));
    }
    o.worker_threads = *workers;
  }
  if (line.has("stats")) a.stats_path = line.text("stats");
  if (auto stop = apply_scenario(line, o)) return stop;
  // A reference connector is well-behaved by default: keys and dedupe on whatever the policy.
  o.policy.idempotency_keys = !line.has("no-idempotency-keys");
  o.policy.webhook_dedupe = !line.has("no-dedupe");
  if (auto stop = apply_secret(line, o)) return stop;
  if (auto error = ReferenceConnector::check_options(o)) return usage_error(*error);
  return std::nullopt;
}

// Returns the exit code to stop with, or nothing to go on.
std::optional<int> parse_connect_args(const std::vector<std::string>& args, ConnectArgs& a) {
  CommandLine line(
      "connect",
      "usage: syncdrill connect --target http://HOST:PORT [--listen HOST:PORT]\n"
      "                         [--dialect shopify --shop-url URL\n"
      "                          [--api-version YYYY-MM] [--access-token T]\n"
      "                          [--poll-interval D]]\n"
      "                         [--secret S | --secret-env NAME]\n"
      "                         [--scenario FILE --policy NAME] [--no-signature-check]\n"
      "                         [--no-idempotency-keys] [--no-dedupe] [--time-scale X]\n"
      "                         [--workers N] [--duration D] [--stats FILE]\n\noptions");
  line.add()("target", po::value<std::string>()->value_name("URL"),
             "the drill's base URL, e.g. http://127.0.0.1:8080 (required; Shopify mode: the shop "
             "URL's host)")(
      "listen", po::value<std::string>()->value_name("HOST:PORT"),
      "where webhooks are received, POST /webhooks (default 127.0.0.1:8081; port 0 = any free "
      "one, printed)")("secret", po::value<std::string>()->value_name("S"),
                       "HMAC-SHA256 key of webhook signatures")(
      "secret-env", po::value<std::string>()->value_name("NAME"),
      "read the secret from this environment variable (default: SYNCDRILL_WEBHOOK_SECRET)")(
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
      "stats", po::value<std::string>()->value_name("FILE"), "also write the final stats here")(
      "dialect", po::value<std::string>()->value_name("NAME"),
      "the channel's wire format: syncdrill (default) or shopify")(
      "shop-url", po::value<std::string>()->value_name("URL"),
      "Shopify mode: the shop, http://HOST:PORT/channels/NAME in a drill (required)")(
      "api-version", po::value<std::string>()->value_name("YYYY-MM"),
      "Shopify mode: the Admin API version in every path (default 2025-01)")(
      "access-token", po::value<std::string>()->value_name("T"),
      "Shopify mode: X-Shopify-Access-Token (default: $SYNCDRILL_ACCESS_TOKEN)")(
      "poll-interval", po::value<std::string>()->value_name("D"),
      "Shopify mode: wall time between backup polls of orders.json, 0 = none (default 5s)");
  if (auto stop = line.parse(
          args,
          "Runs the reference connector against `syncdrill serve`: it takes the drill's\n"
          "orders/create webhooks, creates each order in the OMS and pushes the SKUs'\n"
          "ERP stock to the channels, under the policy's timeout, retries, budget and\n"
          "breaker. On SIGINT, SIGTERM or --duration it stops and prints its stats as\n"
          "JSON. docs/reference-connector.md explains what it does and why.\n")) {
    return stop;
  }
  return parse_values(line, a);
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
  if (o.dialect == ConnectorDialect::shopify) {
    std::cerr << fmt::format(
        "  shopify: {} (API {}), backup poll {}\n", o.shopify.shop_url, o.shopify.api_version,
        o.shopify.poll_interval_ms > 0 ? fmt::format("every {} ms", o.shopify.poll_interval_ms)
                                       : std::string("off"));
  }
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
