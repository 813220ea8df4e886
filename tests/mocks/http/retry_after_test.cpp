// Retry-After in milliseconds: what the drill's observer reads from a header (whole seconds
// from the syncdrill routes, Shopify's decimal seconds) and how the shopify dialect writes it.
#include "mocks/http/retry_after.hpp"

#include <string>

#include <doctest/doctest.h>

namespace syncdrill::http {
namespace {

TEST_CASE("retry-after: whole and decimal seconds read to the millisecond, rounded up") {
  CHECK(parse_retry_after_ms("2") == 2000);
  CHECK(parse_retry_after_ms("2.0") == 2000);
  CHECK(parse_retry_after_ms("0.025") == 25);
  CHECK(parse_retry_after_ms("0.5") == 500);
  CHECK(parse_retry_after_ms("1.25") == 1250);
  CHECK(parse_retry_after_ms("0.0251") == 26);    // never short of what was asked
  CHECK(parse_retry_after_ms("0.025000") == 25);  // zeros past the millisecond change nothing
  CHECK(parse_retry_after_ms("0") == 0);
  CHECK(parse_retry_after_ms("0.0001") == 1);
  CHECK(parse_retry_after_ms("86400") == 86'400'000);
  CHECK(parse_retry_after_ms("999999999999") == 999'999'999'999'000);
}

TEST_CASE("retry-after: anything else is no Retry-After") {
  for (const char* bad :
       {"", ".", "1.", ".5", "-1", "+1", " 1", "1 ", "1.0.0", "1e3", "0x10", "2s", "inf", "nan",
        "1,5", "Wed, 21 Oct 2015 07:28:00 GMT", "1000000000000", "99999999999999999999999"}) {
    CHECK_MESSAGE(!parse_retry_after_ms(bad), bad);
  }
  // Huge fractions are fine (digits only), and huge whole parts are refused without overflow.
  CHECK(parse_retry_after_ms("1." + std::string(10000, '0')) == 1000);
  CHECK(parse_retry_after_ms("1." + std::string(10000, '0') + "1") == 1001);
  CHECK_FALSE(parse_retry_after_ms(std::string(10000, '9')));
}

TEST_CASE("retry-after: milliseconds written as Shopify's decimal seconds") {
  CHECK(decimal_seconds(2000) == "2.0");
  CHECK(decimal_seconds(25) == "0.025");
  CHECK(decimal_seconds(500) == "0.5");
  CHECK(decimal_seconds(1250) == "1.25");
  CHECK(decimal_seconds(1) == "0.001");
  CHECK(decimal_seconds(0) == "0.0");
  // Written and read back, every value is the same.
  for (const int64_t ms : {1, 9, 10, 99, 100, 999, 1000, 1001, 59'999, 86'400'000}) {
    CHECK_MESSAGE(parse_retry_after_ms(decimal_seconds(ms)) == ms, ms);
  }
}

}  // namespace
}  // namespace syncdrill::http
