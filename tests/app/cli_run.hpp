// Runs the syncdrill binary in a scratch folder and captures what a user would see.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <fmt/format.h>

namespace syncdrill::testing {

struct CliRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A fresh folder per test, removed at the end, so tests never see each other's reports.
class Scratch {
 public:
  explicit Scratch(const std::string& name) {
    dir_ = std::filesystem::temp_directory_path() /
           fmt::format("syncdrill-e2e-{}-{}", name, ::getpid());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  ~Scratch() { std::filesystem::remove_all(dir_); }
  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path operator/(const std::string& rel) const { return dir_ / rel; }

  // `args` is passed through the shell as written: quote paths with spaces yourself.
  CliRun run(const std::string& args) const {
    return shell(fmt::format("NO_COLOR=1 '{}' {}", SYNCDRILL_BINARY, args));
  }

  // Any shell command, run in the folder with stdin from /dev/null.
  CliRun shell(const std::string& command) const {
    const auto out = dir_ / ".stdout";
    const auto err = dir_ / ".stderr";
    const std::string cmd = fmt::format("cd '{}' && {} >'{}' 2>'{}' </dev/null", dir_.string(),
                                        command, out.string(), err.string());
    const int status = std::system(cmd.c_str());
    CliRun r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = read_file(out);
    r.err = read_file(err);
    return r;
  }

 private:
  std::filesystem::path dir_;
};

inline std::string source_path(const std::string& rel) {
  return std::string(SYNCDRILL_SOURCE_DIR) + "/" + rel;
}

}  // namespace syncdrill::testing
