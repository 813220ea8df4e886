// syncdrill merge SHARD_FILE_OR_DIR...: joins the shard files of one compare or sweep
// (`--shard K/N`, app/shard_file.hpp) into compare.json, compare.md and compare.html, the same
// bytes one process writes. Shards of different runs are refused (exit 2, nothing written): a
// missing or repeated shard, another syncdrill version, scenario, grid or number of shards.
#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/cli.hpp"
#include "app/command_line.hpp"
#include "app/commands.hpp"
#include "app/compare_output.hpp"
#include "app/exit_codes.hpp"
#include "app/output_folder.hpp"
#include "app/shard.hpp"
#include "app/shard_file.hpp"

namespace syncdrill {

namespace fs = std::filesystem;

namespace {

struct MergeArgs {
  std::vector<std::string> inputs;  // files and folders, as given
  std::string out_dir;
  std::vector<std::string> formats{"json", "md", "html"};
  bool quiet = false;
};

std::optional<int> parse_merge_args(const std::vector<std::string>& args, MergeArgs& parsed) {
  CommandLine line("merge",
                   "usage: syncdrill merge SHARD_FILE_OR_DIR... [--out DIR] [--format LIST]\n"
                   "                       [--quiet]\n\noptions");
  line.add_out(
      "output folder (default: out/<scenario name>-compare or -sweep, as the shards' "
      "command)");
  line.add_formats("files to write, comma-separated: json, md, html (default: all)");
  line.add_quiet("print nothing on success");
  line.take_files();
  const std::string about = fmt::format(
      "Joins the files of 'syncdrill compare|sweep --shard K/N' (a folder: every\n"
      "shard-K-of-N.json in it) into DIR/compare.json, compare.md and compare.html, the\n"
      "same bytes one process writes. Refuses shards that are not all of one run: a\n"
      "missing or repeated shard, another syncdrill version, scenario, grid or number\n"
      "of shards; a file that is no shard file or larger than {} MiB.\n"
      "Exit codes: 0 done, 2 bad input (nothing written), 3 internal error.\n",
      kShardFileBytesMax >> 20);
  if (auto stop = line.parse(args, about)) return stop;
  parsed.inputs = line.files();
  if (parsed.inputs.empty()) {
    return usage_error("merge needs shard files or folders (see 'syncdrill merge --help')");
  }
  parsed.out_dir = line.out_dir();
  parsed.quiet = line.quiet();
  return line.formats(parsed.formats, {"json", "md", "html"}, true);
}

// The shard files an argument names: itself, or a folder's shard-K-of-N.json, by K then N.
std::optional<int> expand(const std::string& input, std::vector<std::string>& paths) {
  std::error_code ec;
  if (!fs::is_directory(input, ec)) {
    paths.push_back(input);
    return std::nullopt;
  }
  std::vector<std::pair<Shard, std::string>> found;
  for (const fs::directory_entry& e : fs::directory_iterator(input, ec)) {
    if (const auto shard = shard_of_file_name(e.path().filename().string())) {
      found.emplace_back(*shard, e.path().string());
    }
  }
  if (ec) return usage_error(fmt::format("{}: cannot list: {}", input, ec.message()));
  if (found.empty()) {
    return usage_error(fmt::format("{}: no shard-K-of-N.json file in this folder", input));
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
    return std::tie(a.first.count, a.first.index, a.second) <
           std::tie(b.first.count, b.first.index, b.second);
  });
  for (auto& f : found)
    paths.push_back(std::move(f.second));
  return std::nullopt;
}

struct Given {
  std::string path;
  ShardFile file;
};

// Why `b` is not a shard of the same run as `a`, or "".
std::string mismatch(const Given& a, const Given& b) {
  const Comparison& x = a.file.header;
  const Comparison& y = b.file.header;
  if (x.scenario_hash != y.scenario_hash) {
    return fmt::format("scenario hash {} differs from {}'s {}: the shards ran different scenarios",
                       y.scenario_hash, a.path, x.scenario_hash);
  }
  if (a.file.shard.count != b.file.shard.count) {
    return fmt::format("shard {} of {}, but {} is a shard of {}: the shards split different runs",
                       b.file.shard.index, b.file.shard.count, a.path, a.file.shard.count);
  }
  const nlohmann::ordered_json hx = shard_header_json(x);
  const nlohmann::ordered_json hy = shard_header_json(y);
  for (auto it = hx.begin(); it != hx.end(); ++it) {
    if (!hy.contains(it.key()) || hy[it.key()] != it.value()) {
      return fmt::format("its {} differs from {}'s: the shards ran different grids", it.key(),
                         a.path);
    }
  }
  return {};
}

// "2", "2 and 5", "2, 5, 7 and 9 more".
std::string shard_list(const std::vector<uint64_t>& ks) {
  constexpr size_t kShown = 3;
  std::vector<std::string> words;
  for (size_t i = 0; i < std::min(ks.size(), kShown); ++i)
    words.push_back(std::to_string(ks[i]));
  if (ks.size() > kShown)
    return fmt::format("{} and {} more", fmt::join(words, ", "), ks.size() - kShown);
  if (words.size() == 1) return words[0];
  return fmt::format("{} and {}", fmt::join(words.begin(), words.end() - 1, ", "), words.back());
}

// Every shard read and checked against the first, each K once and every K given; or exit 2.
std::optional<int> read_all(const std::vector<std::string>& paths, std::vector<Given>& given) {
  std::map<uint64_t, std::string> by_index;
  for (const std::string& path : paths) {
    ShardRead read = read_shard_file(path);
    if (!read.file) return usage_error(fmt::format("{}: {}", path, read.error));
    Given g{path, std::move(*read.file)};
    if (!given.empty()) {
      if (std::string why = mismatch(given.front(), g); !why.empty()) {
        return usage_error(fmt::format("{}: {}", path, why));
      }
    }
    const auto [at, added] = by_index.emplace(g.file.shard.index, path);
    if (!added) {
      return usage_error(fmt::format("{}: shard {} of {} is given twice (also {})", path,
                                     g.file.shard.index, g.file.shard.count, at->second));
    }
    given.push_back(std::move(g));
  }
  const uint64_t count = given.front().file.shard.count;
  std::vector<uint64_t> missing;
  for (uint64_t k = 1; k <= count; ++k) {
    if (by_index.count(k) == 0) missing.push_back(k);
  }
  if (!missing.empty()) {
    return usage_error(fmt::format("missing shard{} {} of {} (given: {})",
                                   missing.size() == 1 ? "" : "s", shard_list(missing), count,
                                   fmt::join(paths, ", ")));
  }
  return std::nullopt;
}

}  // namespace

