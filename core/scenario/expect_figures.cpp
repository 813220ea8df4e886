#include "core/scenario/expect_figures.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/scenario/reader.hpp"
#include "core/scenario/values.hpp"

namespace syncdrill {
namespace {

// "faults[erp-outage].mttd_s" -> {"faults", "erp-outage", "mttd_s"}; false when not that shape.
bool split_indexed(std::string_view name, std::string_view& list, std::string_view& key,
                   std::string_view& field) {
  const size_t open = name.find('[');
  const size_t close = name.find("].");
  if (open == std::string_view::npos || close == std::string_view::npos || close < open)
    return false;
  list = name.substr(0, open);
  key = name.substr(open + 1, close - open - 1);
  field = name.substr(close + 2);
  return true;
}

std::string figure_list() {
  std::vector<std::string_view> names;
  for (const ExpectFigure& f : expect_figures())
    names.push_back(f.name);
  return fmt::format("{}, faults[ID].{{{}}}, channels[NAME].{{{}}}", fmt::join(names, ", "),
                     fmt::join(expect_fault_fields(), ","),
                     fmt::join(expect_channel_fields(), ","));
}

std::string unknown(std::string_view what, std::string_view value,
                    const std::vector<std::string_view>& candidates) {
  return scenario::unknown_value(what, value, candidates);
}

FigurePointer indexed(const Scenario& s, std::string_view name) {
  std::string_view list;
  std::string_view key;
  std::string_view field;
  if (!split_indexed(name, list, key, field)) return {{}, "not indexed"};
  if (list == "faults") {
    std::vector<std::string_view> ids;
    for (const FaultSpec& f : s.faults)
      ids.push_back(f.id);
    for (size_t i = 0; i < s.faults.size(); ++i) {
      if (s.faults[i].id != key) continue;
      for (const std::string_view known : expect_fault_fields()) {
        if (known == field) return {fmt::format("/faults/{}/{}", i, field), {}};
      }
      return {{}, unknown("fault figure", field, expect_fault_fields())};
    }
    return {{}, unknown("fault", key, ids)};
  }
  if (list == "channels") {
    for (size_t i = 0; i < s.channels.size(); ++i) {
      if (s.channels[i].name != key) continue;
      for (const std::string_view known : expect_channel_fields()) {
        if (known != field) continue;
        std::string pointer = fmt::format("/channels/{}/", i);
        for (const char c : field)
          pointer += c == '.' ? '/' : c;
        return {pointer, {}};
      }
      return {{}, unknown("channel figure", field, expect_channel_fields())};
    }
    std::vector<std::string_view> names;
    for (const ChannelSpec& c : s.channels)
      names.push_back(c.name);
    return {{}, unknown("channel", key, names)};
  }
  return {{}, "not indexed"};
}

}  // namespace

const std::vector<ExpectFigure>& expect_figures() {
  static const std::vector<ExpectFigure> kFigures = {
      {"orders.placed", "/impact/orders_placed"},
      {"orders.sold_out", "/impact/orders_sold_out"},
      {"orders.in_oms_once", "/impact/in_oms_once"},
      {"orders.lost", "/impact/lost"},
      {"orders.duplicated", "/impact/duplicated"},
      {"orders.duplicate_oms_orders", "/impact/duplicate_oms_orders"},
      {"orders.oversold", "/impact/oversold"},
      {"orders.in_flight", "/impact/in_flight"},
      {"price.mismatches", "/impact/price_mismatches"},
      {"price.mismatch_amount", "/impact/price_mismatch/amount"},
      {"returns.requested", "/impact/returns_requested"},
      {"returns.out_of_sync", "/impact/returns_out_of_sync"},
      {"states.unmapped", "/impact/unmapped_states"},
      {"reconciliation.unmatched", "/impact/unmatched_entries"},
      {"skus.not_conserved", "/impact/skus_not_conserved"},
      {"jobs.dropped_queue_full", "/impact/jobs_dropped_queue_full"},
      {"run.events", "/run/events_processed"},
  };
  return kFigures;
}

const std::vector<std::string_view>& expect_fault_fields() {
  static const std::vector<std::string_view> kFields = {
      "hits",       "onset_s",     "detected_s", "acknowledged_s", "restored_s",
      "repaired_s", "recovered_s", "mttd_s",     "mttr_s"};
  return kFields;
}

const std::vector<std::string_view>& expect_channel_fields() {
  static const std::vector<std::string_view> kFields = {
      "orders.placed",     "orders.sold_out",    "orders.in_oms_once", "orders.duplicated",
      "orders.lost",       "orders.oversold",    "orders.in_flight",   "price_mismatches",
      "returns.requested", "returns.out_of_sync"};
  return kFields;
}

FigurePointer resolve_figure(const Scenario& s, std::string_view name) {
  for (const ExpectFigure& f : expect_figures()) {
    if (f.name == name) return {std::string(f.pointer), {}};
  }
  if (name.find('[') != std::string_view::npos) {
    FigurePointer p = indexed(s, name);
    if (p.error != "not indexed") return p;
  }
  std::vector<std::string_view> names;
  for (const ExpectFigure& f : expect_figures())
    names.push_back(f.name);
  std::string message = unknown("figure", name, names);
  if (message.find("expected one of") == std::string::npos)
    message += fmt::format("; the figures are {}", figure_list());
  else
    message = fmt::format("unknown figure '{}'; the figures are {}", scenario::shown_text(name),
                          figure_list());
  return {{}, message + " (or give a JSON pointer into report.json as `path`)"};
}

std::string check_json_pointer(std::string_view pointer) {
  if (pointer.empty() || pointer.front() != '/')
    return fmt::format("expected a JSON pointer like /impact/lost, got '{}'",
                       scenario::shown_text(pointer));
  for (size_t i = 0; i < pointer.size(); ++i) {
    if (pointer[i] == '~' &&
        (i + 1 == pointer.size() || (pointer[i + 1] != '0' && pointer[i + 1] != '1')))
      return fmt::format("'{}': '~' must be followed by 0 or 1 in a JSON pointer",
                         scenario::shown_text(pointer));
  }
  return {};
}

}  // namespace syncdrill
