// The file a shard of a compare or sweep writes, DIR/shard-K-of-N.json, and its reader for
// `syncdrill merge`. It carries everything the merge needs to write compare.json, compare.md and
// compare.html byte for byte as one process would: the whole Comparison but its runs (the
// header), and this shard's runs as (variant index, seed index, every field of RunFigures).
//
// Figures are keyed by the metrics table (compare_metrics()), so a metric added there is carried
// without an edit here. Doubles round-trip exactly (nlohmann-json writes the shortest text that
// reads back to the same double); an absent figure is null and a non-finite one a string ("nan",
// "-nan", "inf", "-inf").
//
// The reader takes hostile input: a size limit before reading, a nesting limit before parsing,
// malformed JSON named by line:column, every field checked for its type, and the runs checked
// against the header and the shard (in the grid, on the header's seed, this shard's, each once,
// all of them), so that a file that reads is one the reports can be written from.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "app/shard.hpp"
#include "reports/comparison.hpp"

namespace syncdrill {

inline constexpr int kShardFormatVersion = 1;
inline constexpr std::string_view kShardFormat = "syncdrill-shard";
// A shard file larger than this is refused before it is read. A run takes about 500 bytes and
// 250 more per failed tier check (measured), so the largest sweep (100 points x 1,000 seeds) in
// one shard stays near 100 MiB unless its runs breach many checks each.
inline constexpr uint64_t kShardFileBytesMax = 256ULL << 20;
// Deeper nesting than this is refused before parsing (the format nests 7 levels).
inline constexpr int kShardDepthMax = 16;

struct ShardRun {
  size_t variant = 0;     // index into the header's variants
  size_t seed_index = 0;  // index into the header's seeds
  RunFigures figures;
};

struct ShardFile {
  std::string syncdrill_version;
  Shard shard;
  Comparison header;  // its variants' runs are empty
  std::vector<ShardRun> runs;
};

// The file's content: one line of JSON and a newline.
std::string shard_file_text(const ShardFile& file);

// The header as JSON, key by key in Comparison's order: what two shards of one comparison share
// (the merge names the first key that differs).
nlohmann::ordered_json shard_header_json(const Comparison& header);

struct ShardRead {
  std::optional<ShardFile> file;
  std::string error;  // why not, e.g. "3:14: malformed JSON: ..." or "not a shard file (...)"
};

// Reads a shard file's text. `version`: the syncdrill version that may have written it (another
// is refused before the rest is read: its format may differ).
ShardRead parse_shard_file(std::string_view text, std::string_view version = SYNCDRILL_VERSION);

// The comparison the shards make together: the first's header with every shard's runs in their
// places. The shards must be checked first: one run's (same header, N), each K once.
Comparison join_shards(std::vector<ShardFile> shards);

// Reads the file at `path` (at most kShardFileBytesMax bytes, a regular file) and parses it.
ShardRead read_shard_file(const std::string& path);

}  // namespace syncdrill
