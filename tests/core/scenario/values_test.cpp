// Value-form tests: each parser is fed good and bad scalar texts and the values or the exact
// messages are compared.
#include "core/scenario/values.hpp"

#include <cmath>
#include <string>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <string>
#include <vector>

#include "core/scenario/utf8.hpp"

namespace syncdrill::scenario {
namespace {

int64_t us(std::string_view text) {
  auto d = parse_duration(text);
  REQUIRE_MESSAGE(d.value.has_value(), d.error);
  return d.value->us;
}

std::string duration_error(std::string_view text) {
  auto d = parse_duration(text);
  CHECK_FALSE(d.value.has_value());
  return d.error;
}

TEST_CASE("durations accept every unit, decimals and compounds") {
  CHECK(us("250us") == 250);
  CHECK(us("250ms") == 250'000);
  CHECK(us("5s") == 5'000'000);
  CHECK(us("2m") == 120'000'000);
  CHECK(us("1h") == 3'600'000'000);
  CHECK(us("1d") == 86'400'000'000);
  CHECK(us("1.5s") == 1'500'000);
  CHECK(us("1h30m") == 5'400'000'000);
  CHECK(us("1m30s500ms") == 90'500'000);
  CHECK(us("0s") == 0);
  CHECK(us(" 10ms ") == 10'000);
}

TEST_CASE("bad durations say what was expected") {
  CHECK(duration_error("abc") == "expected a duration like 250ms, got 'abc'");
  CHECK(duration_error("5") ==
        "expected a duration like 250ms, got '5' (add a unit: us, ms, s, m, h or d)");
  CHECK(duration_error("-5s") == "a duration cannot be negative, got '-5s'");
  CHECK(duration_error("5w") ==
        "unknown duration unit 'w' in '5w' (expected us, ms, s, m, h or d)");
  CHECK(duration_error("30m1h") ==
        "units of a compound duration must go from largest to smallest, got '30m1h'");
  CHECK(duration_error("1.s") == "expected a duration like 250ms, got '1.s'");
  CHECK(duration_error("") == "expected a duration like 250ms, got ''");
  CHECK(duration_error("99999999999d") ==
        "duration too large: expected at most 10000d, got '99999999999d'");
}

TEST_CASE("format_duration spells durations that parse back exactly") {
  for (const char* text : {"30d", "1h30m", "250ms", "0s", "1d2h3m4s5ms6us"}) {
    CHECK(format_duration(Duration{us(text)}) == text);
  }
}

TEST_CASE("rates are converted to events per second") {
  CHECK(*parse_rate_per_s("120/min").value == doctest::Approx(2.0));
  CHECK(*parse_rate_per_s("2/s").value == doctest::Approx(2.0));
  CHECK(*parse_rate_per_s("5000/h").value == doctest::Approx(5000.0 / 3600));
  CHECK(*parse_rate_per_s("3/d").value == doctest::Approx(3.0 / 86400));
  CHECK(*parse_rate_per_s("1.5/sec").value == doctest::Approx(1.5));
  CHECK(*parse_rate_per_s("30/minute").value == doctest::Approx(0.5));
  CHECK(parse_rate_per_s("120").error ==
        "expected a rate like 120/min, got '120' (add a unit: /s, /min, /h or /d)");
  CHECK(parse_rate_per_s("120/week").error ==
        "unknown rate unit '/week' in '120/week' (expected /s, /min, /h or /d)");
  CHECK(parse_rate_per_s("fast").error == "expected a rate like 120/min, got 'fast'");
  CHECK(parse_rate_per_s("-1/s").error == "expected a rate like 120/min, got '-1/s'");
}

TEST_CASE("fractions accept percentages and plain decimals up to one") {
  CHECK(*parse_fraction("0.5%").value == doctest::Approx(0.005));
  CHECK(*parse_fraction("100%").value == doctest::Approx(1.0));
  CHECK(*parse_fraction("0.25").value == doctest::Approx(0.25));
  CHECK(*parse_fraction("1").value == doctest::Approx(1.0));
  CHECK(parse_fraction("150%").error ==
        "expected a percentage between 0% and 100% (or a fraction between 0 and 1), got '150%'");
  CHECK(parse_fraction("1.5").error ==
        "expected a percentage between 0% and 100% (or a fraction between 0 and 1), got '1.5'");
  CHECK(parse_fraction("-1%").error ==
        "expected a percentage like 0.5% or a fraction between 0 and 1, got '-1%'");
}

TEST_CASE("distributions are built in microseconds from their parameters") {
  auto d = parse_duration_distribution("lognormal(p50=200ms, p95=2s)");
  REQUIRE(d.value);
  CHECK(d.value->kind() == Distribution::Kind::lognormal);
  CHECK(d.value->quantile(0.5) == doctest::Approx(200'000).epsilon(1e-6));
  CHECK(d.value->quantile(0.95) == doctest::Approx(2'000'000).epsilon(1e-6));

  auto plain = parse_duration_distribution("250ms");
  REQUIRE(plain.value);
  CHECK(plain.value->kind() == Distribution::Kind::constant);
  CHECK(plain.value->mean() == doctest::Approx(250'000));

  auto uniform = parse_duration_distribution("uniform(10ms, 50ms)");  // positional
  REQUIRE(uniform.value);
  CHECK(uniform.value->mean() == doctest::Approx(30'000));
  CHECK(parse_duration_distribution("constant(200ms)").value->mean() == doctest::Approx(200'000));
  CHECK(parse_duration_distribution("exponential(mean=1s)").value->mean() == doctest::Approx(1e6));
  CHECK(parse_duration_distribution("normal(mean=1s, sd=200ms)").value->mean() ==
        doctest::Approx(1e6));
  auto pareto = parse_duration_distribution("pareto(scale=100ms, shape=1.5)");
  REQUIRE(pareto.value);
  CHECK(pareto.value->quantile(0) == doctest::Approx(100'000));
  auto emp = parse_duration_distribution("empirical(10ms, 20ms, 50ms)");
  REQUIRE(emp.value);
  CHECK(emp.value->quantile(0.5) == doctest::Approx(20'000));
}

TEST_CASE("distribution parameter errors are reported") {
  auto err = [](std::string_view t) { return parse_duration_distribution(t).error; };
  CHECK(err("lognormal(p50=2s, p95=200ms)") == "lognormal needs 0 < p50 < p95");
  CHECK(err("lognormal(p50=1s, sd=2s)") ==
        "unknown parameter 'sd' for lognormal (expected p50, p95)");
  CHECK(err("lognormal(p50=1s)") == "missing parameter 'p95' for lognormal");
  CHECK(err("normal(1s, 2s, 3s)") == "too many parameters for normal (expected mean, sd)");
  CHECK(err("uniform(min=1s, min=2s)") == "parameter 'min' of uniform given twice");
  CHECK(err("uniform(min=2s, max=1s)") == "uniform needs max >= min");
  CHECK(err("exponential(mean=0s)") == "exponential needs mean > 0");
  CHECK(err("pareto(scale=1s, shape=0)") == "pareto needs scale > 0 and shape > 0");
  CHECK(err("empirical()") == "empirical needs at least one duration");
  CHECK(err("lognormal(p50=fast, p95=2s)") ==
        "lognormal p50: expected a duration like 250ms, got 'fast'");
  CHECK(err("lognormal(p50=1s, p95=2s") == "expected ')' at the end of 'lognormal(p50=1s, p95=2s'");
  CHECK(err("lognormel(p50=1s, p95=2s)") ==
        "unknown distribution 'lognormel' (did you mean 'lognormal'?) (expected constant, "
        "uniform, exponential, normal, lognormal, pareto, empirical)");
  CHECK(err("soon") ==
        "expected a duration like 250ms or a distribution like lognormal(p50=200ms, p95=2s), got "
        "'soon'");
}

TEST_CASE("money is stored in minor units of the scenario currency") {
  auto m = parse_money("19.99", "EUR");
  REQUIRE(m.value);
  CHECK(m.value->minor == 1999);
  CHECK(m.value->currency == "EUR");
  CHECK(parse_money("19.99 EUR", "EUR").value->minor == 1999);
  CHECK(parse_money("5", "EUR").value->minor == 500);
  CHECK(parse_money("5.5", "EUR").value->minor == 550);
  CHECK(parse_money("19.999", "EUR").error == "an amount has at most 2 decimals, got '19.999'");
  CHECK(parse_money("19.99 USD", "EUR").error ==
        "currency 'USD' differs from the scenario's currency 'EUR'");
  CHECK(parse_money("-1", "EUR").error == "expected an amount like 19.99 or '19.99 EUR', got '-1'");
  CHECK(parse_money("1.", "EUR").error == "expected an amount like 19.99 or '19.99 EUR', got '1.'");
}

TEST_CASE("whole numbers, numbers, booleans and names") {
  CHECK(*parse_unsigned("100_000").value == 100'000);
  CHECK(parse_unsigned("1.5").error == "expected a non-negative whole number, got '1.5'");
  CHECK(parse_unsigned("-1").error == "expected a non-negative whole number, got '-1'");
  CHECK(parse_unsigned("_1").error == "expected a non-negative whole number, got '_1'");
  CHECK(parse_unsigned("99999999999999999999").error ==
        "number too large: expected at most 18446744073709551615, got '99999999999999999999'");
  CHECK(*parse_number("-1.5e2").value == doctest::Approx(-150));
  CHECK(parse_number("nan").error == "expected a number, got 'nan'");
  CHECK(*parse_bool("true").value);
  CHECK_FALSE(*parse_bool("false").value);
  CHECK(parse_bool("yes").error == "expected true or false, got 'yes'");
  CHECK(is_identifier("erp-main_2"));
  CHECK(is_identifier("3pl"));
  CHECK_FALSE(is_identifier("Erp"));
  CHECK_FALSE(is_identifier("-erp"));
  CHECK_FALSE(is_identifier(""));
}

// Hostile numbers: 400 digits once read as 0 (a fault `at` of 1e400 s ran at t=0) and 309
// digits as infinity (a rate of inf x a shape multiplier of 0 gave NaN orders, which passed
// every limit check). Every reader now says the number is too large or too long.
TEST_CASE("numbers longer than a double holds are errors that say so") {
  const std::string huge = "1" + std::string(400, '0');
  const std::string tiny = "0." + std::string(400, '0') + "1";
  CHECK(duration_error(huge + "s") ==
        "number too large: expected at most 15 digits before the decimal point, got '" +
            shown_text(huge + "s") + "'");
  CHECK(duration_error("1.0000000000000001s") ==
        "number too long: expected at most 15 digits after the decimal point, got "
        "'1.0000000000000001s'");
  CHECK(us("000000000000000000001s") == 1'000'000);  // leading zeros are not digits of size
  CHECK(us("10000d") == 864'000'000'000'000);
  CHECK(duration_error("10001d") == "duration too large: expected at most 10000d, got '10001d'");
  CHECK(duration_error("240001h") == "duration too large: expected at most 10000d, got '240001h'");
  const std::string nines(309, '9');
  CHECK(parse_rate_per_s(nines + "/min").error ==
        "number too large: expected at most 15 digits before the decimal point, got '" +
            shown_text(nines + "/min") + "'");
  CHECK(parse_rate_per_s(huge + "/s").error.starts_with("number too large"));
  CHECK(std::isfinite(*parse_rate_per_s("999999999999999/us").value));  // the reader bounds it
  CHECK(parse_fraction(tiny).error ==
        "number too long: expected at most 15 digits after the decimal point, got '" +
            shown_text(tiny) + "'");
  CHECK(parse_fraction(huge + "%").error.starts_with("number too large"));
  CHECK(parse_number("1e400").error == "number too large: expected at most 1e+18, got '1e400'");
  CHECK(parse_number("-1e400").error == "number too large: expected at most 1e+18, got '-1e400'");
  CHECK(parse_number(huge).error ==
        "number too large: expected at most 1e+18, got '" + shown_text(huge) + "'");
  CHECK(parse_number("1e19").error == "number too large: expected at most 1e+18, got '1e19'");
  CHECK(parse_number("1e-400").error ==
        "number too small: expected 0 or at least 1e-18 in size, got '1e-400'");
  CHECK(parse_number(tiny).error ==
        "number too small: expected 0 or at least 1e-18 in size, got '" + shown_text(tiny) + "'");
  CHECK(parse_number("0.001e999999999999").error.starts_with("number too large"));
  CHECK(parse_number("1000e-999999999999").error.starts_with("number too small"));
  CHECK(*parse_number("1e18").value == doctest::Approx(1e18));
  CHECK(*parse_number("0").value == 0);
  CHECK(parse_number("inf").error == "expected a number, got 'inf'");
}

TEST_CASE("money is bounded to 1,000,000,000.00") {
  CHECK(parse_money("1000000000.00", "EUR").value->minor == kMoneyMaxMinor);
  CHECK(parse_money("0000000000000000001.50", "EUR").value->minor == 150);
  CHECK(parse_money("1000000000.01", "EUR").error ==
        "amount too large: expected at most 1000000000.00, got '1000000000.01'");
  CHECK(parse_money("999999999999999.99", "EUR").error ==
        "amount too large: expected at most 1000000000.00, got '999999999999999.99'");
  CHECK(parse_money(std::string(400, '9'), "EUR").error.starts_with("amount too large"));
}

TEST_CASE("did-you-mean suggests only close candidates") {
  CHECK(edit_distance("retires", "retries") == 1);  // one transposition
  CHECK(edit_distance("amazn", "amazon") == 1);
  CHECK(edit_distance("", "abc") == 3);
  CHECK(did_you_mean("retires", {"name", "timeout", "retry"}) == " (did you mean 'retry'?)");
  CHECK(did_you_mean("wokers", {"workers", "queue_max"}) == " (did you mean 'workers'?)");
  CHECK(did_you_mean("colour", {"name", "kind"}).empty());
  CHECK(did_you_mean("name", {"name"}).empty());
}

TEST_CASE("did-you-mean does bounded work whatever the candidates") {
  // 5,000 candidates of 60 letters fill 18.6 M table cells, over the budget: a close match at
  // the end of the list is never reached, while the same match first in the list is found.
  std::vector<std::string> names{std::string(60, 'a')};
  for (int i = 1; i < 5000; ++i)
    names.push_back(fmt::format("{}{:04d}", std::string(56, 'q'), i));
  const std::string word = std::string(59, 'a') + "b";  // one edit from names[0], far from others
  std::vector<std::string_view> match_last;
  for (size_t i = 1; i < names.size(); ++i)
    match_last.push_back(names[i]);
  match_last.push_back(names[0]);
  CHECK(did_you_mean(word, match_last).empty());
  std::vector<std::string_view> match_first(names.begin(), names.end());
  CHECK(did_you_mean(word, match_first) == fmt::format(" (did you mean '{}'?)", names[0]));
  // Words longer than kSuggestionWordMax are not compared at all.
  const std::string long_word(kSuggestionWordMax + 1, 'a');
  const std::string long_name = long_word + "b";
  CHECK(did_you_mean(long_word, {long_name}).empty());
  // Candidates whose length alone rules them out are skipped, not compared.
  CHECK(did_you_mean("ab", {"abcdefgh"}).empty());
}

TEST_CASE("printable escapes invalid UTF-8 and control characters, and keeps the rest") {
  CHECK(printable("caf\xC3\xA9 ok") == "caf\xC3\xA9 ok");  // valid UTF-8 passes
  CHECK(printable("a\xFF"
                  "b") == "a\\xFFb");
  CHECK(printable(std::string_view("a\0b", 3)) == "a\\x00b");
  CHECK(printable("\x1B[31mred") == "\\x1B[31mred");
  CHECK(printable("a\tb") == "a\\x09b");
  CHECK(printable("a\tb", true) == "a\tb");
  CHECK(printable("\xE0\x80\x80") == "\\xE0\\x80\\x80");  // overlong form
  CHECK(printable("\xED\xA0\x80") == "\\xED\\xA0\\x80");  // a UTF-16 surrogate
  CHECK(printable("\xC3") == "\\xC3");                    // cut short
  CHECK(invalid_utf8_at("ok \xF0\x9F\x98\x80 \xC0") == 8);
  CHECK(invalid_utf8_at("plain") == std::string_view::npos);
}

TEST_CASE("shown_text cuts an over-long value at a character boundary") {
  CHECK(shown_text("short") == "short");
  const std::string long_value = std::string(59, 'a') + "\xC3\xA9" + std::string(100, 'b');
  CHECK(shown_text(long_value) == std::string(59, 'a') + "... (161 bytes)");
}

}  // namespace
}  // namespace syncdrill::scenario
