#include "mocks/http/control_api.hpp"

#include <fmt/format.h>
#include <httplib.h>
#include <openssl/crypto.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <memory>
#include <utility>

#include "core/engine/check.hpp"
#include "core/scenario/fault_kinds.hpp"
#include "core/scenario/fault_rules.hpp"
#include "core/scenario/values.hpp"
#include "mocks/http/server_routes.hpp"

namespace syncdrill {
namespace {

using nlohmann::json;

constexpr const char* kJson = "application/json";
constexpr const char* kPrometheus = "text/plain; version=0.0.4";

void reply(httplib::Response& res, int status, const json& body) {
  res.status = status;
  // Details echo the client's path and headers, which may not be UTF-8: replaced (U+FFFD), not
  // thrown on (nlohmann's default), or the answer would be a 500 (a fuzz finding).
  res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace), kJson);
}

// The mock server's error shape (docs/live-api.md): {"error": KIND, "detail": "..."}, plus
// "field" when one input is to blame. The kind follows from the status.
void fail(httplib::Response& res, int status, const std::string& detail,
          const std::string& field = {}) {
  const char* kind = "bad_request";
  switch (status) {
    case 400:
      kind = field.empty() ? "malformed_json" : "invalid_field";
      break;
    case 401:
      kind = "unauthorized";
      break;
    case 404:
      kind = "not_found";
      break;
    case 405:
      kind = "method_not_allowed";
      break;
    case 409:
      kind = "conflict";
      break;
    case 413:
      kind = "payload_too_large";
      break;
    case 415:
      kind = "unsupported_media_type";
      break;
    case 422:
      kind = "invalid_target";
      break;
    case 501:
      kind = "not_implemented";
      break;
    default:
      break;
  }
  json body{{"error", kind}, {"detail", detail}};
  if (!field.empty()) body["field"] = field;
  reply(res, status, body);
}

// The kinds the live fault table acts on, as the refusal of another names them: the request
// kinds, then the webhook kinds, each in FaultKind order ("latency, ... or webhook_delay").
std::string live_kind_names() {
  std::vector<std::string_view> names;
  for (const auto family : {scenario::FaultFamily::request, scenario::FaultFamily::webhook}) {
    for (const scenario::FaultKindRow& row : scenario::fault_kind_rows()) {
      if (row.family == family && LiveFaults::acts_on(row.kind)) names.push_back(row.name);
    }
  }
  SD_CHECK(names.size() >= 2, "the live fault table acts on several kinds");
  const std::string_view last = names.back();
  names.pop_back();
  return fmt::format("{} or {}", fmt::join(names, ", "), last);
}

// `Authorization: Bearer <token>`, the scheme in any case (RFC 7235 2.1: schemes are
// case-insensitive) and one or more spaces before the token. The token is compared in constant
// time: a wrong token's first differing byte cannot be found by timing the answer.
bool token_matches(const httplib::Request& req, const std::string& token) {
  const std::string given = req.get_header_value("Authorization");
  constexpr std::string_view kScheme = "bearer";
  if (given.size() <= kScheme.size() || given[kScheme.size()] != ' ') return false;
  for (size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(given[i])) != kScheme[i]) return false;
  }
  const size_t start = given.find_first_not_of(' ', kScheme.size());
  if (start == std::string::npos || given.size() - start != token.size()) return false;
  return CRYPTO_memcmp(given.data() + start, token.data(), token.size()) == 0;
}

struct Ctx {
  LiveFaults& faults;
  ControlHooks hooks;
  std::string token;
  ControlOptions options;
};

using Handler = std::function<void(const Ctx&, const httplib::Request&, httplib::Response&)>;

// Wraps a route with the token check, the body limit and the 501 for a missing hook.
httplib::Server::Handler guarded(std::shared_ptr<const Ctx> ctx, Handler h, bool open = false) {
  return [ctx = std::move(ctx), h = std::move(h), open](const httplib::Request& req,
                                                        httplib::Response& res) {
    if (!open && !token_matches(req, ctx->token)) {
      res.set_header("WWW-Authenticate", "Bearer");
      fail(res, 401, "missing or wrong bearer token (Authorization: Bearer <token>)");
      return;
    }
    if (req.body.size() > ctx->options.body_bytes_max) {
      fail(res, 413, "request body over " + std::to_string(ctx->options.body_bytes_max) + " bytes");
      return;
    }
    h(*ctx, req, res);
  };
}

