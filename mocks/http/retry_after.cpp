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

std::optional<int64_t> parse_retry_after_ms(std::string_view header) {
  constexpr size_t kWholeDigitsMax = 12;  // < 10^12 s: no overflow in milliseconds
  const size_t dot = header.find('.');
  const std::string_view whole = header.substr(0, dot);
  const std::string_view fraction =
      dot == std::string_view::npos ? std::string_view{} : header.substr(dot + 1);
  if (whole.empty() || whole.size() > kWholeDigitsMax || !all_digits(whole)) return std::nullopt;
  if (dot != std::string_view::npos && (fraction.empty() || !all_digits(fraction))) {
    return std::nullopt;
  }
  int64_t ms = 0;
  for (const char c : whole)
    ms = ms * 10 + (c - '0');
  ms *= 1000;
  // The first three decimals are milliseconds; any non-zero digit past them rounds up.
  int64_t scale = 100;
  for (size_t i = 0; i < fraction.size() && i < 3; ++i, scale /= 10)
    ms += (fraction[i] - '0') * scale;
  if (fraction.size() > 3 && fraction.substr(3).find_first_not_of('0') != std::string_view::npos) {
    ++ms;
  }
  return ms;
}

std::string decimal_seconds(int64_t ms) {
  SD_CHECK(ms >= 0, "a Retry-After is not negative");
  std::string fraction = fmt::format("{:03}", ms % 1000);
  while (fraction.size() > 1 && fraction.back() == '0')
    fraction.pop_back();
  return fmt::format("{}.{}", ms / 1000, fraction);
}

}  // namespace syncdrill::http
