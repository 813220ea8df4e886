// Small text helpers shared by the report writers (scorecard, report.md, junit.xml): money,
// durations and numbers for people, and escaping for the Markdown and XML the writers emit.
//
// Every function is pure and locale-independent, so the writers stay byte-for-byte
// deterministic.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/engine/engine.hpp"
#include "core/engine/time.hpp"
#include "sim/score/score.hpp"

namespace syncdrill {

// What every writer says of a figure a live drill (`syncdrill serve`) cannot measure, where a run
// would give a number: never a 0.
inline constexpr const char* kNotMeasuredLive = "not measured in a live drill";

// 1234567 -> "1,234,567". (Also declared in reports/scorecard.hpp, its first home.)
std::string grouped(uint64_t n);

// 123456 minor units of EUR -> "1,234.56 EUR" (digits grouped; a minus sign when negative).
std::string money_text(int64_t minor, const std::string& currency);

// "250us", "250ms", "1.2s", "3m10s": short enough for a table cell.
std::string short_duration(int64_t us);

// A duration for people: whole seconds and up in the scenario format's spelling ("12m30s", "1h",
// "0s"); below a minute with up to one decimal ("12.5s", "0.2s"). Rounded to the nearest
// second from one minute up.
std::string human_duration(Duration d);

// A number with at most `decimals` decimals, trailing zeros removed: 60 -> "60",
// 95.25 -> "95.25", 0.1 + 0.2 -> "0.3". Never exponent notation; "-0" is printed as "0".
std::string plain_number(double x, int decimals = 3);

// Exact seconds of a span, up to microseconds: 150'000'000us -> "150 s", 1'500us -> "0.0015 s".
std::string seconds_text(Duration d);

// Text from a scenario or a score, made safe inside a GitHub-flavoured Markdown table cell or
// paragraph: characters that could start emphasis, code, links, HTML, entities or a cell break
// (\ ` * [ ] < > | & ~, and _ at a word edge) are backslash-escaped; line breaks become "<br>";
// tabs become spaces; other control characters are dropped. "order_ingest" stays as it is.
std::string md_text(std::string_view s);

// `parts` with `separator` between them: ({"a", "b"}, ", ") -> "a, b".
std::string joined(const std::vector<std::string>& parts, std::string_view separator);

// A count and its noun: "1 tier", "2 tiers".
std::string plural(size_t n, std::string_view one, std::string_view many);

// Text made safe as XML 1.0 character data (xml_text) or as an attribute value in double or
// single quotes (xml_attr): & < > " ' become entities; other control characters, invalid UTF-8
// and code points XML 1.0 does not allow (U+FFFE, U+FFFF, surrogates) become U+FFFD. xml_attr
// also writes tab, line feed and carriage return as character references, which parsers would
// otherwise turn into spaces; xml_text writes a carriage return as "&#13;" and keeps tabs and
// line feeds.
std::string xml_text(std::string_view s);
std::string xml_attr(std::string_view s);

// ---- Scores, as every writer spells them ----------------------------------------------------

// The fault `id` of the scenario, or nullptr when it has none.
const FaultSpec* find_fault(const Scenario& scenario, const std::string& id);

// The checks of a tier that did not hold.
size_t failed_checks(const TierVerdict& t);

// The faults no monitor caught (FaultIncident::missed).
size_t missed_faults(const Score& score);

// The tiers that did not hold.
size_t breached_tiers(const Score& score);

// How the tiers fared, for a summary sentence (without its full stop): "every SLA tier held (2
// tiers, 5 checks)" or "1 of 2 SLA tiers breached (1 of 5 checks failed)"; "Every ..." when
// `capital`, to start a sentence.
std::string tiers_outcome_text(const Score& score, bool capital);

// " Faults: 3 of 4 detected, 1 missed." or " Faults: 4 of 4 detected."; "" without incidents.
std::string faults_detected_note(const Score& score);

// How a run ended, for a reader: "ran to the scenario's end", "stopped at its event limit", ...
// (report.json keeps the status's own name, to_string(RunStatus)).
std::string_view run_status_text(RunStatus status);

// "PASS", "FAIL", or "NOT SCORED" when the scenario has no SLA tiers (!score.scored).
std::string_view verdict_text(const Score& score);

// "<check> <flow>", then " @<channel>" and " [<subject>]" when the check has them:
// "mttd order_ingest [erp-down]", "freshness_p95 stock_sync @amazon-us".
std::string check_label(const TierCheck& c);

// A tier's state in words: "held (3 checks)", "held (4 checks, 1 without data)",
// "breached (1 of 5 checks failed)", "no data (2 checks, none had anything to measure)",
// "no checks (the scenario sets no target for its flows)".
std::string tier_summary(const TierVerdict& t);

// " 4 checks had nothing to measure (no data)." when some did, else "": the summaries' note, so a
// PASS never reads as if every check had been measured.
std::string no_data_note(const Score& score);

// A check's actual in its unit (check_value), or the word for its absence: "no data", "missed"
// (mttd), "not recovered" (mttr).
std::string check_actual(const TierCheck& c);

// A check's actual or limit value in its unit: "95.2 s" ("95.2 s (1m35s)" from a minute up),
// "0.5%" for a ratio, "12 entities" (and grouped "orders", "lines", "jobs"); another unit follows
// the number after a space.
std::string check_value(double value, const std::string& unit);

}  // namespace syncdrill
