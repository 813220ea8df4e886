// reports/chart_scale: value axes checked on the numbers they must place (ticks spaced, round,
// in order; a small value beside a huge one still off the floor) and label fitting on long,
// multi-byte and hostile text.
#include "reports/chart_scale.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <doctest/doctest.h>

namespace syncdrill {
namespace {

constexpr double kHeight = 220;
constexpr double kGap = 16;

// Every tick pair at least `gap` px apart on an axis `height` tall, ascending, 0 first, max last.
void check_ticks(const ValueAxis& a, double height, double gap) {
  REQUIRE(a.ticks.size() >= 2);
  CHECK(a.ticks.front() == 0);
  CHECK(a.ticks.back() == a.max);
  for (size_t i = 1; i < a.ticks.size(); ++i) {
    INFO("ticks ", a.ticks[i - 1], " and ", a.ticks[i]);
    CHECK(a.ticks[i] > a.ticks[i - 1]);
    CHECK((a.fraction(a.ticks[i]) - a.fraction(a.ticks[i - 1])) * height >= gap);
  }
}

TEST_CASE("chart_scale: a symlog queue axis keeps a queue of 3 off the floor beside 200,000") {
  const ValueAxis a = symlog_axis(183'412, 3, ValueKind::jobs, kHeight, kGap);
  CHECK(a.scale == Scale::symlog);
  CHECK(a.max == 200'000);  // the first 1, 2 or 5 times a power of ten at or above the data
  CHECK(a.linear_below == 1);
  check_ticks(a, kHeight, kGap);
  // On a linear axis 3 of 200,000 jobs is 0.003 px above 0; here it is a quarter of the way up.
  CHECK(a.fraction(3) * kHeight > 20);
  CHECK(a.fraction(0) == 0);
  CHECK(a.fraction(200'000) == doctest::Approx(1));
  CHECK(a.fraction(1e9) == 1);  // clamped
  CHECK(a.fraction(-5) == 0);
  // Powers of ten are ticks, written with grouped digits.
  for (double v : {10.0, 100.0, 1000.0, 10'000.0}) {
    INFO(v);
    CHECK(std::find(a.ticks.begin(), a.ticks.end(), v) != a.ticks.end());
  }
  CHECK(value_text(ValueKind::jobs, 200'000) == "200,000");
  CHECK(value_text(ValueKind::jobs, 0) == "0");
  // Monotonic: a larger value is never drawn lower.
  double previous = -1;
  for (double v = 0; v <= 200'000; v = v * 1.7 + 1) {
    CHECK(a.fraction(v) > previous);
    previous = a.fraction(v);
  }
}

TEST_CASE("chart_scale: a symlog delay axis ticks at round durations and ends above the data") {
  // A two-hour breach beside sub-second delays (black-friday-peak's price sync).
  const ValueAxis a = symlog_axis(7'964'000, 150, ValueKind::delay_ms, kHeight, kGap);
  CHECK(a.max == 3 * 3'600'000);  // 3h: the first round duration at or above 2h12m44s
  CHECK(a.linear_below == 10);    // a power of ten at most a tenth of the smallest delay
  check_ticks(a, kHeight, kGap);
  std::vector<std::string> labels;
  for (double v : a.ticks)
    labels.push_back(value_text(ValueKind::delay_ms, v));
  CHECK(labels.front() == "0");
  CHECK(labels.back() == "3h");
  for (const char* want : {"100ms", "1s", "10s", "1m", "10m"}) {
    INFO(want);
    CHECK(std::find(labels.begin(), labels.end(), want) != labels.end());
  }
  // 150 ms sits well off the floor, and well below the top.
  CHECK(a.fraction(150) * kHeight > 40);
  CHECK(a.fraction(150) < 0.5);
  CHECK(value_text(ValueKind::delay_ms, 250) == "250ms");
  CHECK(value_text(ValueKind::delay_ms, 7'964'000) == "2h12m44s");
  CHECK(value_unit(ValueKind::delay_ms) == "ms");
}

TEST_CASE("chart_scale: degenerate data still gives a usable axis") {
  for (double bad : {0.0, -3.0, std::nan(""), std::numeric_limits<double>::infinity()}) {
    INFO(bad);
    const ValueAxis s = symlog_axis(bad, bad, ValueKind::jobs, kHeight, kGap);
    CHECK(s.max == 1);
    check_ticks(s, kHeight, kGap);
    const ValueAxis l = linear_axis(bad, ValueKind::percent);
    CHECK(l.max == 1);
    check_ticks(l, kHeight, 1);
  }
  // Beyond every round value: the axis ends at the data itself.
  const ValueAxis huge = symlog_axis(3e17, 1, ValueKind::jobs, kHeight, kGap);
  CHECK(huge.max == 3e17);
  check_ticks(huge, kHeight, kGap);
  // A tiny plot keeps at least 0 and the top.
  const ValueAxis tiny = symlog_axis(5000, 1, ValueKind::jobs, 10, kGap);
  CHECK(tiny.ticks == std::vector<double>{0, 5000});
}

TEST_CASE("chart_scale: a linear percent axis ticks every 1, 2 or 5 times a power of ten") {
  const ValueAxis a = linear_axis(37, ValueKind::percent);
  CHECK(a.scale == Scale::linear);
  CHECK(a.ticks == std::vector<double>{0, 10, 20, 30, 40});
  CHECK(a.fraction(20) == doctest::Approx(0.5));
  CHECK(value_text(ValueKind::percent, 12.5) == "12.5%");
  const ValueAxis full = linear_axis(100, ValueKind::percent);
  CHECK(full.ticks == std::vector<double>{0, 20, 40, 60, 80, 100});
}

TEST_CASE("chart_scale: a long label is shortened in the middle to fit its room") {
  const std::string id = "governance-price-feed-delay";
  const double full = text_width_px(id, 12);
  CHECK(full > 100);
  CHECK(fit_text(id, 12, full) == id);  // fits: unchanged
  const std::string cut = fit_text(id, 12, 100);
  INFO(cut);
  CHECK(text_width_px(cut, 12) <= 100);
  const size_t ellipsis = cut.find("\xE2\x80\xA6");
  REQUIRE(ellipsis != std::string::npos);
  // Its beginning and its end, the beginning as long or one longer.
  const std::string head = cut.substr(0, ellipsis), tail = cut.substr(ellipsis + 3);
  CHECK(id.rfind(head, 0) == 0);
  CHECK(id.size() >= tail.size());
  CHECK(id.compare(id.size() - tail.size(), tail.size(), tail) == 0);
  CHECK(head.size() >= tail.size());
  CHECK(head.size() <= tail.size() + 1);
  CHECK(tail.size() >= 4);
  // As long as fits: one more code point would not.
  CHECK(text_width_px(id.substr(0, head.size() + 1) + "\xE2\x80\xA6" + tail, 12) > 100);
  // Wider glyphs take more room.
  CHECK(text_width_px("mmmm", 12) > text_width_px("iiii", 12));
  CHECK(text_width_px("abc", 24) == doctest::Approx(2 * text_width_px("abc", 12)));
}

TEST_CASE("chart_scale: fitting never cuts a UTF-8 sequence, hostile text included") {
  const std::string wide =
      "\xE5\x8F\x97\xE6\xB3\xA8\xE6\x96\x87-\xC3\xA9t\xC3\xA9-\xF0\x9F\x93\xA6-queue";
  for (double room : {0.0, 5.0, 20.0, 40.0, 60.0, 80.0}) {
    const std::string cut = fit_text(wide, 12, room);
    INFO("room ", room, ": ", cut);
    CHECK(text_width_px(cut, 12) <= std::max(room, text_width_px("\xE2\x80\xA6", 12)));
    // Every lead byte is followed by as many continuation bytes as it announces.
    for (size_t i = 0; i < cut.size();) {
      const auto c = static_cast<unsigned char>(cut[i]);
      const size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
      REQUIRE(i + n <= cut.size());
      for (size_t k = 1; k < n; ++k)
        CHECK((static_cast<unsigned char>(cut[i + k]) & 0xC0) == 0x80);
      i += n;
    }
  }
  CHECK(fit_text("", 12, 0).empty());
  CHECK(fit_text("<b>&amp;</b>", 12, 1000) == "<b>&amp;</b>");  // escaping is the caller's
  CHECK(text_width_px("a\x01\x02", 12) == text_width_px("a", 12));
}

}  // namespace
}  // namespace syncdrill
