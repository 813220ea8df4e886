#include "fuzz_support.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <system_error>

namespace syncdrill::fuzz {

const std::string& fixture_dir() {
  static const std::string dir = SYNCDRILL_FUZZ_FIXTURE_DIR;
  return dir;
}

std::string fixture_path(std::string_view name) {
  return fixture_dir() + "/" + std::string(name);
}

namespace {

struct ScratchDir {
  std::filesystem::path path;
  ScratchDir() {
    path =
        std::filesystem::temp_directory_path() / ("syncdrill-fuzz-" + std::to_string(::getpid()));
    std::filesystem::create_directories(path);
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
};

}  // namespace

std::string scratch_path(std::string_view name) {
  static const ScratchDir dir;
  return (dir.path / name).string();
}

void silence_iostream_errors() {
  // A stream without a buffer fails its writes quietly (badbit), which nothing here checks.
  std::cerr.rdbuf(nullptr);
  std::clog.rdbuf(nullptr);
}

void contract_failed(const char* expr, const char* file, int line) {
  std::fprintf(stderr, "%s:%d: fuzz contract broken: %s\n", file, line, expr);
  std::fflush(stderr);
  std::abort();
}

}  // namespace syncdrill::fuzz
