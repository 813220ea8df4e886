#include "core/scenario/merge.hpp"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "core/scenario/values.hpp"

namespace syncdrill::scenario {

namespace {

struct NamedList {
  std::string_view path;
  std::string_view key;
  std::string_view what;
};

constexpr NamedList kNamedLists[] = {
    {"channels", "name", "a channel"},
    {"systems", "name", "a system"},
    {"policies", "name", "a policy"},
    {"connectors", "name", "a connector"},
    {"traffic", "channel", "a traffic entry"},
    {"faults", "id", "a fault"},
    {"sla_tiers", "name", "a tier"},
    {"monitors", "name", "a monitor"},
    {"response.runbook", "id", "a runbook action"},
};

const NamedList* named_list(std::string_view path) {
  for (const NamedList& l : kNamedLists) {
    if (l.path == path) return &l;
  }
  return nullptr;
}

std::string child_path(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : fmt::format("{}.{}", path, key);
}

}  // namespace

bool is_removal(const YNode& item, std::string_view key) {
  if (item.kind != YNode::Kind::mapping) return false;
  const YNode* r = item.find("remove");
  if (r == nullptr || r->kind != YNode::Kind::scalar || r->scalar != "true") return false;
  return std::all_of(item.entries.begin(), item.entries.end(),
                     [&](const YEntry& e) { return e.key == key || e.key == "remove"; });
}

namespace {

void merge_named(Ctx& ctx, YNode& base, YNode&& child, const NamedList& list) {
  const std::vector<std::string> base_names = item_names(base, list.key);
  const std::vector<std::string> child_names = item_names(child, list.key);
  std::vector<bool> removed(base.items.size(), false);
  std::vector<YNode> appended;
  for (size_t i = 0; i < child.items.size(); ++i) {
    YNode& item = child.items[i];
    const std::string& name = child_names[i];
    const auto at = std::find(base_names.begin(), base_names.end(), name);
    const size_t index = static_cast<size_t>(at - base_names.begin());
    const std::string path = fmt::format("{}[{}]", list.path, name.empty() ? "?" : name);
    if (!name.empty() && is_removal(item, list.key)) {
      if (at == base_names.end()) {
        std::vector<std::string_view> known(base_names.begin(), base_names.end());
        ctx.error(item.loc, path,
                  fmt::format("no {} '{}' in the base to remove{}", list.what.substr(2), name,
                              did_you_mean(name, known)));
      } else {
        removed[index] = true;
      }
      continue;
    }
    if (name.empty() || at == base_names.end()) {
      appended.push_back(std::move(item));
    } else {
      merge_over(ctx, base.items[index], std::move(item), "");
    }
  }
  std::vector<YNode> items;
  for (size_t i = 0; i < base.items.size(); ++i) {
    if (!removed[i]) items.push_back(std::move(base.items[i]));
  }
  for (YNode& n : appended)
    items.push_back(std::move(n));
  base.items = std::move(items);
}

}  // namespace

std::optional<std::string_view> item_key(std::string_view path) {
  const NamedList* l = named_list(path);
  return l == nullptr ? std::nullopt : std::optional<std::string_view>(l->key);
}

std::string item_what(std::string_view path) {
  const NamedList* l = named_list(path);
  return l == nullptr ? "an item" : std::string(l->what);
}

std::vector<std::string> item_names(const YNode& list, std::string_view key) {
  std::vector<std::string> out;
  for (const YNode& item : list.items) {
    const YNode* v = item.kind == YNode::Kind::mapping ? item.find(key) : nullptr;
    std::string name = v != nullptr && v->kind == YNode::Kind::scalar ? v->scalar : "";
    // A channel's later traffic entries are its second, third, ... (their streams' names too).
    if (!name.empty() && key == "channel") {
      const auto seen = std::count_if(out.begin(), out.end(), [&](const std::string& n) {
        return n == name || n.rfind(name + "#", 0) == 0;
      });
      if (seen > 0) name = fmt::format("{}#{}", name, seen + 1);
    }
    out.push_back(std::move(name));
  }
  return out;
}

void merge_over(Ctx& ctx, YNode& base, YNode&& child, const std::string& path) {
  if (base.kind == YNode::Kind::mapping && child.kind == YNode::Kind::mapping) {
    for (YEntry& e : child.entries) {
      YNode* existing = base.find(e.key);
      const std::string at = child_path(path, e.key);
      if (existing == nullptr && named_list(at) != nullptr &&
          e.value.kind == YNode::Kind::sequence) {
        // A named list the base lacks merges into an empty one: a removal there is an error.
        YEntry empty{e.key, e.key_loc, YNode{YNode::Kind::sequence, e.value.loc, {}, {}, {}}};
        base.entries.push_back(std::move(empty));
        existing = &base.entries.back().value;
      }
      if (existing != nullptr) {
        merge_over(ctx, *existing, std::move(e.value), at);
      } else {
        base.entries.push_back(std::move(e));
      }
    }
    return;
  }
  const NamedList* list = named_list(path);
  if (list != nullptr && base.kind == YNode::Kind::sequence &&
      child.kind == YNode::Kind::sequence && !child.items.empty()) {
    merge_named(ctx, base, std::move(child), *list);
    return;
  }
  base = std::move(child);
}

}  // namespace syncdrill::scenario
