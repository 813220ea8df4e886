// What the commands that write report files share: the folder they create, removed again when a
// run fails, and writing a set of files all or nothing.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "core/scenario/scenario.hpp"

namespace syncdrill {

// The folders that creating `dir` adds (it and its missing parents), removed again when still
// empty unless dismissed: a run that fails leaves no folder of its own making behind.
class CreatedFolders {
 public:
  explicit CreatedFolders(const std::string& dir);
  ~CreatedFolders();
  CreatedFolders(const CreatedFolders&) = delete;
  CreatedFolders& operator=(const CreatedFolders&) = delete;
  void dismiss() { missing_.clear(); }

 private:
  std::vector<std::filesystem::path> missing_;  // deepest first
};

// Why `dir` cannot be a report folder (it or one of its parents exists and is not a folder), or
// "" when it can. Checked before a run, so that a mistyped --out is bad input (exit 2) found in
// a second, not an unwritable output found after the whole simulation.
std::string out_folder_problem(const std::string& dir);

// content_hash() of every file the scenario was read from, base first, then its --set flags.
std::string scenario_hash(const Scenario& scenario);

// Writes each (file name, content) into `dir` (created if missing): all are staged first and
// renamed into place only when every one is on disk, so a failure leaves the folder's earlier
// files untouched and returns the error. `written` receives the names written. (A rename that
// fails after others succeeded can still leave a mix; renames in one folder practically do not
// fail once the staged files exist.)
std::string write_all_or_nothing(const std::string& dir,
                                 const std::vector<std::pair<std::string, std::string>>& files,
                                 std::vector<std::string>& written);

}  // namespace syncdrill
