// Writing report files so that a reader never sees half of one: the one place that does it, for
// files written at once (report.json, report.md, ...) and files written in pieces while a run goes
// (telemetry.jsonl).
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

// A file written in pieces that appears whole or not at all: the pieces go to PATH.tmp.<pid>,
// commit() flushes it to disk and renames it over PATH. Destroyed without a commit, it removes
// the temporary file. Not copyable.
class AtomicStreamFile {
 public:
  // Opens the temporary file; error() tells whether that failed.
  explicit AtomicStreamFile(std::string path);
  ~AtomicStreamFile();
  AtomicStreamFile(const AtomicStreamFile&) = delete;
  AtomicStreamFile& operator=(const AtomicStreamFile&) = delete;

  // Both return an empty string on success, else a message naming the path and the reason.
  // After a failure, further writes fail at once and commit() returns the first error.
  std::string write(std::string_view data);
  std::string commit();

  const std::string& path() const { return path_; }
  const std::string& temp_path() const { return temp_path_; }
  const std::string& error() const { return error_; }
  bool committed() const { return committed_; }

 private:
  void fail(std::string_view what);
  std::string path_;
  std::string temp_path_;
  std::string error_;
  int fd_ = -1;
  bool committed_ = false;
};

}  // namespace syncdrill
