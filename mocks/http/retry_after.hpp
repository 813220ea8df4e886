// Retry-After values in milliseconds, both ways: the syncdrill routes send whole seconds ("3"),
// the shopify dialect Shopify's decimal seconds ("2.0", "0.025"), and the drill's observer reads
// either to tell a retry that waited from one that came early.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace syncdrill::http {

// Seconds as "N" or "N.F" (digits only, at least one on each side of the dot), in milliseconds
// rounded UP (a wait never falls short): "2" and "2.0" are 2000, "0.025" is 25, "0.0251" is 26.
// nullopt for anything else (a date, a sign, spaces, "1.", ".5") and for more than 12 digits of
// whole seconds (no overflow; the drill's waits are far shorter).
std::optional<int64_t> parse_retry_after_ms(std::string_view header);

// The same syntax to the microsecond, rounded UP, with at most `whole_digits_max` (<= 12)
// digits of whole seconds: the one reader of both the observer (above) and the reference
// connector (connector/http_call.hpp, which allows 9).
std::optional<std::chrono::microseconds> parse_retry_after_us(std::string_view header,
                                                              size_t whole_digits_max);

// Milliseconds as decimal seconds, the way Shopify writes them: at least one decimal, no
// trailing zeros beyond it ("2.0", "0.5", "0.025", "1.25"). REQUIRES: ms >= 0.
std::string decimal_seconds(int64_t ms);

}  // namespace syncdrill::http
