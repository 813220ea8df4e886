#include "app/rank_options.hpp"

#include <charconv>
#include <cmath>
#include <vector>

#include <fmt/format.h>

#include "core/scenario/values.hpp"

namespace syncdrill {

namespace {

// A number is short: a longer text is a mistake (or an attack), not a figure.
constexpr size_t kNumberCharsMax = 32;

std::vector<std::string_view> metric_keys() {
  std::vector<std::string_view> keys;
  for (const CompareMetricInfo& m : compare_metrics())
    keys.push_back(m.key);
  return keys;
}

// A finite decimal number ("0", "2.5", "-1", "1e3"); nothing when it is not one.
std::optional<double> finite_number(std::string_view text) {
  if (text.empty() || text.size() > kNumberCharsMax) return std::nullopt;
  if (text.front() == '+') text.remove_prefix(1);  // from_chars takes no plus sign
  double x = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), x);
  if (ec != std::errc{} || end != text.data() + text.size() || !std::isfinite(x)) {
    return std::nullopt;
  }
  return x;
}

}  // namespace

std::optional<CompareMetric> parse_rank_by(std::string_view text, std::string& error) {
  if (const std::optional<CompareMetric> m = compare_metric(text)) return m;
  const std::vector<std::string_view> keys = metric_keys();
  const std::string hint = scenario::did_you_mean(text, keys);
  error = fmt::format("unknown figure '{}'{}; expected one of: {}",
                      scenario::printable(scenario::shown_text(text)), hint, fmt::join(keys, ", "));
  return std::nullopt;
}

std::optional<Requirement> parse_requirement(std::string_view text, std::string& error) {
  const size_t eq = text.find('=');
  if (eq == std::string_view::npos) {
    error =
        "expected KEY=RANGE: KEY=V (exactly V), KEY=..V (at most), KEY=V.. (at least) or "
        "KEY=A..B, e.g. false_positives=0 or mttd_s=..300";
    return std::nullopt;
  }
  Requirement r;
  if (const std::optional<CompareMetric> m = parse_rank_by(text.substr(0, eq), error)) {
    r.metric = *m;
  } else {
    return std::nullopt;
  }
  const std::string_view range = text.substr(eq + 1);
  const size_t dots = range.find("..");
  const std::string unit(compare_metrics()[static_cast<size_t>(r.metric)].unit);
  auto bound = [&](std::string_view part, std::optional<double>& out) {
    if (part.empty()) return true;
    out = finite_number(part);
    if (!out) {
      error = fmt::format("expected a number (in {}), got '{}'", unit,
                          scenario::printable(scenario::shown_text(part)));
    }
    return out.has_value();
  };
  if (dots == std::string_view::npos) {
    if (range.empty()) {
      error = "expected a value or a range after '=', e.g. 0, ..300 or 1..5";
      return std::nullopt;
    }
    if (!bound(range, r.low)) return std::nullopt;
    r.high = r.low;
    return r;
  }
  if (!bound(range.substr(0, dots), r.low) || !bound(range.substr(dots + 2), r.high)) {
    return std::nullopt;
  }
  if (!r.low && !r.high) {
    error = "expected at least one end of the range: ..V, V.. or A..B";
    return std::nullopt;
  }
  if (r.low && r.high && *r.low > *r.high) {
    error = fmt::format("the range is empty: {} is above {}", *r.low, *r.high);
    return std::nullopt;
  }
  return r;
}

}  // namespace syncdrill