int merge_command(const std::vector<std::string>& args) {
  MergeArgs parsed;
  if (auto stop = parse_merge_args(args, parsed)) return *stop;
  std::vector<std::string> paths;
  for (const std::string& input : parsed.inputs) {
    if (auto stop = expand(input, paths)) return *stop;
  }
  std::vector<Given> given;
  if (auto stop = read_all(paths, given)) return *stop;

  // Each run is in exactly one shard: every file holds exactly its shard's runs (checked when
  // read), and every shard is here once.
  std::vector<ShardFile> shards;
  for (Given& g : given)
    shards.push_back(std::move(g.file));
  const Comparison c = join_shards(std::move(shards));
  // The default folder is named after the scenario, as compare's: a name from a file must not
  // lead elsewhere.
  if (parsed.out_dir.empty() && (c.scenario_name.empty() || c.scenario_name.front() == '.' ||
                                 c.scenario_name.find('/') != std::string::npos)) {
    return usage_error(fmt::format(
        "the shards' scenario name '{}' makes no folder name; give --out", c.scenario_name));
  }
  const std::string out_dir = parsed.out_dir.empty()
                                  ? fmt::format("out/{}-{}", c.scenario_name, c.command)
                                  : parsed.out_dir;
  if (std::string problem = out_folder_problem(out_dir); !problem.empty()) {
    return usage_error(problem);
  }
  return write_comparison(c, parsed.formats, out_dir, parsed.quiet);
}

}  // namespace syncdrill