// The body as a JSON object, or a 400 already written.
std::optional<json> json_body(const httplib::Request& req, httplib::Response& res,
                              bool empty_ok = false) {
  if (empty_ok && req.body.empty()) return json::object();
  // No Content-Type: taken as JSON. Another format named (curl -d sends a form's): refused.
  if (req.has_header("Content-Type") &&
      !http::is_json_media_type(req.get_header_value("Content-Type"))) {
    fail(res, 415,
         "the body must be JSON (Content-Type: application/json), not " +
             req.get_header_value("Content-Type"));
    return std::nullopt;
  }
  json body;
  try {
    body = json::parse(req.body);
  } catch (const json::exception& e) {
    // Says where (and e.g. that a number is out of a double's range).
    fail(res, 400, std::string("the body is not valid JSON: ") + e.what());
    return std::nullopt;
  }
  if (!body.is_object()) {
    fail(res, 400, "the body must be a JSON object");
    return std::nullopt;
  }
  return body;
}

// Reads the optional key `key` of `body` into `out` when present; an error when it has the wrong
// JSON type or is out of range.
class FieldReader {
 public:
  explicit FieldReader(const json& body) : body_(body) {}
  std::optional<LiveFaultError> error;

  const json* get(const char* key) {
    const auto it = body_.find(key);
    return it == body_.end() || error ? nullptr : &*it;
  }
  void integer(const char* key, int64_t& out, int64_t min, int64_t max) {
    const json* v = get(key);
    if (v == nullptr) return;
    // An unsigned value above INT64_MAX would wrap into range when read as a signed one.
    const bool huge =
        v->is_number_unsigned() && v->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX);
    if (!v->is_number_integer() || huge || v->get<int64_t>() < min || v->get<int64_t>() > max) {
      fail(key, "must be an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "]");
      return;
    }
    out = v->get<int64_t>();
  }
  // A finite number (1e400 parses as infinity: refused).
  void number(const char* key, double& out) {
    const json* v = get(key);
    if (v == nullptr) return;
    if (!v->is_number() || !std::isfinite(v->get<double>())) {
      return fail(key, "must be a finite number");
    }
    out = v->get<double>();
  }
  void boolean(const char* key, bool& out) {
    const json* v = get(key);
    if (v == nullptr) return;
    if (!v->is_boolean()) return fail(key, "must be true or false");
    out = v->get<bool>();
  }
  void string(const char* key, std::string& out) {
    const json* v = get(key);
    if (v == nullptr) return;
    if (!v->is_string()) return fail(key, "must be a string");
    out = v->get<std::string>();
  }
  void fail(const char* key, std::string message) {
    if (!error) error = LiveFaultError{key, std::move(message)};
  }

 private:
  const json& body_;
};

const std::vector<std::string_view>& known_keys() {
  static const std::vector<std::string_view> keys{
      "id",          "kind",       "target", "targets",       "intensity", "for",
      "duration_ms", "latency_ms", "status", "retry_after_s", "processed", "hang_ms",
      "rate_per_s",  "burst",      "per",    "delay_ms"};
  return keys;
}

std::optional<LiveFaultError> read_kind(FieldReader& r, LiveFaultSpec& s) {
  std::string name;
  r.string("kind", name);
  if (r.error) return r.error;
  if (name.empty()) return LiveFaultError{"kind", "kind is required"};
  const std::optional<FaultKind> kind = scenario::fault_kind_named(name);
  if (!kind || !LiveFaults::acts_on(*kind)) {
    return LiveFaultError{
        "kind", "unknown live fault kind '" + name + "' (expected " + live_kind_names() + ")"};
  }
  s.kind = *kind;
  return std::nullopt;
}

std::optional<LiveFaultError> read_targets(FieldReader& r, const json& body, LiveFaultSpec& s) {
  std::string one;
  r.string("target", one);
  if (!one.empty()) s.targets.push_back(one);
  if (const json* list = r.get("targets")) {
    if (!list->is_array()) return LiveFaultError{"targets", "must be a list of names"};
    for (const json& t : *list) {
      if (!t.is_string()) return LiveFaultError{"targets", "must be a list of names"};
      s.targets.push_back(t.get<std::string>());
    }
  }
  if (r.error) return r.error;
  if (s.targets.empty() && !body.contains("targets")) {
    return LiveFaultError{"target", "target is required (a channel or system name)"};
  }
  return std::nullopt;
}

