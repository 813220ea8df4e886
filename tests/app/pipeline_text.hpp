// Reading CI pipeline files (GitHub Actions, GitLab CI) and batch scripts: the `syncdrill ...`
// command lines of a script and the paths of an artifacts list. Shared by
// tests/app/ci_pipelines_test.cpp and tests/deploy/.
#pragma once

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace syncdrill::testing {

inline std::string trimmed(const std::string& s) {
  const size_t first = s.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

// The `syncdrill ...` lines of a shell script (a `run:` or a `script:` item), with `\`
// continuations joined.
inline void syncdrill_lines(const std::string& script, std::vector<std::string>& out) {
  std::istringstream lines(script);
  std::string line;
  std::string joined;
  while (std::getline(lines, line)) {
    line = trimmed(line);
    if (line.ends_with("\\")) {
      joined += line.substr(0, line.size() - 1) + " ";
      continue;
    }
    joined = trimmed(joined + line);
    if (joined.starts_with("syncdrill ")) out.push_back(joined);
    joined.clear();
  }
}

inline bool has_scalar(const YAML::Node& n) {
  return n && n.IsScalar() && !n.Scalar().empty();
}

// The lines of a scalar or the items of a sequence (upload-artifact's `path`, GitLab's `paths`).
inline std::vector<std::string> path_list(const YAML::Node& n) {
  std::vector<std::string> out;
  if (n && n.IsSequence()) {
    for (const YAML::Node& item : n)
      out.push_back(trimmed(item.as<std::string>()));
  } else if (has_scalar(n)) {
    std::istringstream lines(n.Scalar());
    for (std::string line; std::getline(lines, line);) {
      if (!trimmed(line).empty()) out.push_back(trimmed(line));
    }
  }
  return out;
}

inline bool contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

}  // namespace syncdrill::testing
