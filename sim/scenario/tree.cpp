#include "sim/scenario/tree.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

namespace syncdrill::scenario {

const YNode* YNode::find(std::string_view key) const {
  for (const YEntry& e : entries) {
    if (e.key == key) {
      return &e.value;
    }
  }
  return nullptr;
}

YNode* YNode::find(std::string_view key) {
  return const_cast<YNode*>(static_cast<const YNode*>(this)->find(key));
}

std::string describe(const YNode& n) {
  switch (n.kind) {
    case YNode::Kind::null:
      return "an empty value";
    case YNode::Kind::scalar:
      return fmt::format("'{}'", n.scalar);
    case YNode::Kind::sequence:
      return "a list";
    case YNode::Kind::mapping:
      return "a mapping";
  }
  return "?";
}

void Ctx::error(Loc at, std::string_view path, std::string message) {
  if (stopped_) {
    return;
  }
  Diagnostic d;
  const SourceFile& f = files.at(static_cast<size_t>(at.file));
  d.file = f.path;
  d.line = at.line;
  d.column = at.column;
  d.path = std::string(path);
  d.message = std::move(message);
  // The offending line's text, for a caret display.
  size_t start = 0;
  for (int line = 1; line < at.line && start != std::string::npos; ++line) {
    start = f.content.find('\n', start);
    start = start == std::string::npos ? start : start + 1;
  }
  if (start != std::string::npos && start <= f.content.size()) {
    size_t end = f.content.find('\n', start);
    d.source_line = f.content.substr(start, end == std::string::npos ? end : end - start);
    if (!d.source_line.empty() && d.source_line.back() == '\r') {
      d.source_line.pop_back();
    }
  }
  if (static_cast<int>(errors_.size()) >= limits.errors_max) {
    d.path.clear();
    d.message = "too many errors, stopping";
    stopped_ = true;
    at.file = INT32_MAX;  // sorts last
  }
  errors_.emplace_back(at, std::move(d));
}

std::vector<Diagnostic> Ctx::take_errors() {
  std::stable_sort(errors_.begin(), errors_.end(), [](const auto& a, const auto& b) {
    return std::tie(a.first.file, a.first.line, a.first.column) <
           std::tie(b.first.file, b.first.line, b.first.column);
  });
  std::vector<Diagnostic> out;
  for (auto& [loc, d] : errors_) {
    out.push_back(std::move(d));
  }
  errors_.clear();
  return out;
}

namespace {

Loc to_loc(int file, const YAML::Mark& m, Loc fallback) {
  if (m.line < 0 || m.column < 0) {
    return fallback;
  }
  return Loc{file, m.line + 1, m.column + 1};
}

// Reports flow nesting ([ and {) deeper than the limit before yaml-cpp recurses into it.
// Comments and quoted strings are skipped; block nesting is bounded later while converting.
bool flow_depth_ok(Ctx& ctx, int file) {
  const std::string& text = ctx.files[static_cast<size_t>(file)].content;
  int depth = 0, line = 1, column = 0;
  char quote = 0;
  bool comment = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    ++column;
    if (c == '\n') {
      ++line;
      column = 0;
      comment = false;
      continue;
    }
    if (comment) {
      continue;
    }
    if (quote != 0) {
      if (c == '\\' && quote == '"') {
        ++i;
        ++column;
      } else if (c == quote) {
        quote = 0;
      }
      continue;
    }
    if (c == '#' && (i == 0 || text[i - 1] == ' ' || text[i - 1] == '\t' || text[i - 1] == '\n')) {
      comment = true;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '[' || c == '{') {
      if (++depth > ctx.limits.depth_max) {
        ctx.error({file, line, column}, "",
                  fmt::format("nesting deeper than {} levels", ctx.limits.depth_max));
        return false;
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return true;
}

struct Converter {
  Ctx& ctx;
  int file;
  bool failed = false;

  YNode convert(const YAML::Node& in, Loc fallback, int depth) {
    YNode out;
    out.loc = to_loc(file, in.Mark(), fallback);
    if (failed) {
      return out;
    }
    if (++ctx.nodes > ctx.limits.nodes_max) {
      ctx.error(out.loc, "",
                fmt::format("more than {} YAML nodes (aliases count each time they are used)",
                            ctx.limits.nodes_max));
      failed = true;
      return out;
    }
    if (depth > ctx.limits.depth_max && (in.IsMap() || in.IsSequence())) {
      ctx.error(out.loc, "", fmt::format("nesting deeper than {} levels", ctx.limits.depth_max));
      failed = true;
      return out;
    }
    if (in.IsScalar()) {
      out.kind = YNode::Kind::scalar;
      out.scalar = in.Scalar();
    } else if (in.IsSequence()) {
      out.kind = YNode::Kind::sequence;
      for (const YAML::Node& item : in) {
        out.items.push_back(convert(item, out.loc, depth + 1));
      }
    } else if (in.IsMap()) {
      out.kind = YNode::Kind::mapping;
      for (auto it = in.begin(); it != in.end() && !failed; ++it) {
        YEntry e;
        e.key_loc = to_loc(file, it->first.Mark(), out.loc);
        if (!it->first.IsScalar()) {
          ctx.error(e.key_loc, "", "a key must be a plain name, not a list or mapping");
          failed = true;
          break;
        }
        e.key = it->first.Scalar();
        // An empty value (`key:`) takes the key's position: yaml-cpp marks the next token.
        e.value = convert(it->second, e.key_loc, depth + 1);
        if (e.value.kind == YNode::Kind::null) {
          e.value.loc = e.key_loc;
        }
        out.entries.push_back(std::move(e));
      }
    }
    return out;
  }
};

}  // namespace

std::optional<YNode> parse_yaml(Ctx& ctx, int file) {
  if (!flow_depth_ok(ctx, file)) {
    return std::nullopt;
  }
  const std::string& text = ctx.files[static_cast<size_t>(file)].content;
  try {
    YAML::Node root = YAML::Load(text);
    Converter conv{ctx, file};
    YNode tree = conv.convert(root, Loc{file, 1, 1}, 1);
    if (conv.failed) {
      return std::nullopt;
    }
    return tree;
  } catch (const YAML::DeepRecursion& e) {
    ctx.error(to_loc(file, e.mark, {file, 1, 1}), "",
              fmt::format("nesting deeper than {} levels", ctx.limits.depth_max));
  } catch (const YAML::ParserException& e) {
    ctx.error(to_loc(file, e.mark, {file, 1, 1}), "", fmt::format("invalid YAML: {}", e.msg));
  } catch (const std::exception& e) {
    ctx.error({file, 1, 1}, "", fmt::format("invalid YAML: {}", e.what()));
  }
  return std::nullopt;
}

namespace {

// The merge identity of a sequence item: its `name`, else its `id`; empty if it has neither.
std::string identity(const YNode& item) {
  if (item.kind != YNode::Kind::mapping) {
    return "";
  }
  for (std::string_view key : {"name", "id"}) {
    const YNode* v = item.find(key);
    if (v != nullptr && v->kind == YNode::Kind::scalar && !v->scalar.empty()) {
      return v->scalar;
    }
  }
  return "";
}

bool keyed_list(const YNode& n) {
  return n.kind == YNode::Kind::sequence &&
         std::all_of(n.items.begin(), n.items.end(),
                     [](const YNode& i) { return !identity(i).empty(); });
}

}  // namespace

void drop_duplicate_keys(Ctx& ctx, YNode& n, const std::string& path) {
  if (n.kind == YNode::Kind::sequence) {
    for (size_t i = 0; i < n.items.size(); ++i) {
      drop_duplicate_keys(ctx, n.items[i], fmt::format("{}[{}]", path, i));
    }
    return;
  }
  std::vector<YEntry> kept;
  for (YEntry& e : n.entries) {
    const std::string child = path.empty() ? e.key : fmt::format("{}.{}", path, e.key);
    auto first =
        std::find_if(kept.begin(), kept.end(), [&](const YEntry& k) { return k.key == e.key; });
    if (first != kept.end()) {
      ctx.error(
          e.key_loc, child,
          fmt::format("duplicate key '{}' (first defined at line {})", e.key, first->key_loc.line));
      continue;
    }
    drop_duplicate_keys(ctx, e.value, child);
    kept.push_back(std::move(e));
  }
  n.entries = std::move(kept);
}

void merge_over(YNode& base, YNode&& child) {
  if (base.kind == YNode::Kind::mapping && child.kind == YNode::Kind::mapping) {
    for (YEntry& e : child.entries) {
      YNode* existing = base.find(e.key);
      if (existing != nullptr) {
        merge_over(*existing, std::move(e.value));
      } else {
        base.entries.push_back(std::move(e));
      }
    }
    return;
  }
  if (keyed_list(base) && keyed_list(child) && !child.items.empty()) {
    for (YNode& item : child.items) {
      const std::string id = identity(item);
      auto it = std::find_if(base.items.begin(), base.items.end(),
                             [&](const YNode& b) { return identity(b) == id; });
      if (it != base.items.end()) {
        merge_over(*it, std::move(item));
      } else {
        base.items.push_back(std::move(item));
      }
    }
    return;
  }
  base = std::move(child);
}

}  // namespace syncdrill::scenario