std::optional<LiveFaultError> read_window(FieldReader& r, LiveFaultSpec& s) {
  std::string length;
  r.string("for", length);
  const int64_t max_ms = scenario::kFaultLengthMax.us / 1000;
  if (!length.empty()) {
    const auto parsed = scenario::parse_duration(length);
    if (!parsed.value) return LiveFaultError{"for", parsed.error};
    // The live table counts whole milliseconds.
    if (parsed.value->us < 1000) return LiveFaultError{"for", "must be at least 1ms"};
    if (*parsed.value > scenario::kFaultLengthMax) {
      return LiveFaultError{
          "for", "must be at most " + scenario::format_duration(scenario::kFaultLengthMax)};
    }
    s.duration_ms = parsed.value->us / 1000;
  }
  int64_t duration_ms = 0;
  r.integer("duration_ms", duration_ms, 1, max_ms);
  if (duration_ms > 0) s.duration_ms = duration_ms;
  return r.error;
}

std::optional<LiveFaultError> read_params(FieldReader& r, LiveFaultParams& p) {
  using namespace scenario;  // the ranges: fault_rules.hpp, shared with the scenario loader
  int64_t status = 0;
  r.integer("latency_ms", p.latency_ms, 1, kFaultDelayMaxMs);
  r.integer("status", status, kFaultStatusMin, kFaultStatusMax);
  p.status = static_cast<int>(status);
  r.integer("retry_after_s", p.retry_after_s, 0, kRetryAfterMaxS);
  r.boolean("processed", p.processed);
  r.integer("hang_ms", p.hang_ms, 1, kFaultDelayMaxMs);
  r.integer("delay_ms", p.delay_ms, 0, kFaultDelayMaxMs);
  double rate_per_s = 0;
  r.number("rate_per_s", rate_per_s);
  double burst = 0;
  r.number("burst", burst);
  std::string per;
  r.string("per", per);
  if (r.error) return r.error;
  if (per == "event") {
    p.per = DropScope::event;
  } else if (!per.empty() && per != "attempt") {
    return LiveFaultError{"per", "per must be attempt or event"};
  }
  if (r.get("rate_per_s") != nullptr || r.get("burst") != nullptr) {
    if (!valid_rate(rate_per_s)) {
      return LiveFaultError{"rate_per_s", "must be a rate above 0 (requests per second)"};
    }
    RateLimitSpec bucket;
    bucket.rate_per_s = rate_per_s;
    // The scenario's default: one second's worth, within the bucket sizes.
    bucket.burst = r.get("burst") != nullptr ? burst : default_bucket_size(rate_per_s);
    if (!valid_bucket_size(bucket.burst)) {
      return LiveFaultError{
          "burst", fmt::format("must be a number from {} to {}", kBucketSizeMin, kBucketSizeMax)};
    }
    p.rate_limit = bucket;
  }
  return std::nullopt;
}

}  // namespace

std::variant<LiveFaultSpec, LiveFaultError> parse_fault_spec(const json& body) {
  if (!body.is_object()) return LiveFaultError{"", "the body must be a JSON object"};
  for (const auto& item : body.items()) {
    const auto& keys = known_keys();
    if (std::find(keys.begin(), keys.end(), item.key()) == keys.end()) {
      return LiveFaultError{item.key(), "unknown key '" + item.key() + "'" +
                                            scenario::did_you_mean(item.key(), keys)};
    }
  }
  LiveFaultSpec s;
  FieldReader r(body);
  r.string("id", s.id);
  r.number("intensity", s.intensity);
  if (r.error) return *r.error;
  if (auto e = read_kind(r, s)) return *e;
  if (auto e = read_targets(r, body, s)) return *e;
  if (auto e = read_window(r, s)) return *e;
  if (auto e = read_params(r, s.params)) return *e;
  return s;
}

namespace {

// A live key's value in a listing; none when it holds its default (not shown).
std::optional<json> live_param(std::string_view key, const LiveFaultParams& p) {
  const auto positive = [](int64_t v) { return v > 0 ? std::optional<json>(v) : std::nullopt; };
  if (key == "latency_ms") return positive(p.latency_ms);
  if (key == "hang_ms") return positive(p.hang_ms);
  if (key == "delay_ms") return positive(p.delay_ms);
  if (key == "status") return p.status != 0 ? std::optional<json>(p.status) : std::nullopt;
  if (key == "retry_after_s") return positive(p.retry_after_s);
  if (key == "processed") return json(p.processed);
  if (key == "per") return json(to_string(p.per));
  if (key == "rate_per_s" && p.rate_limit) return json(p.rate_limit->rate_per_s);
  if (key == "burst" && p.rate_limit) return json(p.rate_limit->burst);
  SD_CHECK(key == "rate_per_s" || key == "burst", "a live key without a listing");
  return std::nullopt;
}

}  // namespace

