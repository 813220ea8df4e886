// Writing a comparison's files (compare.json, compare.md, compare.html) and printing its table:
// the same for `compare`/`sweep` run in one process and for `merge` joining their shards, so the
// two give the same bytes.
#pragma once

#include <string>
#include <vector>

#include "reports/comparison.hpp"

namespace syncdrill {

// Summarizes `c`, writes the `formats` ("json", "md", "html") into `out_dir` all or nothing
// (created if missing, removed again on failure) and prints the table unless `quiet`. Returns
// the exit code: kExitOk, or kExitInternal with the error on stderr.
int write_comparison(const Comparison& c, const std::vector<std::string>& formats,
                     const std::string& out_dir, bool quiet);

}  // namespace syncdrill
