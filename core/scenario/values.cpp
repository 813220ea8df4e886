#include "core/scenario/values.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "core/scenario/utf8.hpp"

namespace syncdrill::scenario {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_lower(char c) {
  return c >= 'a' && c <= 'z';
}

// How many digits a decimal may have before and after its point: 15 significant digits is what
// a double holds exactly, and anything longer is a typo or hostile input (400 digits once read
// as 0 or as infinity).
constexpr size_t kWholeDigitsMax = 15;
constexpr size_t kFractionDigitsMax = 15;

// An unsigned decimal `123` or `1.5` read off the front of a text: its value, or why not.
struct Decimal {
  enum class Status { ok, malformed, too_large, too_precise } status = Status::malformed;
  double value = 0;
};

// Consumes an unsigned decimal `123` or `1.5` at the front of `s` (only when it is ok).
Decimal take_decimal(std::string_view& s) {
  size_t n = 0;
  while (n < s.size() && is_digit(s[n])) {
    ++n;
  }
  if (n == 0) {
    return {};
  }
  size_t leading_zeros = 0;
  while (leading_zeros + 1 < n && s[leading_zeros] == '0') {
    ++leading_zeros;
  }
  const size_t whole_digits = n - leading_zeros;
  size_t fraction_digits = 0;
  if (n < s.size() && s[n] == '.') {
    size_t frac = n + 1;
    while (frac < s.size() && is_digit(s[frac])) {
      ++frac;
    }
    if (frac == n + 1) {
      return {};
    }
    fraction_digits = frac - n - 1;
    n = frac;
  }
  if (whole_digits > kWholeDigitsMax) {
    return {Decimal::Status::too_large, 0};
  }
  if (fraction_digits > kFractionDigitsMax) {
    return {Decimal::Status::too_precise, 0};
  }
  double v = 0;
  std::from_chars(s.data(), s.data() + n, v);
  s.remove_prefix(n);
  return {Decimal::Status::ok, v};
}

// The message for a decimal that is not ok, naming the whole text.
std::string decimal_error(const Decimal& d, std::string_view text, std::string_view expected) {
  switch (d.status) {
    case Decimal::Status::too_large:
      return fmt::format(
          "number too large: expected at most {} digits before the decimal point, "
          "got '{}'",
          kWholeDigitsMax, shown_text(text));
    case Decimal::Status::too_precise:
      return fmt::format(
          "number too long: expected at most {} digits after the decimal point, "
          "got '{}'",
          kFractionDigitsMax, shown_text(text));
    default:
      return fmt::format("expected {}, got '{}'", expected, shown_text(text));
  }
}

struct Unit {
  std::string_view name;
  double factor;
};

constexpr std::array<Unit, 6> kDurationUnits{
    {{"d", 86'400e6}, {"h", 3'600e6}, {"m", 60e6}, {"s", 1e6}, {"ms", 1e3}, {"us", 1}}};

constexpr std::array<Unit, 11> kRateUnits{{{"s", 1},
                                           {"sec", 1},
                                           {"second", 1},
                                           {"min", 60},
                                           {"minute", 60},
                                           {"h", 3'600},
                                           {"hour", 3'600},
                                           {"d", 86'400},
                                           {"day", 86'400},
                                           {"ms", 1e-3},
                                           {"us", 1e-6}}};

// Durations above this (about 27 years) are rejected before any integer conversion, so sums of a
// few durations and a run's clock stay far inside int64 microseconds.
constexpr Duration kDurationMax = days(10'000);

// Plain numbers (parse_number) are bounded in size both ways: no scenario number needs more, and
// products of a few of them stay finite.
constexpr double kNumberMax = 1e18;
constexpr double kNumberMin = 1e-18;

// Whether a number from_chars found out of range ([sign]digits[.digits][e[sign]digits]) is too
// large rather than too small: the decimal exponent of its first significant digit decides.
bool out_of_range_is_large(std::string_view s) {
  if (!s.empty() && s.front() == '-') s.remove_prefix(1);
  const size_t e = s.find_first_of("eE");
  const std::string_view mantissa = s.substr(0, e);
  int64_t exponent = 0;
  if (e != std::string_view::npos) {
    std::string_view digits = s.substr(e + 1);
    const bool negative = !digits.empty() && digits.front() == '-';
    if (!digits.empty() && (digits.front() == '-' || digits.front() == '+'))
      digits.remove_prefix(1);
    // Longer exponents than this are far out either way; only the sign matters then.
    const std::string_view head = digits.substr(0, 9);
    std::from_chars(head.data(), head.data() + head.size(), exponent);
    if (digits.size() > head.size()) exponent = 1'000'000'000;
    if (negative) exponent = -exponent;
  }
  const size_t dot = mantissa.find('.');
  const std::string_view whole = mantissa.substr(0, dot);
  const size_t first = whole.find_first_not_of('0');
  if (first != std::string_view::npos) {
    return static_cast<int64_t>(whole.size() - first) + exponent > 0;
  }
  const std::string_view fraction =
      dot == std::string_view::npos ? std::string_view() : mantissa.substr(dot + 1);
  const size_t nonzero = fraction.find_first_not_of('0');
  const auto order = -static_cast<int64_t>(nonzero == std::string_view::npos ? 0 : nonzero);
  return order + exponent > 0;
}

// "1000000000.00": kMoneyMaxMinor as an amount.
std::string format_money_max() {
  return fmt::format("{}.{:02}", kMoneyMaxMinor / 100, kMoneyMaxMinor % 100);
}

}  // namespace

Parsed<Duration> parse_duration(std::string_view text) {
  std::string_view s = trim(text);
  auto bad = [&] {
    return Parsed<Duration>::fail(
        fmt::format("expected a duration like 250ms, got '{}'", shown_text(text)));
  };
  if (!s.empty() && s.front() == '-') {
    return Parsed<Duration>::fail(
        fmt::format("a duration cannot be negative, got '{}'", shown_text(text)));
  }
  double total_us = 0;
  size_t last_unit = kDurationUnits.size();  // index of the previous unit; must decrease in size
  bool any = false;
  while (!s.empty()) {
    const Decimal v = take_decimal(s);
    if (v.status != Decimal::Status::ok) {
      return v.status == Decimal::Status::malformed
                 ? bad()
                 : Parsed<Duration>::fail(decimal_error(v, text, "a duration like 250ms"));
    }
    size_t n = 0;
    while (n < s.size() && is_lower(s[n])) {
      ++n;
    }
    if (n == 0) {
      if (s.empty() && !any) {
        return Parsed<Duration>::fail(fmt::format(
            "expected a duration like 250ms, got '{}' (add a unit: us, ms, s, m, h or d)",
            shown_text(text)));
      }
      return bad();
    }
    std::string_view unit = s.substr(0, n);
    s.remove_prefix(n);
    auto it = std::find_if(kDurationUnits.begin(), kDurationUnits.end(),
                           [&](const Unit& u) { return u.name == unit; });
    if (it == kDurationUnits.end()) {
      return Parsed<Duration>::fail(
          fmt::format("unknown duration unit '{}' in '{}' (expected us, ms, s, m, h or d)",
                      shown_text(unit), shown_text(text)));
    }
    size_t index = static_cast<size_t>(it - kDurationUnits.begin());
    if (any && index <= last_unit) {
      return Parsed<Duration>::fail(
          fmt::format("units of a compound duration must go from largest to smallest, got '{}'",
                      shown_text(text)));
    }
    last_unit = index;
    any = true;
    total_us += v.value * it->factor;
    if (!(total_us <= static_cast<double>(kDurationMax.us))) {
      return Parsed<Duration>::fail(fmt::format("duration too large: expected at most {}, got '{}'",
                                                format_duration(kDurationMax), shown_text(text)));
    }
  }
  if (!any) {
    return bad();
  }
  return {Duration{std::llround(total_us)}, {}};
}

std::string format_duration(Duration d) {
  if (d.us == 0) {
    return "0s";
  }
  std::string out = d.us < 0 ? "-" : "";
  int64_t rest = d.us < 0 ? -d.us : d.us;
  for (const Unit& u : kDurationUnits) {
    const auto factor = static_cast<int64_t>(u.factor);
    if (rest >= factor) {
      out += fmt::format("{}{}", rest / factor, u.name);
      rest %= factor;
    }
  }
  return out;
}

Parsed<double> parse_rate_per_s(std::string_view text) {
  std::string_view s = trim(text);
  auto bad = [&] {
    return Parsed<double>::fail(
        fmt::format("expected a rate like 120/min, got '{}'", shown_text(text)));
  };
  size_t slash = s.find('/');
  if (slash == std::string_view::npos) {
    if (parse_number(s).value) {
      return Parsed<double>::fail(
          fmt::format("expected a rate like 120/min, got '{}' (add a unit: /s, /min, /h or /d)",
                      shown_text(text)));
    }
    return bad();
  }
  std::string_view count = trim(s.substr(0, slash));
  std::string_view unit = trim(s.substr(slash + 1));
  const Decimal v = take_decimal(count);
  if (v.status != Decimal::Status::ok && v.status != Decimal::Status::malformed) {
    return Parsed<double>::fail(decimal_error(v, text, "a rate like 120/min"));
  }
  if (v.status != Decimal::Status::ok || !count.empty()) {
    return bad();
  }
  auto it = std::find_if(kRateUnits.begin(), kRateUnits.end(),
                         [&](const Unit& u) { return u.name == unit; });
  if (it == kRateUnits.end()) {
    return Parsed<double>::fail(
        fmt::format("unknown rate unit '/{}' in '{}' (expected /s, /min, /h or /d)",
                    shown_text(unit), shown_text(text)));
  }
  return {v.value / it->factor, {}};
}

Parsed<double> parse_fraction(std::string_view text) {
  std::string_view s = trim(text);
  const bool percent = !s.empty() && s.back() == '%';
  if (percent) {
    s = trim(s.substr(0, s.size() - 1));
  }
  std::string_view rest = s;
  Decimal d = take_decimal(rest);
  if (d.status == Decimal::Status::ok && !rest.empty()) {
    d.status = Decimal::Status::malformed;
  }
  if (d.status != Decimal::Status::ok) {
    return Parsed<double>::fail(
        decimal_error(d, text, "a percentage like 0.5% or a fraction between 0 and 1"));
  }
  if (percent ? d.value > 100 : d.value > 1) {
    return Parsed<double>::fail(fmt::format(
        "expected a percentage between 0% and 100% (or a fraction between 0 and 1), got '{}'",
        shown_text(text)));
  }
  return {percent ? d.value / 100 : d.value, {}};
}

Parsed<uint64_t> parse_unsigned(std::string_view text) {
  std::string_view s = trim(text);
  std::string digits;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool separator = s[i] == '_' && i > 0 && i + 1 < s.size() && is_digit(s[i - 1]);
    if (!is_digit(s[i]) && !separator) {
      return Parsed<uint64_t>::fail(
          fmt::format("expected a non-negative whole number, got '{}'", shown_text(text)));
    }
    if (!separator) {
      digits.push_back(s[i]);
    }
  }
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec == std::errc::result_out_of_range) {
    return Parsed<uint64_t>::fail(fmt::format("number too large: expected at most {}, got '{}'",
                                              std::numeric_limits<uint64_t>::max(),
                                              shown_text(text)));
  }
  if (digits.empty() || ec != std::errc{} || end != digits.data() + digits.size()) {
    return Parsed<uint64_t>::fail(
        fmt::format("expected a non-negative whole number, got '{}'", shown_text(text)));
  }
  return {v, {}};
}

Parsed<double> parse_number(std::string_view text) {
  std::string_view s = trim(text);
  if (!s.empty() && s.front() == '+') {
    s.remove_prefix(1);
  }
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec == std::errc::result_out_of_range && end == s.data() + s.size()) {
    return Parsed<double>::fail(
        out_of_range_is_large(s)
            ? fmt::format("number too large: expected at most {}, got '{}'", kNumberMax,
                          shown_text(text))
            : fmt::format("number too small: expected 0 or at least {} in size, got '{}'",
                          kNumberMin, shown_text(text)));
  }
  if (s.empty() || ec != std::errc{} || end != s.data() + s.size() || !std::isfinite(v) ||
      !(std::abs(v) <= kNumberMax)) {
    return Parsed<double>::fail(std::isfinite(v) && !(std::abs(v) <= kNumberMax)
                                    ? fmt::format("number too large: expected at most {}, got '{}'",
                                                  kNumberMax, shown_text(text))
                                    : fmt::format("expected a number, got '{}'", shown_text(text)));
  }
  if (v != 0 && std::abs(v) < kNumberMin) {
    return Parsed<double>::fail(
        fmt::format("number too small: expected 0 or at least {} in size, got '{}'", kNumberMin,
                    shown_text(text)));
  }
  return {v, {}};
}

Parsed<bool> parse_bool(std::string_view text) {
  std::string_view s = trim(text);
  if (s == "true") {
    return {true, {}};
  }
  if (s == "false") {
    return {false, {}};
  }
  return Parsed<bool>::fail(fmt::format("expected true or false, got '{}'", shown_text(text)));
}

Parsed<Money> parse_money(std::string_view text, std::string_view currency) {
  std::string_view s = trim(text);
  auto bad = [&] {
    return Parsed<Money>::fail(fmt::format("expected an amount like 19.99 or '19.99 {}', got '{}'",
                                           currency, shown_text(text)));
  };
  size_t space = s.find(' ');
  std::string_view amount = s.substr(0, space);
  std::string_view code = space == std::string_view::npos ? "" : trim(s.substr(space + 1));
  size_t dot = amount.find('.');
  std::string_view whole = amount.substr(0, dot);
  std::string_view cents = dot == std::string_view::npos ? "" : amount.substr(dot + 1);
  const bool digits_ok = std::all_of(whole.begin(), whole.end(), is_digit) &&
                         std::all_of(cents.begin(), cents.end(), is_digit);
  if (whole.empty() || !digits_ok || (dot != std::string_view::npos && cents.empty())) {
    return bad();
  }
  if (cents.size() > 2) {
    return Parsed<Money>::fail(
        fmt::format("an amount has at most 2 decimals, got '{}'", shown_text(text)));
  }
  while (whole.size() > 1 && whole.front() == '0') {
    whole.remove_prefix(1);
  }
  const auto too_large = [&] {
    return Parsed<Money>::fail(fmt::format("amount too large: expected at most {}, got '{}'",
                                           format_money_max(), shown_text(text)));
  };
  if (whole.size() > 15) {
    return too_large();
  }
  if (!code.empty() && code != currency) {
    return Parsed<Money>::fail(
        fmt::format("currency '{}' differs from the scenario's currency '{}'", code, currency));
  }
  int64_t minor = 0;
  std::from_chars(whole.data(), whole.data() + whole.size(), minor);
  int64_t fraction = 0;
  if (!cents.empty()) {
    std::from_chars(cents.data(), cents.data() + cents.size(), fraction);
  }
  minor = minor * 100 + (cents.size() == 1 ? fraction * 10 : fraction);
  if (minor > kMoneyMaxMinor) {
    return too_large();
  }
  return {Money{minor, std::string(currency)}, {}};
}

bool is_identifier(std::string_view text) {
  if (text.empty() || !(is_lower(text[0]) || is_digit(text[0]))) {
    return false;
  }
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return is_lower(c) || is_digit(c) || c == '_' || c == '-'; });
}

