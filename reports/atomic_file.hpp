// Writing report files so that a reader never sees half of one.
//
// The content goes to a temporary file in the same directory, is flushed to disk, and is then
// renamed over the destination: rename within one file system is atomic on POSIX, so the
// destination holds either the old complete file or the new complete file.
#pragma once

#include <string>
#include <string_view>

namespace syncdrill {

// Creates `dir` and its parents if missing. Returns an empty string on success, else the reason.
std::string make_directories(const std::string& dir);

// Returns an empty string on success, else a message naming the path and the system error.
// On failure the temporary file is removed and the destination is untouched.
std::string write_file_atomically(const std::string& path, std::string_view content);

}  // namespace syncdrill
