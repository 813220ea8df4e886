// Fuzz target: a shard file of `syncdrill merge` (app/shard_file.hpp, parse_shard_file), on
// arbitrary text.
//
// Contract: an input is read (a file) or refused (an error), never both or neither. A file read
// writes back as text that reads to the same file: written again, the same bytes. A file of one
// shard of one (a whole comparison) then goes where merge sends it: summarize and the three
// report writers, which must not crash on anything the reader lets through.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/shard_file.hpp"
#include "fuzz_support.hpp"
#include "reports/compare_html.hpp"
#include "reports/compare_report.hpp"

using namespace syncdrill;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const ShardRead read = parse_shard_file(fuzz::as_text(data, size));
  FUZZ_ASSERT(read.file.has_value() == read.error.empty());
  if (!read.file) return 0;
  const std::string text = shard_file_text(*read.file);
  const ShardRead again = parse_shard_file(text);
  FUZZ_ASSERT(again.file.has_value());
  FUZZ_ASSERT(shard_file_text(*again.file) == text);
  if (read.file->shard.count != 1) return 0;
  const Comparison c = join_shards({*read.file});
  const std::vector<VariantSummary> summary = summarize(c);
  FUZZ_ASSERT(summary.size() == c.variants.size());
  FUZZ_ASSERT(!compare_json(c, summary).dump(2).empty());
  FUZZ_ASSERT(!compare_markdown(c, summary).empty());
  FUZZ_ASSERT(!compare_html(c, summary).empty());
  FUZZ_ASSERT(!compare_table(c, summary, "out", {"compare.json"}).empty());
  return 0;
}
