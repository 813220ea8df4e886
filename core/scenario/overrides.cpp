#include "core/scenario/overrides.hpp"

#include <algorithm>
#include <charconv>
#include <optional>
#include <variant>

#include <fmt/format.h>

#include "core/scenario/merge.hpp"
#include "core/scenario/reader.hpp"

namespace syncdrill::scenario {

namespace {

struct Step {
  std::string key;
  int key_column = 1;                 // 1-based, in the flag's text
  std::optional<std::string> select;  // the text between [ and ]
  int select_column = 1;
};

struct Problem {
  int column = 1;
  std::string message;
};

// "fault", "traffic entry": one item of the named list at `plain`.
std::string noun(const std::string& plain) {
  const std::string what = item_what(plain);
  return what.substr(what.find(' ') + 1);
}

int column_of(size_t offset) {
  return static_cast<int>(offset) + 1;
}

// PATH's steps, or the first problem in it.
std::variant<std::vector<Step>, Problem> parse_path(std::string_view path, int depth_max) {
  std::vector<Step> steps;
  size_t i = 0;
  while (true) {
    Step step;
    step.key_column = column_of(i);
    const size_t end = std::min(path.find_first_of(".[]", i), path.size());
    step.key = std::string(path.substr(i, end - i));
    if (step.key.empty()) {
      return Problem{column_of(i),
                     i == 0 ? "expected a key before '='" : "expected a key after '.'"};
    }
    i = end;
    if (i < path.size() && path[i] == ']') {
      return Problem{column_of(i), "unbalanced ']': no '[' opens it"};
    }
    if (i < path.size() && path[i] == '[') {
      const size_t close = path.find(']', i);
      const size_t open = path.find('[', i + 1);
      if (close == std::string_view::npos || open < close) {
        return Problem{column_of(i), "unbalanced '[': expected ']'"};
      }
      step.select_column = column_of(i + 1);
      step.select = std::string(path.substr(i + 1, close - i - 1));
      if (step.select->empty()) {
        return Problem{column_of(i), "expected a name or an item number between '[' and ']'"};
      }
      i = close + 1;
      if (i < path.size() && path[i] != '.') {
        return Problem{column_of(i), "expected '.' or '=' after ']'"};
      }
    }
    steps.push_back(std::move(step));
    if (static_cast<int>(steps.size()) > depth_max) {
      return Problem{1, fmt::format("a key path deeper than {} keys", depth_max)};
    }
    if (i >= path.size()) return steps;
    ++i;  // the '.'
  }
}

std::string joined(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : fmt::format("{}.{}", path, key);
}

std::optional<size_t> item_number(std::string_view text) {
  size_t n = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc{} || ptr != text.data() + text.size()) return std::nullopt;
  return n;
}

// Applies one flag. `file` is the flag's file in ctx; the value's nodes are already in `value`.
class Setter {
 public:
  Setter(Ctx& ctx, int file) : ctx_(ctx), file_(file) {}

  void apply(YNode& root, const std::vector<Step>& steps, YNode&& value) {
    YNode* node = &root;
    std::string plain;  // the path as the named-lists table spells it
    std::string shown;  // the path as the flag spells it
    for (size_t k = 0; k < steps.size(); ++k) {
      const Step& s = steps[k];
      node = entry(*node, s, shown);
      if (node == nullptr) return;
      plain = joined(plain, s.key);
      shown = joined(shown, s.key);
      if (!s.select) continue;
      if (node->kind == YNode::Kind::null) {
        node->kind = YNode::Kind::sequence;
        node->loc = at(s.key_column);
      }
      if (node->kind != YNode::Kind::sequence) {
        error(s.select_column, shown,
              fmt::format("expected a list to select [{}] in, got {}", *s.select, describe(*node)));
        return;
      }
      const bool last = k + 1 == steps.size();
      if (const std::optional<std::string_view> key = item_key(plain)) {
        if (last) {
          set_item(*node, *key, s, plain, shown, std::move(value));
          return;
        }
        node = named_item(*node, *key, s, plain, shown);
      } else {
        node = numbered_item(*node, s, shown);
      }
      if (node == nullptr) return;
      shown += fmt::format("[{}]", *s.select);
      plain += "[]";  // no list below an item is named
    }
    merge_over(ctx_, *node, std::move(value), plain);
  }

