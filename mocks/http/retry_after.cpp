#include "mocks/http/retry_after.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/engine/check.hpp"

namespace syncdrill::http {

namespace {

bool all_digits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::optional<std::chrono::microseconds> parse_retry_after_us(std::string_view header,
                                                              size_t whole_digits_max) {
  SD_CHECK(whole_digits_max <= 12, "< 10^12 s: no overflow in microseconds");
  const size_t dot = header.find('.');
  const std::string_view whole = header.substr(0, dot);
  const std::string_view fraction =
      dot == std::string_view::npos ? std::string_view{} : header.substr(dot + 1);
  if (whole.empty() || whole.size() > whole_digits_max || !all_digits(whole)) return std::nullopt;
  if (dot != std::string_view::npos && (fraction.empty() || !all_digits(fraction))) {
    return std::nullopt;
  }
  int64_t us = 0;
  for (const char c : whole)
    us = us * 10 + (c - '0');
  us *= 1'000'000;
  // The first six decimals are microseconds; any non-zero digit past them rounds up.
  int64_t scale = 100'000;
  for (size_t i = 0; i < fraction.size() && i < 6; ++i, scale /= 10)
    us += (fraction[i] - '0') * scale;
  if (fraction.size() > 6 && fraction.substr(6).find_first_not_of('0') != std::string_view::npos) {
    ++us;
  }
  return std::chrono::microseconds(us);
}

std::optional<int64_t> parse_retry_after_ms(std::string_view header) {
  const auto us = parse_retry_after_us(header, 12);
  if (!us) return std::nullopt;
  return (us->count() + 999) / 1000;  // rounded up: a wait never falls short
}

std::string decimal_seconds(int64_t ms) {
  SD_CHECK(ms >= 0, "a Retry-After is not negative");
  std::string fraction = fmt::format("{:03}", ms % 1000);
  while (fraction.size() > 1 && fraction.back() == '0')
    fraction.pop_back();
  return fmt::format("{}.{}", ms / 1000, fraction);
}

}  // namespace syncdrill::http