nlohmann::json to_json(const LiveFaultView& v) {
  json j{{"id", v.id},
         {"kind", to_string(v.kind)},
         {"targets", v.targets},
         {"intensity", v.intensity},
         {"origin", v.from_scenario ? "scenario" : "adhoc"},
         {"start_ms", v.start_ms},
         {"end_ms", v.end_ms ? json(*v.end_ms) : json(nullptr)},
         {"active", v.active},
         {"removed", v.removed},
         {"hits", v.hits}};
  if (v.flap_on_ms) j["flap"] = {{"on_ms", *v.flap_on_ms}, {"off_ms", *v.flap_off_ms}};
  // The kind's live keys (its row in the fault-kind table), each unless at its default.
  for (std::string_view key : scenario::fault_kind_row(v.kind).live_keys) {
    if (std::optional<json> value = live_param(key, v.params)) j[std::string(key)] = *value;
  }
  return j;
}

namespace {

void list_faults(const Ctx& c, const httplib::Request&, httplib::Response& res) {
  json faults = json::array();
  for (const LiveFaultView& v : c.faults.list())
    faults.push_back(to_json(v));
  reply(res, 200, json{{"faults", faults}});
}

// Why the live drill cannot fault `target`: the loader's rules (an unknown name, or one the
// kind cannot act on), then what a live drill does not serve. Empty when it can.
std::string live_target_error(const Scenario& s, FaultKind kind, const std::string& target) {
  std::string error = scenario::target_error(kind, s, target);
  if (!error.empty()) return error;
  if (find_connector(s, target) != nullptr) {
    return target +
           " is a connector: in a live drill the connector is the team's own, out of the fault "
           "table's reach (target the channel or system it calls)";
  }
  if (const SystemSpec* sys = find_system(s, target)) {
    const SystemSpec* served = first_system(s, sys->kind);
    if (served != sys) {
      return fmt::format(
          "{} is not served: a live drill serves the first {} system of the "
          "scenario, {}",
          target, to_string(sys->kind), served->name);
    }
  }
  return {};
}

void add_fault(const Ctx& c, const httplib::Request& req, httplib::Response& res) {
  const std::optional<json> body = json_body(req, res);
  if (!body) return;
  auto parsed = parse_fault_spec(*body);
  if (auto* error = std::get_if<LiveFaultError>(&parsed)) {
    fail(res, 400, error->message, error->field);
    return;
  }
  if (c.options.scenario != nullptr) {
    const LiveFaultSpec& spec = std::get<LiveFaultSpec>(parsed);
    for (const std::string& target : spec.targets) {
      const std::string error = live_target_error(*c.options.scenario, spec.kind, target);
      if (error.empty()) continue;
      const bool one = body->contains("target") && (*body)["target"] == target;
      fail(res, 422, error, one ? "target" : "targets");
      return;
    }
  }
  const LiveFaultAdded added = c.faults.add(std::get<LiveFaultSpec>(std::move(parsed)));
  if (added.error) {
    const bool taken = added.error->field == "id";  // a duplicate id or a full table
    fail(res, taken ? 409 : 400, added.error->message, added.error->field);
    return;
  }
  for (const LiveFaultView& v : c.faults.list()) {
    if (v.id == added.id) reply(res, 201, to_json(v));
  }
}

void remove_fault(const Ctx& c, const httplib::Request& req, httplib::Response& res) {
  const std::string id = req.matches[1];
  if (!c.faults.remove(id)) {
    fail(res, 404, "no fault '" + id + "' in force or scheduled", "id");
    return;
  }
  reply(res, 200, json{{"removed", id}});
}

void reset_faults(const Ctx& c, const httplib::Request&, httplib::Response& res) {
  reply(res, 200, json{{"removed", c.faults.reset()}});
}

void ack(const Ctx& c, const httplib::Request& req, httplib::Response& res) {
  if (!c.hooks.ack) return fail(res, 501, "this drill does not record acks");
  const std::optional<json> body = json_body(req, res, /*empty_ok=*/true);
  if (!body) return;
  std::string note;
  if (const auto it = body->find("note"); it != body->end()) {
    if (!it->is_string()) return fail(res, 400, "note must be a string", "note");
    note = it->get<std::string>();
  }
  if (note.size() > c.options.note_bytes_max) {
    return fail(res, 400, "note over " + std::to_string(c.options.note_bytes_max) + " bytes",
                "note");
  }
  reply(res, 200, c.hooks.ack(note));
}

void finish(const Ctx& c, const httplib::Request&, httplib::Response& res) {
  if (!c.hooks.finish) return fail(res, 501, "this drill cannot be finished over HTTP");
  reply(res, 202, c.hooks.finish());
}

void metrics(const Ctx& c, const httplib::Request&, httplib::Response& res) {
  if (!c.hooks.metrics) return fail(res, 501, "this drill exports no metrics");
  res.status = 200;
  res.set_content(c.hooks.metrics(), kPrometheus);
}

void status(const Ctx& c, const httplib::Request&, httplib::Response& res) {
  if (!c.hooks.status) return fail(res, 501, "this drill reports no status");
  reply(res, 200, c.hooks.status());
}

// The routes, for registration and for the Allow header of a 405.
struct ControlRoute {
  std::string_view method;
  std::string pattern;
  Handler handler;
  bool metrics = false;  // open to scrapers when ControlOptions::metrics_without_token
};

const std::vector<ControlRoute>& control_routes() {
  static const std::vector<ControlRoute> routes{
      {"GET", "/_drill/faults", list_faults},
      {"POST", "/_drill/faults", add_fault},
      {"POST", "/_drill/faults/reset", reset_faults},
      {"DELETE", R"(/_drill/faults/([A-Za-z0-9._-]+))", remove_fault},
      {"POST", "/_drill/ack", ack},
      {"POST", "/_drill/finish", finish},
      {"GET", "/_drill/metrics", metrics, true},
      {"GET", "/_drill/status", status},
  };
  return routes;
}

// A path under /_drill that no route of its method takes: 405 with Allow when a route of another
// method takes it, else 404. (Unregistered, the mock server's catch-all would answer 404 to both.)
// Whether `path` is one a control route's pattern takes. The patterns are literal paths, or a
// literal prefix and one fault id `([A-Za-z0-9._-]+)`; matched by hand rather than with
// std::regex, whose inlined automaton trips GCC 12's -Wmaybe-uninitialized under the sanitizers.
bool route_takes(std::string_view pattern, std::string_view path) {
  const size_t group = pattern.find('(');
  if (group == std::string_view::npos) return pattern == path;
  if (path.substr(0, group) != pattern.substr(0, group) || path.size() == group) return false;
  return std::all_of(path.begin() + static_cast<ptrdiff_t>(group), path.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_' || c == '-';
  });
}

