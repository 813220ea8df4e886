#include "app/output_folder.hpp"

#include <string_view>

#include <unistd.h>

#include <fmt/format.h>

#include "reports/atomic_file.hpp"
#include "reports/content_hash.hpp"

namespace syncdrill {

namespace fs = std::filesystem;

CreatedFolders::CreatedFolders(const std::string& dir) {
  std::error_code ec;
  for (fs::path p = fs::path(dir); !p.empty() && !fs::exists(p, ec); p = p.parent_path()) {
    missing_.push_back(p);
    if (p == p.parent_path()) break;
  }
}

CreatedFolders::~CreatedFolders() {
  std::error_code ec;
  for (const fs::path& p : missing_)
    fs::remove(p, ec);  // fails, harmlessly, when not empty
}

std::string out_folder_problem(const std::string& dir) {
  std::error_code ec;
  for (fs::path p = fs::path(dir); !p.empty(); p = p.parent_path()) {
    const fs::file_status status = fs::status(p, ec);
    if (fs::exists(status)) {
      if (fs::is_directory(status)) return "";
      return p == fs::path(dir)
                 ? fmt::format("--out '{}' is a file, expected a folder", dir)
                 : fmt::format("--out '{}': '{}' is a file, expected a folder", dir, p.string());
    }
    if (p == p.parent_path()) break;
  }
  return "";
}

std::string scenario_hash(const Scenario& scenario) {
  std::vector<std::string_view> contents;
  for (const SourceFile& f : scenario.sources)
    contents.push_back(f.content);
  // The --set flags change what runs, so they are hashed too (a plain run: the files alone).
  for (const std::string& set : scenario.overrides)
    contents.push_back(set);
  return content_hash(contents);
}

std::string write_all_or_nothing(const std::string& dir,
                                 const std::vector<std::pair<std::string, std::string>>& files,
                                 std::vector<std::string>& written) {
  // Every file is first written whole under a staging name; only when all are on disk are they
  // renamed into place. A failure removes the staged files and leaves the folder's earlier
  // reports as they were.
  std::string error = make_directories(dir);
  std::vector<std::string> staged;
  const auto staging = [&](const std::string& name) {
    return fmt::format("{}/.{}.staged-{}", dir, name, ::getpid());
  };
  for (const auto& [name, content] : files) {
    if (!error.empty()) break;
    error = write_file_atomically(staging(name), content);
    if (error.empty()) staged.push_back(name);
  }
  std::error_code ec;
  // The one way a rename within a folder fails in practice: a folder in the way. Checked before
  // any rename, so the earlier files stay as they were.
  for (const auto& file : files) {
    if (error.empty() && fs::is_directory(dir + "/" + file.first, ec)) {
      error =
          fmt::format("cannot write {}/{}: a folder of that name is in the way", dir, file.first);
    }
  }
  for (const std::string& name : staged) {
    if (!error.empty()) {
      fs::remove(staging(name), ec);
      continue;
    }
    fs::rename(staging(name), dir + "/" + name, ec);
    if (ec) {
      error = fmt::format("cannot write {}/{}: {}", dir, name, ec.message());
      fs::remove(staging(name), ec);
    } else {
      written.push_back(name);
    }
  }
  return error;
}

}  // namespace syncdrill