std::string printable(std::string_view text, bool keep_tab) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    const size_t n = utf8_sequence_at(text, i).length;
    if (n == 0 || (b < 0x20 && !(keep_tab && b == '\t')) || b == 0x7F) {
      out += fmt::format("\\x{:02X}", b);
      ++i;
      continue;
    }
    out.append(text.substr(i, n));
    i += n;
  }
  return out;
}

std::string shown_text(std::string_view value) {
  constexpr size_t kShownMax = 60;
  if (value.size() <= kShownMax) {
    return std::string(value);
  }
  size_t cut = kShownMax;
  while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0u) == 0x80u) {
    --cut;  // do not split a UTF-8 sequence
  }
  return fmt::format("{}... ({} bytes)", value.substr(0, cut), value.size());
}

size_t edit_distance(std::string_view a, std::string_view b) {
  // d[i][j] = distance between a[:i] and b[:j], kept as three rolling rows.
  std::vector<size_t> prev2(b.size() + 1), prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) {
    prev[j] = j;
  }
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        cur[j] = std::min(cur[j], prev2[j - 2] + 1);
      }
    }
    std::swap(prev2, prev);
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string did_you_mean(std::string_view word, const std::vector<std::string_view>& candidates) {
  // The work is bounded whatever the input: a word longer than any name a person would mistype
  // gets no suggestion, a candidate whose length alone puts it out of reach is skipped, and the
  // search stops (keeping the best so far) once kSuggestionCellsMax table cells were filled.
  if (word.size() > kSuggestionWordMax) {
    return "";
  }
  std::string_view best;
  size_t best_distance = SIZE_MAX;
  size_t cells = 0;
  for (std::string_view c : candidates) {
    const size_t longer = std::max(word.size(), c.size());
    const size_t length_gap = longer - std::min(word.size(), c.size());
    if (c.size() > kSuggestionWordMax || 2 * length_gap > longer || length_gap >= best_distance) {
      continue;
    }
    cells += (word.size() + 1) * (c.size() + 1);
    if (cells > kSuggestionCellsMax) {
      break;
    }
    const size_t d = edit_distance(word, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  if (best.empty() || best_distance == 0 ||
      2 * best_distance > std::max(word.size(), best.size())) {
    return "";
  }
  return fmt::format(" (did you mean '{}'?)", best);
}

}  // namespace syncdrill::scenario