 private:
  Loc at(int column) const { return Loc{file_, 1, column}; }
  void error(int column, const std::string& path, std::string message) {
    ctx_.error(at(column), path, std::move(message));
  }

  // The value at `s.key` of `node` (a mapping, or empty and made one), created empty if absent.
  YNode* entry(YNode& node, const Step& s, const std::string& shown) {
    if (node.kind == YNode::Kind::null) {
      node.kind = YNode::Kind::mapping;
      node.loc = at(s.key_column);
    }
    if (node.kind != YNode::Kind::mapping) {
      error(s.key_column, shown,
            fmt::format("expected a mapping to set '{}' in, got {}", s.key, describe(node)));
      return nullptr;
    }
    if (YNode* v = node.find(s.key)) return v;
    YEntry e;
    e.key = s.key;
    e.key_loc = at(s.key_column);
    e.value.loc = e.key_loc;
    node.entries.push_back(std::move(e));
    return &node.entries.back().value;
  }

  YNode* named_item(YNode& list, std::string_view key, const Step& s, const std::string& plain,
                    const std::string& shown) {
    const std::vector<std::string> names = item_names(list, key);
    const auto it = std::find(names.begin(), names.end(), *s.select);
    if (it != names.end()) return &list.items[static_cast<size_t>(it - names.begin())];
    std::vector<std::string_view> known(names.begin(), names.end());
    std::erase(known, std::string_view());
    error(s.select_column, shown,
          fmt::format("{}; to add one, set the whole item: {}[{}]={{...}}",
                      unknown_value(noun(plain), *s.select, known), shown, *s.select));
    return nullptr;
  }

  YNode* numbered_item(YNode& list, const Step& s, const std::string& shown) {
    const std::optional<size_t> n = item_number(*s.select);
    if (!n || *n >= list.items.size()) {
      error(s.select_column, shown,
            list.items.empty()
                ? fmt::format("the list is empty: no item [{}] to select", *s.select)
                : fmt::format("expected an item number from 0 to {} (this list's items have no "
                              "names), got '{}'",
                              list.items.size() - 1, *s.select));
      return nullptr;
    }
    return &list.items[*n];
  }

  // LIST[NAME]=VALUE: VALUE merges into the item NAME, is appended as a new one, or removes it.
  void set_item(YNode& list, std::string_view key, const Step& s, const std::string& plain,
                const std::string& shown, YNode&& value) {
    const std::string path = fmt::format("{}[{}]", shown, *s.select);
    if (value.kind != YNode::Kind::mapping) {
      error(s.select_column, path,
            fmt::format("expected a mapping such as {{{}: {}, ...}} for a whole item, got {}", key,
                        *s.select, describe(value)));
      return;
    }
    // A traffic entry's later entries on a channel are "<channel>#N"; their `channel` is plain.
    const std::string name =
        key == "channel" ? s.select->substr(0, s.select->find('#')) : *s.select;
    if (const YNode* given = value.find(key);
        given != nullptr && !(given->kind == YNode::Kind::scalar && given->scalar == name)) {
      error(s.select_column, path,
            fmt::format("the item's {} is '{}' by its [{}]: leave '{}' out or give the same", key,
                        name, *s.select, key));
      return;
    }
    const std::vector<std::string> names = item_names(list, key);
    const auto it = std::find(names.begin(), names.end(), *s.select);
    if (is_removal(value, key)) {
      if (it == names.end()) {
        std::vector<std::string_view> known(names.begin(), names.end());
        std::erase(known, std::string_view());
        error(s.select_column, path,
              fmt::format("nothing to remove: {}", unknown_value(noun(plain), *s.select, known)));
      } else {
        list.items.erase(list.items.begin() + (it - names.begin()));
      }
      return;
    }
    if (it != names.end()) {
      merge_over(ctx_, list.items[static_cast<size_t>(it - names.begin())], std::move(value), "");
      return;
    }
    if (value.find(key) == nullptr) {
      YEntry e;
      e.key = std::string(key);
      e.key_loc = at(s.select_column);
      e.value.kind = YNode::Kind::scalar;
      e.value.scalar = name;
      e.value.loc = e.key_loc;
      value.entries.insert(value.entries.begin(), std::move(e));
    }
    list.items.push_back(std::move(value));
  }

