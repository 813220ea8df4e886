// `syncdrill serve` under load: the live drill (LiveDrill: the mock server with its fault gate,
// request observer and control routes, the traffic generator and the stock sweeps, all as the
// command runs them) on an ephemeral loopback port at time scale 1, driven by wrk (Debian
// package wrk; scripts/install-bench-deps installs it) with the scenario's faults removed and
// the channels' rate limits off, on one GET and one POST route. Prints per route
//   bench serve route=PATH method=M requests_per_s=X p99_ms=X non_2xx=N rss_mib=X
//   generator=wrk|builtin
// (rss_mib: the server process's resident memory after the run, to see it stays flat).
// Without wrk a small built-in keep-alive generator stands in (it competes for the same cores,
// so its figures are lower bounds).
// Arguments: [SCENARIO] [--duration-s N] [--connections N] [--threads N] [--workers N]
// [--keep-alive-max N]; by default black-friday-peak, 10 s, 64 connections, 2 wrk threads, 64
// server workers (cpp-httplib serves a connection per worker: fewer workers than connections
// leave connections waiting for a turn) and the server's default keep-alive limit.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>

#include "app/live_drill.hpp"
#include "core/observe/histogram.hpp"
#include "core/scenario/loader.hpp"
#include "mocks/http/mock_server.hpp"

#ifndef SYNCDRILL_SOURCE_DIR
#error "SYNCDRILL_SOURCE_DIR must name the source tree"
#endif

namespace {

using namespace syncdrill;

struct Settings {
  std::string scenario = std::string(SYNCDRILL_SOURCE_DIR) + "/scenarios/black-friday-peak.yaml";
  int duration_s = 10;
  int connections = 64;
  int threads = 2;
  size_t workers = 64;
  size_t keep_alive_max = MockServerOptions{}.keep_alive_max_count;
};

struct Figures {
  double requests_per_s = 0;
  double p99_ms = 0;
  uint64_t non_2xx = 0;
};

// This process's resident memory (the server's, as wrk runs apart), MiB; 0 if unknown.
double rss_mib() {
  FILE* f = std::fopen("/proc/self/status", "r");
  if (f == nullptr) return 0;
  char line[256];
  double kib = 0;
  while (std::fgets(line, sizeof line, f) != nullptr) {
    if (std::sscanf(line, "VmRSS: %lf kB", &kib) == 1) break;
  }
  std::fclose(f);
  return kib / 1024;
}

bool have_wrk() {
  return std::system("command -v wrk >/dev/null 2>&1") == 0;
}

// "1.23ms", "870.00us", "1.02s" as milliseconds.
double parse_ms(const std::string& text) {
  const double v = std::atof(text.c_str());
  if (text.find("us") != std::string::npos) return v / 1000;
  if (text.find("ms") != std::string::npos) return v;
  if (text.find('m') != std::string::npos) return v * 60'000;
  return v * 1000;  // "s"
}

// Runs wrk and reads Requests/sec, the 99% latency line (--latency) and non-2xx responses.
std::optional<Figures> run_wrk(const Settings& s, const std::string& url,
                               const std::string& script) {
  std::string cmd = "wrk -t" + std::to_string(s.threads) + " -c" + std::to_string(s.connections) +
                    " -d" + std::to_string(s.duration_s) + "s --latency";
  if (!script.empty()) cmd += " -s '" + script + "'";
  cmd += " '" + url + "' 2>&1";
  FILE* out = popen(cmd.c_str(), "r");
  if (out == nullptr) return std::nullopt;
  Figures f;
  bool seen_rate = false;
  char line[512];
  while (std::fgets(line, sizeof line, out) != nullptr) {
    const std::string l = line;
    char value[64];
    if (std::sscanf(line, " 99%% %63s", value) == 1) f.p99_ms = parse_ms(value);
    if (l.rfind("Requests/sec:", 0) == 0) {
      f.requests_per_s = std::atof(l.c_str() + 13);
      seen_rate = true;
    }
    if (l.find("Non-2xx or 3xx responses:") != std::string::npos) {
      f.non_2xx = std::strtoull(l.c_str() + l.find(':') + 1, nullptr, 10);
    }
  }
  if (pclose(out) != 0 || !seen_rate) return std::nullopt;
  return f;
}

// A stand-in for wrk: `connections` keep-alive clients in as many threads.
Figures run_builtin(const Settings& s, int port, const std::string& path, bool post) {
  std::atomic<uint64_t> non_2xx{0};
  std::vector<LatencyHistogram> latency(static_cast<size_t>(s.connections));
  std::vector<std::thread> clients;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(s.duration_s);
  for (int c = 0; c < s.connections; ++c) {
    clients.emplace_back([&, c] {
      httplib::Client client("127.0.0.1", port);
      client.set_keep_alive(true);
      // Headers and body go out in two writes: without TCP_NODELAY, Nagle's algorithm and the
      // server's delayed ACK hold every POST for ~40ms.
      client.set_tcp_nodelay(true);
      while (std::chrono::steady_clock::now() < deadline) {
        const auto start = std::chrono::steady_clock::now();
        const auto r =
            post ? client.Post(path.c_str(), R"({"sku": 1, "quantity": 100})", "application/json")
                 : client.Get(path.c_str());
        const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
            std::chrono::steady_clock::now() - start);
        latency[static_cast<size_t>(c)].record(us.count());
        if (!r || r->status / 100 != 2) ++non_2xx;
      }
    });
  }
  for (std::thread& t : clients)
    t.join();
  LatencyHistogram all;
  for (const LatencyHistogram& h : latency)
    all.merge(h);
  return Figures{static_cast<double>(all.count()) / s.duration_s,
                 static_cast<double>(all.quantile(0.99)) / 1000, non_2xx.load()};
}

