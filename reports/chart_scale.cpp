#include "reports/chart_scale.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>

#include "reports/format.hpp"

namespace syncdrill {

namespace {

// Advance widths of DejaVu Sans for ' ' .. '~', in thousandths of an em.
constexpr std::array<uint16_t, 95> kAsciiWidth = {
    318,  401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318,
    337,  //  !"#$%&'()*+,-./
    636,  636, 636, 636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838,
    531,  // 0-9 :;<=>?
    1000, 684, 686, 698, 770, 632, 575, 775, 752, 295, 295, 656, 557, 863, 748,
    787,  // @A-O
    603,  787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838,
    500,  // P-Z [\]^_
    500,  613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634,
    612,                                                                         // `a-o
    635,  635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838,  // p-z {|}~
};
// Headroom over the table, for hinting and fonts a little wider than DejaVu Sans.
constexpr double kWidthMargin = 1.05;
constexpr std::string_view kEllipsis = "\xE2\x80\xA6";

bool continuation(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// The byte offsets where the code points of `s` start.
std::vector<size_t> code_point_starts(std::string_view s) {
  std::vector<size_t> out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (!continuation(s[i])) out.push_back(i);
  }
  return out;
}

// Round values an axis may end or tick at, ascending, and whether each is a major tick (a power
// of ten, or for delays a round unit), which gets its place before the others.
struct Candidate {
  double value;
  bool major;
};

std::vector<Candidate> candidates(ValueKind kind) {
  std::vector<Candidate> out;
  if (kind == ValueKind::delay_ms) {
    constexpr double kSecond = 1000, kMinute = 60 * kSecond, kHour = 60 * kMinute,
                     kDay = 24 * kHour;
    for (double ms :
         {1.0, 10.0, 100.0, kSecond, 10 * kSecond, kMinute, 10 * kMinute, kHour, kDay, 7 * kDay})
      out.push_back({ms, true});
    for (double ms :
         {2.0,          5.0,          20.0,         50.0,         200.0,       500.0,
          2 * kSecond,  5 * kSecond,  20 * kSecond, 30 * kSecond, 2 * kMinute, 5 * kMinute,
          20 * kMinute, 30 * kMinute, 2 * kHour,    3 * kHour,    6 * kHour,   12 * kHour,
          2 * kDay,     14 * kDay,    30 * kDay,    90 * kDay,    365 * kDay})
      out.push_back({ms, false});
  } else {
    for (int k = 0; k <= 15; ++k) {
      const double p = std::pow(10.0, k);
      out.push_back({p, true});
      out.push_back({2 * p, false});
      out.push_back({5 * p, false});
    }
  }
  std::sort(out.begin(), out.end(),
            [](const Candidate& a, const Candidate& b) { return a.value < b.value; });
  return out;
}

}  // namespace

double ValueAxis::fraction(double v) const {
  const double clamped = std::clamp(v, 0.0, max);
  if (scale == Scale::linear) return clamped / max;
  return std::log1p(clamped / linear_below) / std::log1p(max / linear_below);
}

ValueAxis linear_axis(double data_max, ValueKind kind) {
  ValueAxis a;
  a.kind = kind;
  if (!(data_max > 0) || !std::isfinite(data_max)) data_max = 1;
  const double raw = data_max / 5;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = 10 * magnitude;
  for (double k : {1.0, 2.0, 5.0}) {
    if (k * magnitude >= raw * (1 - 1e-9)) {
      step = k * magnitude;
      break;
    }
  }
  if (kind == ValueKind::jobs) step = std::max(step, 1.0);
  a.max = std::ceil(data_max / step * (1 - 1e-12)) * step;
  if (a.max < data_max) a.max += step;
  if (a.max <= 0) a.max = step;
  const auto ticks = static_cast<int>(std::llround(a.max / step));
  for (int i = 0; i <= ticks; ++i)
    a.ticks.push_back(step * i);
  return a;
}

ValueAxis symlog_axis(double data_max, double data_min_positive, ValueKind kind, double height_px,
                      double tick_gap_px) {
  ValueAxis a;
  a.scale = Scale::symlog;
  a.kind = kind;
  if (!(data_max > 0) || !std::isfinite(data_max)) data_max = 1;
  const std::vector<Candidate> round = candidates(kind);
  a.max = data_max;  // beyond every round value: the data's own maximum
  for (const Candidate& c : round) {
    if (c.value >= data_max * (1 - 1e-9)) {
      a.max = c.value;
      break;
    }
  }
  if (kind == ValueKind::delay_ms && data_min_positive > 0 && std::isfinite(data_min_positive)) {
    a.linear_below = std::max(1.0, std::pow(10.0, std::floor(std::log10(data_min_positive / 10))));
    a.linear_below = std::min(a.linear_below, a.max);
  }
  std::vector<double> kept = {0, a.max};
  auto room = [&](double v) {
    return std::all_of(kept.begin(), kept.end(), [&](double k) {
      return std::fabs(a.fraction(v) - a.fraction(k)) * height_px >= tick_gap_px;
    });
  };
  for (const bool major : {true, false}) {
    for (const Candidate& c : round) {
      if (c.major == major && c.value < a.max && room(c.value)) kept.push_back(c.value);
    }
  }
  std::sort(kept.begin(), kept.end());
  a.ticks = std::move(kept);
  return a;
}

std::string value_text(ValueKind kind, double v) {
  switch (kind) {
    case ValueKind::percent:
      return plain_number(v, 3) + "%";
    case ValueKind::jobs:
      return v <= 0 ? std::string("0") : grouped(static_cast<uint64_t>(std::llround(v)));
    case ValueKind::delay_ms:
      return v <= 0 ? std::string("0") : human_duration(Duration{std::llround(v * 1000)});
  }
  return plain_number(v, 3);
}

std::string_view value_unit(ValueKind kind) {
  switch (kind) {
    case ValueKind::percent:
      return "%";
    case ValueKind::jobs:
      return "";
    case ValueKind::delay_ms:
      return "ms";
  }
  return "";
}

double text_width_px(std::string_view s, double font_px) {
  double em = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7F) {
      em += kAsciiWidth[c - 0x20] / 1000.0;
    } else if (c >= 0xC0) {
      em += 1.0;  // a code point outside ASCII: as wide as a CJK ideograph
    }
    // Control characters and continuation bytes add nothing.
  }
  return em * font_px * kWidthMargin;
}

std::string fit_text(std::string_view s, double font_px, double room_px) {
  if (text_width_px(s, font_px) <= room_px) return std::string(s);
  const std::vector<size_t> starts = code_point_starts(s);
  for (size_t keep = starts.size() - 1; keep > 0; --keep) {
    const size_t head = (keep + 1) / 2, tail = keep - head;
    std::string out(s.substr(0, starts[head]));
    out += kEllipsis;
    if (tail > 0) out += s.substr(starts[starts.size() - tail]);
    if (text_width_px(out, font_px) <= room_px) return out;
  }
  return std::string(kEllipsis);
}

}  // namespace syncdrill