  Ctx& ctx_;
  int file_;
};

}  // namespace

void apply_overrides(Ctx& ctx, YNode& root, const std::vector<std::string>& sets) {
  for (size_t n = 0; n < sets.size() && !ctx.stopped(); ++n) {
    const std::string& flag = sets[n];
    const int file = static_cast<int>(ctx.files.size());
    ctx.files.push_back({fmt::format("--set #{}", n + 1), flag});
    ctx.set_files.emplace_back(file, flag);
    const auto report = [&](int column, std::string message) {
      ctx.error({file, 1, column}, "", std::move(message));
    };
    if (n >= ctx.limits.list_max) {
      report(1, fmt::format("more than {} --set flags", ctx.limits.list_max));
      return;
    }
    if (flag.size() > ctx.limits.file_bytes_max) {
      report(1, fmt::format("--set is {} bytes, over the limit of {} bytes", flag.size(),
                            ctx.limits.file_bytes_max));
      continue;
    }
    const size_t eq = flag.find('=');
    if (eq == std::string::npos) {
      report(1, "expected PATH=VALUE, e.g. faults[erp-outage].at=18h: no '=' found");
      continue;
    }
    const auto steps = parse_path(std::string_view(flag).substr(0, eq), ctx.limits.depth_max);
    if (const Problem* p = std::get_if<Problem>(&steps)) {
      report(p->column, p->message);
      continue;
    }
    // The value is parsed where it stands in the flag, so its nodes' columns are the flag's.
    ctx.files.back().content = std::string(eq + 1, ' ') + flag.substr(eq + 1);
    std::optional<YNode> value = parse_yaml(ctx, file);
    ctx.files.back().content = flag;
    if (!value) continue;
    if (value->kind == YNode::Kind::null) value->loc = Loc{file, 1, static_cast<int>(eq) + 2};
    drop_duplicate_keys(ctx, *value, std::string(flag.substr(0, eq)));
    Setter(ctx, file).apply(root, std::get<std::vector<Step>>(steps), std::move(*value));
  }
}

std::string named_path(const YNode& root, std::string_view path) {
  std::string out;
  std::string plain;
  const YNode* node = &root;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '.') {
      out += '.';
      ++i;
      continue;
    }
    if (path[i] == '[') {
      const size_t close = path.find(']', i);
      if (close == std::string_view::npos) break;
      const std::string_view inside = path.substr(i + 1, close - i - 1);
      const std::optional<size_t> n = item_number(inside);
      const std::optional<std::string_view> key = item_key(plain);
      std::string shown(inside);
      if (node != nullptr && node->kind == YNode::Kind::sequence && n && *n < node->items.size()) {
        if (key) {
          const std::string name = item_names(*node, *key)[*n];
          if (!name.empty()) shown = name;
        }
        node = &node->items[*n];
      } else {
        node = nullptr;
      }
      out += fmt::format("[{}]", shown);
      plain += "[]";
      i = close + 1;
      continue;
    }
    const size_t end = std::min(path.find_first_of(".[", i), path.size());
    const std::string_view key = path.substr(i, end - i);
    node = node != nullptr && node->kind == YNode::Kind::mapping ? node->find(key) : nullptr;
    plain = plain.empty() ? std::string(key) : fmt::format("{}.{}", plain, key);
    out += key;
    i = end;
  }
  if (i < path.size()) out += path.substr(i);
  return out;
}

}  // namespace syncdrill::scenario
