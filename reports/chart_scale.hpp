// Value axes and label fitting for the SVG charts of the HTML pages (reports/svg_chart.hpp).
//
// A value axis runs from 0 at the bottom to `max` at the top, either linearly or on a symlog
// scale: logarithmic above `linear_below`, linear below it, so 0 has a place and one huge value
// (a queue of 200,000 jobs, a delay of two hours) does not flatten every other sample to the
// floor. Its ticks are chosen so that no two labels sit closer than a minimum gap.
//
// Labels are fitted to their room without measuring text (the page has no script): the width of
// a text is estimated from coarse glyph widths of DejaVu Sans, the widest of the common fallback
// fonts, so an estimate is an upper bound in the fonts the page asks for.
//
// Every function is pure and locale-independent: the same input gives the same bytes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace syncdrill {

enum class Scale { linear, symlog };

// What an axis measures, which decides how its values are written.
enum class ValueKind {
  percent,   // "20%"
  jobs,      // whole numbers, digits grouped: "200,000"
  delay_ms,  // a duration given in milliseconds: "250ms", "10s", "5m", "2h"
};

struct ValueAxis {
  Scale scale = Scale::linear;
  ValueKind kind = ValueKind::percent;
  double max = 1;             // > 0, the value at the top
  double linear_below = 1;    // symlog: values below it are drawn about linearly; > 0
  std::vector<double> ticks;  // ascending, 0 first and max last
  // Where `v` sits, from 0 (bottom, v <= 0) to 1 (top, v >= max).
  double fraction(double v) const;
};

// 0 .. a round value >= data_max, with ticks every 1, 2 or 5 times a power of ten (about five
// ticks; jobs at least 1 apart). data_max <= 0 or not finite gives an axis to 1.
ValueAxis linear_axis(double data_max, ValueKind kind);

// 0 .. the first round value >= data_max (1, 2, 5 times a power of ten for jobs; round
// durations for delays, "1ms" to "1d" and beyond), symlog with `linear_below` set to 1 job, or
// for delays to the power of ten at most a tenth of `data_min_positive` (>= 1 ms). Ticks:
// powers of ten (for delays 1ms, 10ms, 100ms, 1s, 10s, 1m, 10m, 1h, 1d) first, then the round
// values between, each kept only when it is at least `tick_gap_px` from every tick kept before
// on an axis `height_px` tall (0 and the top always).
ValueAxis symlog_axis(double data_max, double data_min_positive, ValueKind kind, double height_px,
                      double tick_gap_px);

// A value as the axis writes it: "20%", "1,250", "0", "250ms", "1.5s", "2h13m".
std::string value_text(ValueKind kind, double v);

// The unit a chart's data-y-unit names: "%", "" (jobs), "ms".
std::string_view value_unit(ValueKind kind);

// An upper estimate of the width of `s` (UTF-8) in pixels at `font_px`.
double text_width_px(std::string_view s, double font_px);

// `s` itself when it fits in `room_px` at `font_px`; otherwise its beginning and end around "…"
// ("governance-…-delay"), as many code points as fit, the beginning one longer when they
// differ. Never cuts a UTF-8 sequence; at least "…" when nothing fits.
std::string fit_text(std::string_view s, double font_px, double room_px);

}  // namespace syncdrill
