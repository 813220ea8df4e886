// MapReader: reads one YAML mapping into typed fields, reporting every problem as a Diagnostic.
//
//   MapReader r(ctx, node, "connectors[0]");
//   r.name("name", c.name, Need::required);
//   r.u32("workers", c.workers, 1, ctx.limits.workers_max);
//   r.finish();  // unknown keys, with a did-you-mean among the keys read above
//
// Every read marks its key as known; finish() reports the keys nobody asked for. A field that is
// absent keeps its default; a field that is present but wrong is reported and keeps its default,
// so reading continues and all errors of a file come out together.
#pragma once

#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "core/scenario/tree.hpp"
#include "core/scenario/values.hpp"

namespace syncdrill::scenario {

enum class Need { optional, required };

// The largest order or repair rate: a trillion a second is one a picosecond, beyond what
// microsecond time can tell apart, and a rate times a run's length stays an exact count.
inline constexpr double kRateMaxPerS = 1e12;

// The YAML spellings of an enum, defined next to the enum tables in scenario.cpp.
template <class E>
struct EnumEntry {
  std::string_view name;
  E value;
};
template <class E>
struct EnumTable {
  std::string_view what;  // e.g. "fault kind"
  std::vector<EnumEntry<E>> entries;
};
template <class E>
const EnumTable<E>& enum_table();

class MapReader {
 public:
  // Reports "expected a mapping" (and reads nothing) when `node` is not one.
  MapReader(Ctx& ctx, const YNode& node, std::string path);

  bool is_mapping() const { return node_.kind == YNode::Kind::mapping; }
  const std::string& path() const { return path_; }
  std::string child(std::string_view key) const;
  Loc loc() const { return node_.loc; }
  // Where `key`'s value is (the mapping itself when absent).
  Loc loc(std::string_view key) const;

  // The value at `key` (nullptr when absent), marking the key as known. With Need::required an
  // absent key is reported at this mapping's position.
  const YNode* get(std::string_view key, Need need = Need::optional);
  // Reports `message` at `key`'s value.
  void error(std::string_view key, std::string message);
  // Past the error cap: callers skip building messages (suggestions cost work) nobody will see.
  bool stopped() const { return ctx_.stopped(); }

  bool duration(std::string_view key, Duration& out, Need need = Need::optional, Duration min = {});
  bool duration(std::string_view key, std::optional<Duration>& out, Duration min = {});
  // > 0 and <= max_per_s (a rate's text is at most 15 digits a microsecond: always finite).
  bool rate(std::string_view key, double& per_s, Need need = Need::optional,
            double max_per_s = std::numeric_limits<double>::infinity());
  bool fraction(std::string_view key, double& out, Need need = Need::optional);
  bool number(std::string_view key, double& out, double min, double max,
              Need need = Need::optional);
  bool u32(std::string_view key, uint32_t& out, uint32_t min, uint32_t max,
           Need need = Need::optional);
  bool u64(std::string_view key, uint64_t& out, Need need = Need::optional);
  bool flag(std::string_view key, bool& out);
  bool text(std::string_view key, std::string& out, Need need = Need::optional);
  bool name(std::string_view key, std::string& out, Need need = Need::optional);  // identifier
  bool distribution(std::string_view key, Distribution& out, Need need = Need::optional);
  bool money(std::string_view key, Money& out, std::string_view currency);

  template <class E>
  bool choice(std::string_view key, E& out, Need need = Need::optional);

  // Calls fn(item, item_path) for each item of the list at `key` (at most limits.list_max).
  template <class F>
  void list(std::string_view key, F fn, Need need = Need::optional);

  // Reports every key that no read asked for.
  void finish();

 private:
  template <class T, class Parse>
  bool scalar(std::string_view key, T& out, Need need, std::string_view what, Parse parse);

  Ctx& ctx_;
  const YNode& node_;
  std::string path_;
  std::vector<std::string_view> known_;
};

// Reads a list value at `path`: reports "expected a list" or an over-long list.
bool check_list(Ctx& ctx, const YNode& n, const std::string& path);

// "unknown fault kind 'outge' (did you mean 'outage'?)" or "... (expected one of: a, b, c)".
std::string unknown_value(std::string_view what, std::string_view value,
                          const std::vector<std::string_view>& candidates);

template <class T, class Parse>
bool MapReader::scalar(std::string_view key, T& out, Need need, std::string_view what,
                       Parse parse) {
  const YNode* v = get(key, need);
  if (v == nullptr) {
    return false;
  }
  if (v->kind != YNode::Kind::scalar) {
    ctx_.error(v->loc, child(key), fmt::format("expected {}, got {}", what, describe(*v)));
    return false;
  }
  auto parsed = parse(v->scalar);
  if (!parsed.value) {
    ctx_.error(v->loc, child(key), parsed.error);
    return false;
  }
  out = *parsed.value;
  return true;
}

template <class E>
bool MapReader::choice(std::string_view key, E& out, Need need) {
  const EnumTable<E>& table = enum_table<E>();
  return scalar(key, out, need, table.what, [&](std::string_view text) -> Parsed<E> {
    std::vector<std::string_view> names;
    for (const EnumEntry<E>& e : table.entries) {
      if (e.name == text) {
        return {e.value, {}};
      }
      names.push_back(e.name);
    }
    return Parsed<E>::fail(unknown_value(table.what, text, names));
  });
}

template <class F>
void MapReader::list(std::string_view key, F fn, Need need) {
  const YNode* v = get(key, need);
  if (v == nullptr || !check_list(ctx_, *v, child(key))) {
    return;
  }
  for (size_t i = 0; i < v->items.size() && !ctx_.stopped(); ++i) {
    fn(v->items[i], fmt::format("{}[{}]", child(key), i));
  }
}

}  // namespace syncdrill::scenario
