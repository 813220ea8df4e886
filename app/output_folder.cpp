#include "app/output_folder.hpp"

#include <string_view>

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

std::string scenario_hash(const Scenario& scenario) {
  std::vector<std::string_view> contents;
  for (const SourceFile& f : scenario.sources)
    contents.push_back(f.content);
  return content_hash(contents);
}

std::string write_all_or_nothing(const std::string& dir,
                                 const std::vector<std::pair<std::string, std::string>>& files,
                                 std::vector<std::string>& written) {
  std::string error = make_directories(dir);
  for (const auto& [name, content] : files) {
    if (!error.empty()) break;
    error = write_file_atomically(dir + "/" + name, content);
    if (error.empty()) written.push_back(name);
  }
  if (!error.empty()) {
    std::error_code ignored;
    for (const std::string& name : written)
      fs::remove(dir + "/" + name, ignored);
    written.clear();
  }
  return error;
}

}  // namespace syncdrill
