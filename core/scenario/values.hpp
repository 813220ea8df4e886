// Value forms of the scenario format: durations, rates, fractions, distributions, money, numbers
// and names, parsed from the text of one YAML scalar.
//
// Each parser returns either a value or a message saying what was expected and what was found
// (e.g. "expected a duration like 250ms, got 'abc'"). They never throw and never look outside
// their argument, so they are tested directly.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/engine/distribution.hpp"
#include "core/engine/time.hpp"
#include "core/scenario/scenario.hpp"

namespace syncdrill::scenario {

template <class T>
struct Parsed {
  std::optional<T> value;
  std::string error;  // set exactly when value is empty

  static Parsed fail(std::string message) { return {std::nullopt, std::move(message)}; }
};

// `250us 250ms 5s 2m 1h 1d`, compounds with decreasing units (`1h30m`), decimals (`1.5s`).
// Never negative; rounded to the nearest microsecond.
Parsed<Duration> parse_duration(std::string_view text);

// The shortest spelling parse_duration reads back exactly: "30d", "1h30m", "250ms", "0s".
std::string format_duration(Duration d);

// `120/min`, `2/s`, `5000/h`, `3/d`; also `/sec`, `/second`, `/minute`, `/hour`, `/day`.
// Result in events per second, >= 0.
Parsed<double> parse_rate_per_s(std::string_view text);

// A fraction in [0, 1]: a percentage `0.5%` (0..100%) or a plain decimal `0.005`.
Parsed<double> parse_fraction(std::string_view text);

// A duration distribution in microseconds: a plain duration (constant), or
// `constant(200ms)`, `uniform(min=10ms, max=50ms)`, `exponential(mean=200ms)`,
// `normal(mean=1s, sd=200ms)`, `lognormal(p50=200ms, p95=2s)`, `pareto(scale=100ms, shape=1.5)`,
// `empirical(10ms, 20ms, 50ms)`. Parameters may be named or positional (in the order shown).
Parsed<Distribution> parse_duration_distribution(std::string_view text);

// `19.99` or `19.99 EUR`: at most two decimals, not negative, currency equal to `currency`.
Parsed<Money> parse_money(std::string_view text, std::string_view currency);

// A non-negative integer; `_` may separate digit groups (`100_000`).
Parsed<uint64_t> parse_unsigned(std::string_view text);

// A finite decimal number (sign and exponent allowed).
Parsed<double> parse_number(std::string_view text);

// `true` or `false`.
Parsed<bool> parse_bool(std::string_view text);

// Identifiers: [a-z0-9][a-z0-9_-]*
bool is_identifier(std::string_view text);

// `text` made safe to print inside a message: valid UTF-8 passes through; invalid bytes and
// control characters (CR and LF included; tab unless keep_tab) are written as \xNN. Never throws.
std::string printable(std::string_view text, bool keep_tab = false);

// A user's value as quoted in a message: printable(), cut to about 60 bytes (at a character
// boundary, "..." added) so that one over-long value cannot fill the terminal.
std::string shown_text(std::string_view value);

// Optimal-string-alignment distance (Levenshtein plus adjacent transposition).
size_t edit_distance(std::string_view a, std::string_view b);

// " (did you mean 'X'?)" for the closest candidate when it is close enough to be a likely typo
// (distance at most half the longer word), else "". Bounded work: words and candidates longer
// than kSuggestionWordMax are not compared, and at most kSuggestionCellsMax distance-table cells
// are filled per call (about 1 ms), so thousands of unknown names cannot stall `validate`.
inline constexpr size_t kSuggestionWordMax = 64;
inline constexpr size_t kSuggestionCellsMax = 1'000'000;
std::string did_you_mean(std::string_view word, const std::vector<std::string_view>& candidates);

}  // namespace syncdrill::scenario
