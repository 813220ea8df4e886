// The loader's own YAML tree: every node and key remembers its file, line and column, so a tree
// merged from several files (extends) still reports errors in the right place. Also the
// diagnostic sink (Ctx) that the tree parser and the section readers write to.
//
// yaml-cpp stays private to tree.cpp: nothing else sees its types or its exceptions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/scenario/loader.hpp"

namespace syncdrill::scenario {

struct Loc {
  int file = 0;    // index into Ctx::files
  int line = 1;    // 1-based
  int column = 1;  // 1-based
};

struct YEntry;

struct YNode {
  enum class Kind { null, scalar, sequence, mapping };
  Kind kind = Kind::null;
  Loc loc;
  std::string scalar;           // scalar text (kind scalar)
  std::vector<YNode> items;     // kind sequence
  std::vector<YEntry> entries;  // kind mapping, in file order; duplicate keys are kept

  // The first entry with this key, or nullptr.
  const YNode* find(std::string_view key) const;
  YNode* find(std::string_view key);
};

struct YEntry {
  std::string key;
  Loc key_loc;
  YNode value;
};

// "a mapping", "a list", "a scalar 'x'", "an empty value": for "expected X, got Y" messages.
std::string describe(const YNode& n);

// Collects diagnostics for one load and holds the text of every file read.
class Ctx {
 public:
  explicit Ctx(const LoadLimits& l) : limits(l) {}

  const LoadLimits& limits;
  std::vector<SourceFile> files;  // Loc::file indexes this
  uint64_t nodes = 0;             // YAML nodes converted so far (all files)
  // The files that hold a --set flag (core/scenario/overrides.hpp): their errors are located at
  // the flag (line 0), with key paths spelt by item names against `tree`, the merged tree, once
  // the flags are applied.
  std::vector<std::pair<int, std::string>> set_files;  // file index, the flag's text
  const YNode* tree = nullptr;

  void error(Loc at, std::string_view path, std::string message);
  bool stopped() const { return stopped_; }
  // Diagnostics sorted by (file, line, column), the "too many errors" line last.
  std::vector<Diagnostic> take_errors();

 private:
  std::vector<std::pair<Loc, Diagnostic>> errors_;
  bool stopped_ = false;
};

// Parses files[file].content. On a syntax error or an exceeded limit, reports it and returns
// nullopt.
std::optional<YNode> parse_yaml(Ctx& ctx, int file);

// Reports each repeated key of a mapping (yaml-cpp keeps both) at its second occurrence and
// drops the repeats, so merging and reading see each key once. `path` names `n`.
void drop_duplicate_keys(Ctx& ctx, YNode& n, const std::string& path);

}  // namespace syncdrill::scenario
