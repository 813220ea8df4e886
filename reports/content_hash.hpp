// The scenario's content hash: how a report names exactly what was run.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace syncdrill {

// "sha256:<64 hex digits>" over the given file contents, in order, each preceded by its length
// (so moving bytes from one file to the next changes the hash). Paths are not hashed: the same
// scenario checked out in another folder has the same hash.
std::string content_hash(const std::vector<std::string_view>& contents);

}  // namespace syncdrill
