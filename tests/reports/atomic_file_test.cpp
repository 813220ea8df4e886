// write_file_atomically: checked through the file system it leaves behind.
#include "reports/atomic_file.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <doctest/doctest.h>
#include <fmt/format.h>

namespace syncdrill {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct TempDir {
  fs::path path = fs::temp_directory_path() / fmt::format("syncdrill-atomic-{}", ::getpid());
  TempDir() {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

TEST_CASE("an atomic write replaces the file whole and leaves no temporary file") {
  TempDir tmp;
  const fs::path file = tmp.path / "report.json";
  REQUIRE(write_file_atomically(file.string(), "first version, rather long\n").empty());
  REQUIRE(write_file_atomically(file.string(), "second\n").empty());
  CHECK(slurp(file) == "second\n");
  CHECK(std::distance(fs::directory_iterator(tmp.path), fs::directory_iterator{}) == 1);
}

TEST_CASE("an atomic write into a missing folder fails with the path and the reason") {
  TempDir tmp;
  const fs::path file = tmp.path / "missing" / "report.json";
  const std::string error = write_file_atomically(file.string(), "x");
  CHECK(error == fmt::format("cannot write '{}': No such file or directory", file.string()));
  CHECK_FALSE(fs::exists(tmp.path / "missing"));
}

TEST_CASE("make_directories creates nested folders and accepts existing ones") {
  TempDir tmp;
  const fs::path nested = tmp.path / "a" / "b" / "c";
  CHECK(make_directories(nested.string()).empty());
  CHECK(fs::is_directory(nested));
  CHECK(make_directories(nested.string()).empty());
}

}  // namespace
}  // namespace syncdrill