void no_route(const httplib::Request& req, httplib::Response& res) {
  std::string allow;
  for (const ControlRoute& r : control_routes()) {
    const std::string_view method = r.method;
    if (route_takes(r.pattern, req.path) && allow.find(method) == std::string::npos) {
      allow += (allow.empty() ? "" : ", ") + std::string(method);
    }
  }
  if (allow.empty()) return fail(res, 404, "no control route " + req.path);
  res.set_header("Allow", allow);
  fail(res, 405, req.method + " is not allowed on " + req.path + " (allowed: " + allow + ")");
}

}  // namespace

void register_control_routes(httplib::Server& server, LiveFaults& faults, ControlHooks hooks,
                             std::string token, ControlOptions options) {
  SD_CHECK(!token.empty(), "the control API needs a token");
  const bool metrics_open = options.metrics_without_token;
  auto ctx = std::make_shared<const Ctx>(Ctx{faults, std::move(hooks), std::move(token), options});
  for (const ControlRoute& r : control_routes()) {
    httplib::Server::Handler h = guarded(ctx, r.handler, r.metrics && metrics_open);
    if (r.method == "GET") {
      server.Get(r.pattern, std::move(h));
    } else if (r.method == "POST") {
      server.Post(r.pattern, std::move(h));
    } else {
      server.Delete(r.pattern, std::move(h));
    }
  }
  // After the routes: cpp-httplib takes the first pattern that matches.
  const std::string any = "/_drill(/.*)?";
  server.Get(any, no_route);
  server.Post(any, no_route);
  server.Put(any, no_route);
  server.Patch(any, no_route);
  server.Delete(any, no_route);
  server.Options(any, no_route);
}

}  // namespace syncdrill
