#include "core/scenario/tree.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include "core/scenario/overrides.hpp"
#include "core/scenario/utf8.hpp"
#include "core/scenario/values.hpp"

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
      return fmt::format("'{}'", shown_text(n.scalar));
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
  // Messages quote the user's text: never let its bytes reach a terminal or a report raw.
  d.path = printable(path);
  d.message = printable(message);
  const auto flag = std::find_if(set_files.begin(), set_files.end(),
                                 [&](const auto& s) { return s.first == at.file; });
  // The offending line's text, for a caret display.
  size_t start = 0;
  for (int line = 1; line < at.line && start != std::string::npos; ++line) {
    start = f.content.find('\n', start);
    start = start == std::string::npos ? start : start + 1;
  }
  if (start != std::string::npos && start <= f.content.size()) {
    size_t end = f.content.find('\n', start);
    std::string_view line =
        std::string_view(f.content).substr(start, end == std::string::npos ? end : end - start);
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    d.source_line = printable(line.substr(0, 500), true);
  }
  if (flag != set_files.end()) {
    d.line = 0;
    d.source_line = printable(std::string_view(flag->second).substr(0, 500), true);
    if (tree != nullptr) d.path = printable(named_path(*tree, path));
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

// A scenario is UTF-8 text. yaml-cpp reads a NUL byte as an escape ("unknown escape character")
// and passes invalid bytes through into names and messages, so both are refused here, located.
bool text_ok(Ctx& ctx, int file) {
  const std::string& text = ctx.files[static_cast<size_t>(file)].content;
  size_t bad = invalid_utf8_at(text);
  std::string what;
  for (size_t i = 0; i < std::min(bad, text.size()); ++i) {
    const auto b = static_cast<unsigned char>(text[i]);
    if ((b < 0x20 && b != '\t' && b != '\n' && b != '\r') || b == 0x7F) {
      bad = i;
      what = b == 0 ? "a NUL byte" : fmt::format("the control character \\x{:02X}", b);
      break;
    }
  }
  if (bad == std::string::npos) {
    return true;
  }
  if (what.empty()) {
    what = fmt::format("the byte \\x{:02X}, which is not UTF-8",
                       static_cast<unsigned char>(text[bad]));
  }
  const std::string_view before = std::string_view(text).substr(0, bad);
  const size_t line_start = before.rfind('\n');
  const int line = 1 + static_cast<int>(std::count(before.begin(), before.end(), '\n'));
  const int column =
      1 + static_cast<int>(line_start == std::string_view::npos ? bad : bad - line_start - 1);
  ctx.error({file, line, column}, "", fmt::format("{}: expected UTF-8 text", what));
  return false;
}

// True if the quoted scalar that opens at `pos` (a ' or ") is closed before the end of the text.
// yaml-cpp accepts `key: "abc` followed by a newline at the end of a file as the value `abc`.
bool quote_closed(std::string_view text, size_t pos) {
  const char quote = text[pos];
  for (size_t i = pos + 1; i < text.size(); ++i) {
    if (quote == '"' && text[i] == '\\') {
      ++i;
    } else if (text[i] == quote) {
      if (quote == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
        ++i;  // '' is an escaped quote inside single quotes
        continue;
      }
      return true;
    }
  }
  return false;
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
  std::set<size_t> quotes_checked;  // offsets of opening quotes already checked (aliases)

  bool quote_ok(const YAML::Mark& m) {
    const std::string& text = ctx.files[static_cast<size_t>(file)].content;
    if (m.pos < 0 || static_cast<size_t>(m.pos) >= text.size()) {
      return true;
    }
    const auto pos = static_cast<size_t>(m.pos);
    if ((text[pos] != '"' && text[pos] != '\'') || !quotes_checked.insert(pos).second) {
      return true;
    }
    return quote_closed(text, pos);
  }

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
      if (!quote_ok(in.Mark())) {
        ctx.error(out.loc, "", "unterminated quoted string: expected a closing quote");
        failed = true;
      }
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
  if (!text_ok(ctx, file) || !flow_depth_ok(ctx, file)) {
    return std::nullopt;
  }
  const std::string& text = ctx.files[static_cast<size_t>(file)].content;
  try {
    YAML::Node root = YAML::Load(text);
    Converter conv{ctx, file, false, {}};
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

}  // namespace syncdrill::scenario
