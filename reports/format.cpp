#include "reports/format.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

#include "core/scenario/utf8.hpp"
#include "core/scenario/values.hpp"

namespace syncdrill {

namespace {

constexpr int64_t kSecond = 1'000'000;

bool is_word_byte(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Appends the UTF-8 encoding of code point `cp` (valid for XML by the caller's check).
void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

constexpr uint32_t kReplacement = 0xFFFD;

// Decodes one UTF-8 sequence at s[i], advancing i. Invalid, overlong or truncated sequences and
// surrogates give kReplacement and consume one byte.
uint32_t next_code_point(std::string_view s, size_t& i) {
  const Utf8Sequence seq = utf8_sequence_at(s, i);
  if (seq.length == 0) {
    ++i;
    return kReplacement;
  }
  i += seq.length;
  return seq.code_point;
}

// XML 1.0 Char production, tab / line feed / carriage return aside (the callers decide those).
bool xml_allowed(uint32_t cp) {
  return (cp >= 0x20 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0xFFFD) ||
         (cp >= 0x10000 && cp <= 0x10FFFF);
}

std::string xml_escape(std::string_view s, bool attribute) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    const uint32_t cp = next_code_point(s, i);
    switch (cp) {
      case '&':
        out += "&amp;";
        continue;
      case '<':
        out += "&lt;";
        continue;
      case '>':
        out += "&gt;";
        continue;
      case '"':
        out += "&quot;";
        continue;
      case '\'':
        out += "&apos;";
        continue;
      case '\t':
        out += attribute ? "&#9;" : "\t";
        continue;
      case '\n':
        out += attribute ? "&#10;" : "\n";
        continue;
      case '\r':
        out += "&#13;";
        continue;
      default:
        append_utf8(out, xml_allowed(cp) ? cp : kReplacement);
    }
  }
  return out;
}

}  // namespace

std::string grouped(uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string money_text(int64_t minor, const std::string& currency) {
  const uint64_t magnitude =
      minor < 0 ? static_cast<uint64_t>(-(minor + 1)) + 1 : static_cast<uint64_t>(minor);
  return fmt::format("{}{}.{:02d} {}", minor < 0 ? "-" : "", grouped(magnitude / 100),
                     magnitude % 100, currency);
}

std::string short_duration(int64_t us) {
  if (us < 1000) return fmt::format("{}us", us);
  if (us < 1'000'000) return fmt::format("{}ms", us / 1000);
  if (us < 60'000'000) return fmt::format("{:.1f}s", static_cast<double>(us) / 1e6);
  return scenario::format_duration(Duration{us - us % 1'000'000});
}

std::string human_duration(Duration d) {
  if (d.us < 0) return "-" + human_duration(Duration{-d.us});
  if (d.us >= 60 * kSecond) {
    return scenario::format_duration(Duration{(d.us + kSecond / 2) / kSecond * kSecond});
  }
  if (d.us == 0) return "0s";
  if (d.us < 1000) return fmt::format("{}us", d.us);
  if (d.us < kSecond) return fmt::format("{}ms", (d.us + 500) / 1000);
  return plain_number(d.seconds(), 1) + "s";
}

std::string plain_number(double x, int decimals) {
  if (!std::isfinite(x)) return fmt::format("{}", x);
  std::string s = fmt::format("{:.{}f}", x, decimals);
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0')
      s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

std::string seconds_text(Duration d) {
  const uint64_t magnitude =
      d.us < 0 ? static_cast<uint64_t>(-(d.us + 1)) + 1 : static_cast<uint64_t>(d.us);
  std::string s = fmt::format("{}{}", d.us < 0 ? "-" : "", magnitude / kSecond);
  if (const uint64_t frac = magnitude % kSecond; frac != 0) {
    std::string f = fmt::format("{:06d}", frac);
    while (f.back() == '0')
      f.pop_back();
    s += "." + f;
  }
  return s + " s";
}

std::string md_text(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    switch (c) {
      case '\r':
        if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
        out += "<br>";
        break;
      case '\n':
        out += "<br>";
        break;
      case '\t':
        out += ' ';
        break;
      case '\\':
      case '`':
      case '*':
      case '[':
      case ']':
      case '<':
      case '>':
      case '|':
      case '&':
      case '~':
        out += '\\';
        out += c;
        break;
      case '_': {
        const bool inside_word =
            i > 0 && is_word_byte(s[i - 1]) && i + 1 < s.size() && is_word_byte(s[i + 1]);
        if (!inside_word) out += '\\';
        out += c;
        break;
      }
      default:
        if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7F) out += c;
    }
  }
  return out;
}

std::string xml_text(std::string_view s) {
  return xml_escape(s, false);
}

std::string xml_attr(std::string_view s) {
  return xml_escape(s, true);
}

const FaultSpec* find_fault(const Scenario& scenario, const std::string& id) {
  for (const FaultSpec& f : scenario.faults) {
    if (f.id == id) return &f;
  }
  return nullptr;
}

size_t failed_checks(const TierVerdict& t) {
  return static_cast<size_t>(
      std::count_if(t.checks.begin(), t.checks.end(), [](const TierCheck& c) { return !c.held; }));
}

size_t missed_faults(const Score& score) {
  return static_cast<size_t>(std::count_if(score.incidents.begin(), score.incidents.end(),
                                           [](const FaultIncident& f) { return f.missed(); }));
}

size_t breached_tiers(const Score& score) {
  return static_cast<size_t>(std::count_if(score.tiers.begin(), score.tiers.end(),
                                           [](const TierVerdict& t) { return !t.held(); }));
}

std::string tiers_outcome_text(const Score& score, bool capital) {
  size_t checks = 0, failed = 0;
  for (const TierVerdict& t : score.tiers) {
    checks += t.checks.size();
    failed += failed_checks(t);
  }
  const size_t breached = breached_tiers(score);
  if (breached == 0) {
    return fmt::format("{}very SLA tier held ({}, {})", capital ? 'E' : 'e',
                       plural(score.tiers.size(), "tier", "tiers"),
                       plural(checks, "check", "checks"));
  }
  return fmt::format("{} of {} breached ({} of {} failed)", breached,
                     plural(score.tiers.size(), "SLA tier", "SLA tiers"), failed,
                     plural(checks, "check", "checks"));
}

std::string faults_detected_note(const Score& score) {
  if (score.incidents.empty()) return "";
  const size_t missed = missed_faults(score);
  std::string out = fmt::format(" Faults: {} of {} detected", score.incidents.size() - missed,
                                score.incidents.size());
  out += missed == 0 ? "." : fmt::format(", {} missed.", missed);
  return out;
}

std::string_view run_status_text(RunStatus status) {
  switch (status) {
    case RunStatus::reached_time:
      return "ran to the scenario's end";
    case RunStatus::drained:
      return "nothing left to happen before the scenario's end";
    case RunStatus::event_limit:
      return "stopped at its event limit";
    case RunStatus::pending_limit:
      return "stopped at its limit of pending events";
  }
  return "stopped";
}

std::string_view verdict_text(const Score& score) {
  if (!score.scored) return "NOT SCORED";
  return score.held() ? "PASS" : "FAIL";
}

std::string check_label(const TierCheck& c) {
  std::string label = fmt::format("{} {}", c.check, to_string(c.flow));
  if (!c.channel.empty()) label += fmt::format(" @{}", c.channel);
  if (!c.subject.empty()) label += fmt::format(" [{}]", c.subject);
  return label;
}

std::string tier_summary(const TierVerdict& t) {
  size_t failed = 0;
  size_t empty = 0;
  for (const TierCheck& c : t.checks) {
    failed += c.held ? 0 : 1;
    empty += c.no_data ? 1 : 0;
  }
  const size_t n = t.checks.size();
  const std::string_view checks = n == 1 ? "check" : "checks";
  if (n == 0) return "no checks (the tier sets no target its flows can be measured on)";
  if (failed > 0) return fmt::format("breached ({} of {} {} failed)", failed, n, checks);
  if (empty == n) return fmt::format("no data ({} {}, none had anything to measure)", n, checks);
  if (empty > 0) return fmt::format("held ({} {}, {} without data)", n, checks, empty);
  return fmt::format("held ({} {})", n, checks);
}

std::string no_data_note(const Score& score) {
  size_t n = 0;
  for (const TierVerdict& t : score.tiers) {
    for (const TierCheck& c : t.checks)
      n += c.no_data ? 1 : 0;
  }
  if (n == 0) return "";
  return fmt::format(" {} {} nothing to measure (no data).", n,
                     n == 1 ? "check had" : "checks had");
}

std::string check_actual(const TierCheck& c) {
  if (c.actual) return check_value(*c.actual, c.unit);
  if (c.no_data) return "no data";
  if (c.check == "mttd") return "missed";
  if (c.check == "mttr") return "not recovered";
  return "none";
}

std::string check_value(double value, const std::string& unit) {
  if (unit == "s") {
    std::string s = plain_number(value) + " s";
    if (std::isfinite(value) && std::fabs(value) >= 60) {
      s += " (" + human_duration(Duration{std::llround(value * 1e6)}) + ")";
    }
    return s;
  }
  if (unit == "ratio") return plain_number(value * 100, 4) + "%";
  const bool counted = unit == "entities" || unit == "orders" || unit == "lines" || unit == "jobs";
  if (counted && value >= 0 && value < 1e18 && value == std::floor(value)) {
    return grouped(static_cast<uint64_t>(value)) + " " + unit;
  }
  return unit.empty() ? plain_number(value) : plain_number(value) + " " + unit;
}

std::string joined(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const std::string& p : parts) {
    if (!out.empty()) out += separator;
    out += p;
  }
  return out;
}

std::string plural(size_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

}  // namespace syncdrill