Settings parse_args(int argc, char** argv) {
  Settings s;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--duration-s" && has_value) {
      s.duration_s = std::atoi(argv[++i]);
    } else if (arg == "--connections" && has_value) {
      s.connections = std::atoi(argv[++i]);
    } else if (arg == "--threads" && has_value) {
      s.threads = std::atoi(argv[++i]);
    } else if (arg == "--workers" && has_value) {
      s.workers = static_cast<size_t>(std::atoi(argv[++i]));
    } else if (arg == "--keep-alive-max" && has_value) {
      s.keep_alive_max = static_cast<size_t>(std::atoi(argv[++i]));
    } else {
      s.scenario = arg;
    }
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  const Settings settings = parse_args(argc, argv);
  LoadResult loaded = load_scenario_file(settings.scenario);
  if (!loaded.ok()) {
    std::fprintf(stderr, "bench serve: %s does not validate\n", settings.scenario.c_str());
    return 2;
  }
  Scenario scenario = std::move(*loaded.scenario);
  // The server's own speed is measured, not the channels' rate limits.
  for (ChannelSpec& c : scenario.channels)
    c.endpoint.rate_limit.reset();
  if (scenario.channels.empty() || scenario.catalog.skus < 2) {
    std::fprintf(stderr, "bench serve: the scenario needs a channel and two SKUs\n");
    return 2;
  }
  // No faults: the baseline speed. The customers keep ordering at the scenario's own pace.
  scenario.faults.clear();
  ServeOptions options;
  options.port = 0;
  options.time_scale = 1;
  options.token = "bench";
  options.seed = scenario.seed;
  options.worker_threads = settings.workers;
  options.keep_alive_max_count = settings.keep_alive_max;
  LiveDrill server(scenario, options);
  std::string error;
  if (!server.start(&error)) {
    std::fprintf(stderr, "bench serve: %s\n", error.c_str());
    return 3;
  }
  const std::string channel = scenario.channels.front().name;
  const std::string base = "http://127.0.0.1:" + std::to_string(server.port());
  const bool wrk = have_wrk();
  if (!wrk) {
    std::fprintf(stderr,
                 "bench serve: wrk not found (scripts/install-bench-deps installs it); "
                 "using the built-in generator\n");
  }
  struct Case {
    std::string method, path, script;
  };
  const std::vector<Case> cases = {
      {"GET", "/channels/" + channel + "/inventory/1", ""},
      {"POST", "/channels/" + channel + "/inventory/set",
       std::string(SYNCDRILL_SOURCE_DIR) + "/bench/serve_post.lua"},
  };
  int status = 0;
  for (const Case& c : cases) {
    std::optional<Figures> f =
        wrk ? run_wrk(settings, base + c.path, c.script)
            : run_builtin(settings, server.port(), c.path, c.method == "POST");
    if (!f) {
      std::fprintf(stderr, "bench serve: wrk failed on %s\n", c.path.c_str());
      status = 3;
      continue;
    }
    std::printf(
        "bench serve route=%s method=%s requests_per_s=%.0f p99_ms=%.2f non_2xx=%llu "
        "rss_mib=%.1f generator=%s\n",
        c.path.c_str(), c.method.c_str(), f->requests_per_s, f->p99_ms,
        static_cast<unsigned long long>(f->non_2xx), rss_mib(), wrk ? "wrk" : "builtin");
    std::fflush(stdout);
  }
  server.finish("bench");
  const LiveResult result = server.wait();
  std::printf("bench serve drill_requests=%llu orders_placed=%llu rss_mib=%.1f\n",
              static_cast<unsigned long long>(result.behaviour.requests),
              static_cast<unsigned long long>(result.orders.placed), rss_mib());
  return status;
}
