#include "core/scenario/reader.hpp"

#include <algorithm>

namespace syncdrill::scenario {

MapReader::MapReader(Ctx& ctx, const YNode& node, std::string path)
    : ctx_(ctx), node_(node), path_(std::move(path)) {
  if (!is_mapping()) {
    ctx_.error(node_.loc, path_, fmt::format("expected a mapping, got {}", describe(node_)));
  }
}

std::string MapReader::child(std::string_view key) const {
  return path_.empty() ? std::string(key) : fmt::format("{}.{}", path_, key);
}

Loc MapReader::loc(std::string_view key) const {
  const YNode* v = is_mapping() ? node_.find(key) : nullptr;
  return v != nullptr ? v->loc : node_.loc;
}

const YNode* MapReader::get(std::string_view key, Need need) {
  if (std::find(known_.begin(), known_.end(), key) == known_.end()) {
    known_.push_back(key);
  }
  if (!is_mapping()) {
    return nullptr;
  }
  const YNode* v = node_.find(key);
  if (v == nullptr && need == Need::required) {
    ctx_.error(node_.loc, path_, fmt::format("missing required key '{}'", key));
  }
  return v;
}

void MapReader::error(std::string_view key, std::string message) {
  ctx_.error(loc(key), child(key), std::move(message));
}

bool MapReader::duration(std::string_view key, Duration& out, Need need, Duration min) {
  Duration d;
  if (!scalar(key, d, need, "a duration like 250ms", parse_duration)) {
    return false;
  }
  if (d < min) {
    error(key, min.us == 1 ? fmt::format("expected a duration above zero, got '{}'",
                                         node_.find(key)->scalar)
                           : fmt::format("expected a duration of at least {}, got '{}'",
                                         format_duration(min), node_.find(key)->scalar));
    return false;
  }
  out = d;
  return true;
}

bool MapReader::duration(std::string_view key, std::optional<Duration>& out, Duration min) {
  Duration d;
  if (!duration(key, d, Need::optional, min)) {
    return false;
  }
  out = d;
  return true;
}

bool MapReader::rate(std::string_view key, double& per_s, Need need, double max_per_s) {
  double r = 0;
  if (!scalar(key, r, need, "a rate like 120/min", parse_rate_per_s)) {
    return false;
  }
  if (!(r > 0)) {
    error(key, fmt::format("expected a rate above zero, got '{}'", node_.find(key)->scalar));
    return false;
  }
  if (!(r <= max_per_s)) {
    error(key, fmt::format("rate too large: expected at most {:.0f}/s, got '{}'", max_per_s,
                           node_.find(key)->scalar));
    return false;
  }
  per_s = r;
  return true;
}

bool MapReader::fraction(std::string_view key, double& out, Need need) {
  return scalar(key, out, need, "a percentage like 0.5%", parse_fraction);
}

bool MapReader::number(std::string_view key, double& out, double min, double max, Need need) {
  double v = 0;
  if (!scalar(key, v, need, "a number", parse_number)) {
    return false;
  }
  if (!(v >= min && v <= max)) {
    error(key, fmt::format("expected a number between {} and {}, got '{}'", min, max,
                           node_.find(key)->scalar));
    return false;
  }
  out = v;
  return true;
}

bool MapReader::u32(std::string_view key, uint32_t& out, uint32_t min, uint32_t max, Need need) {
  uint64_t v = 0;
  if (!scalar(key, v, need, "a whole number", parse_unsigned)) {
    return false;
  }
  if (v < min || v > max) {
    error(key, fmt::format("expected a whole number between {} and {}, got '{}'", min, max,
                           node_.find(key)->scalar));
    return false;
  }
  out = static_cast<uint32_t>(v);
  return true;
}

bool MapReader::u64(std::string_view key, uint64_t& out, Need need) {
  return scalar(key, out, need, "a whole number", parse_unsigned);
}

bool MapReader::flag(std::string_view key, bool& out) {
  return scalar(key, out, Need::optional, "true or false", parse_bool);
}

bool MapReader::text(std::string_view key, std::string& out, Need need) {
  return scalar(key, out, need, "a string", [](std::string_view s) -> Parsed<std::string> {
    return {std::string(s), {}};
  });
}

bool MapReader::name(std::string_view key, std::string& out, Need need) {
  return scalar(key, out, need, "a name", [](std::string_view s) -> Parsed<std::string> {
    if (!is_identifier(s)) {
      return Parsed<std::string>::fail(fmt::format(
          "expected a name of lowercase letters, digits, '_' and '-' (like erp-main), got '{}'",
          s));
    }
    return {std::string(s), {}};
  });
}

bool MapReader::distribution(std::string_view key, Distribution& out, Need need) {
  return scalar(key, out, need, "a duration or a distribution like lognormal(p50=200ms, p95=2s)",
                parse_duration_distribution);
}

bool MapReader::money(std::string_view key, Money& out, std::string_view currency) {
  return scalar(key, out, Need::optional, "an amount like 19.99",
                [&](std::string_view s) { return parse_money(s, currency); });
}

void MapReader::finish() {
  if (!is_mapping()) {
    return;
  }
  for (const YEntry& e : node_.entries) {
    if (std::find(known_.begin(), known_.end(), e.key) == known_.end()) {
      if (ctx_.stopped()) {
        return;  // past the error cap: no message is kept, so build none
      }
      ctx_.error(e.key_loc, child(e.key),
                 fmt::format("unknown key '{}'{}", shown_text(e.key), did_you_mean(e.key, known_)));
    }
  }
}

bool check_list(Ctx& ctx, const YNode& n, const std::string& path) {
  if (n.kind != YNode::Kind::sequence) {
    ctx.error(n.loc, path, fmt::format("expected a list, got {}", describe(n)));
    return false;
  }
  if (n.items.size() > ctx.limits.list_max) {
    ctx.error(
        n.loc, path,
        fmt::format("too many items ({}, the limit is {})", n.items.size(), ctx.limits.list_max));
    return false;
  }
  return true;
}

std::string unknown_value(std::string_view what, std::string_view value,
                          const std::vector<std::string_view>& candidates) {
  std::string hint = did_you_mean(value, candidates);
  if (hint.empty()) {
    // A scenario with a thousand channels would otherwise print thousands of names per error.
    constexpr size_t kListedMax = 20;
    const size_t listed = std::min(candidates.size(), kListedMax);
    const std::vector<std::string_view> shown(candidates.begin(),
                                              candidates.begin() + static_cast<ptrdiff_t>(listed));
    hint = candidates.size() > listed
               ? fmt::format(" (expected one of: {}, and {} more)", fmt::join(shown, ", "),
                             candidates.size() - listed)
               : fmt::format(" (expected one of: {})", fmt::join(shown, ", "));
  }
  return fmt::format("unknown {} '{}'{}", what, shown_text(value), hint);
}

}  // namespace syncdrill::scenario
