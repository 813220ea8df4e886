// The replay driver: a main() that runs files through a fuzz target's LLVMFuzzerTestOneInput
// without libFuzzer, so any compiler (GCC in the release and sanitize presets) builds it. The
// ctest tests fuzz_replay.* run the checked-in corpus through every target with it.
//
// Usage: fuzz_TARGET_replay PATH...   Each PATH is a file or a folder (walked recursively).
// Files run in sorted order, each announced on stdout before it runs, so the last name printed
// before a crash is its input. Exit status 0 when every file ran; 2 on a usage error or when no
// file was found (a replay of nothing tests nothing).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

namespace fs = std::filesystem;

bool collect(const fs::path& path, std::vector<fs::path>& files) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    for (fs::recursive_directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
      if (it->is_regular_file(ec)) files.push_back(it->path());
    }
    return !ec;
  }
  if (!fs::is_regular_file(path, ec)) return false;
  files.push_back(path);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i) {
    if (!collect(argv[i], files)) {
      std::fprintf(stderr, "replay: cannot read '%s'\n", argv[i]);
      return 2;
    }
  }
  if (files.empty()) {
    std::fprintf(stderr, "usage: %s FILE-OR-FOLDER... (no file found)\n", argv[0]);
    return 2;
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& file : files) {
    std::printf("replay: %s\n", file.c_str());
    std::fflush(stdout);
    std::ifstream in(file, std::ios::binary);
    const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    // A heap copy of exactly the input's size, so AddressSanitizer catches a read past its end.
    const std::vector<uint8_t> data(bytes.begin(), bytes.end());
    LLVMFuzzerTestOneInput(data.empty() ? nullptr : data.data(), data.size());
  }
  std::printf("replay: %zu files, no crash\n", files.size());
  return 0;
}
