// The scenario library's lookup (app/scenario_library.hpp), called directly: which file a
// SCENARIO argument names. The installed layout itself is checked by tests/install/.
#include "app/scenario_library.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

namespace syncdrill {
namespace {

namespace fs = std::filesystem;

// A library in a scratch folder of its own (ctest runs test cases side by side), set as
// $SYNCDRILL_SCENARIO_DIR for the test's lifetime.
class ScratchLibrary {
 public:
  ScratchLibrary()
      : dir_(fs::temp_directory_path() /
             ("syncdrill-library-test-" + std::to_string(static_cast<long>(getpid())))) {
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "base");
    std::ofstream(dir_ / "zz-library-drill.yaml") << "name: zz-library-drill\n";
    std::ofstream(dir_ / "base" / "zz-base.yaml") << "seed: 1\n";
    fs::create_directories(dir_ / "zz-a-folder.yaml");
    setenv("SYNCDRILL_SCENARIO_DIR", dir_.c_str(), 1);
  }
  ~ScratchLibrary() {
    unsetenv("SYNCDRILL_SCENARIO_DIR");
    fs::remove_all(dir_);
  }
  std::string file(const std::string& name) const { return (dir_ / name).string(); }
  std::string dir() const { return dir_.string(); }

 private:
  fs::path dir_;
};

TEST_CASE("scenario_library_dir: $SYNCDRILL_SCENARIO_DIR first, else a folder that exists") {
  {
    ScratchLibrary library;
    CHECK(scenario_library_dir() == library.dir());
  }
  // Not installed (a build tree): the source tree's scenarios/, which has the shipped drills.
  CHECK(fs::is_regular_file(fs::path(scenario_library_dir()) / "black-friday-peak.yaml"));
}

TEST_CASE("resolve_scenario_path finds a library drill by name, NAME.yaml or scenarios/...") {
  ScratchLibrary library;
  const std::string drill = library.file("zz-library-drill.yaml");
  CHECK(resolve_scenario_path("zz-library-drill") == drill);
  CHECK(resolve_scenario_path("zz-library-drill.yaml") == drill);
  CHECK(resolve_scenario_path("scenarios/zz-library-drill.yaml") == drill);
  CHECK(resolve_scenario_path("scenarios/base/zz-base.yaml") == library.file("base/zz-base.yaml"));
}

TEST_CASE("resolve_scenario_path leaves alone what is no library drill") {
  ScratchLibrary library;
  // Absent from the library: unchanged, for the loader to report as missing.
  for (const char* arg : {"", "zz-no-such-drill", "scenarios/zz-no-such-drill.yaml",
                          "elsewhere/zz-library-drill.yaml", "/nowhere/zz-library-drill.yaml",
                          "scenarios", "zz-a-folder"}) {
    CAPTURE(arg);
    CHECK(resolve_scenario_path(arg) == arg);
  }
  // A file that exists is itself, even when the library has one of the same name.
  const fs::path here = fs::current_path() / "zz-library-drill.yaml";
  std::ofstream(here) << "name: here\n";
  CHECK(resolve_scenario_path("zz-library-drill.yaml") == "zz-library-drill.yaml");
  fs::remove(here);
}

}  // namespace
}  // namespace syncdrill
