// xmllint (Debian package libxml2-utils, installed by scripts/install-deps) for the tests of the
// XML-shaped reports: a page must parse as strict XML, and XPath expressions count its parts.
#pragma once

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

namespace syncdrill::testing {

// A file in the temporary folder holding `content`, removed at the end of the scope.
struct TempFile {
  std::filesystem::path path;
  explicit TempFile(const std::string& content, const std::string& extension = ".xml") {
    static int n = 0;
    path = std::filesystem::temp_directory_path() /
           fmt::format("syncdrill-test-{}-{}{}", ::getpid(), ++n, extension);
    std::ofstream(path, std::ios::binary) << content;
  }
  ~TempFile() { std::filesystem::remove(path); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
};

struct Shell {
  int status = -1;
  std::string out;
};

// Runs `command` with /bin/sh and returns its exit status and standard output.
inline Shell shell(const std::string& command) {
  Shell r;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), ::pclose);
  REQUIRE(pipe != nullptr);
  char buffer[4096];
  size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe.get())) > 0)
    r.out.append(buffer, n);
  r.status = ::pclose(pipe.release());
  return r;
}

inline void require_xmllint() {
  static const bool found = std::system("command -v xmllint >/dev/null 2>&1") == 0;
  if (!found) {
    FAIL(
        "xmllint not found: install the Debian package libxml2-utils (scripts/install-deps "
        "does)");
  }
}

// Runs `xmllint --noout` on the page (it must parse as XML), then each XPath expression; returns
// their results as xmllint prints them. XHTML and SVG elements are namespaced, so expressions
// match on local-name().
inline std::vector<std::string> xmllint(const std::string& page,
                                        const std::vector<std::string>& xpaths) {
  require_xmllint();
  TempFile file(page, ".html");
  const Shell parse = shell(fmt::format("xmllint --noout '{}' 2>&1", file.path.string()));
  REQUIRE_MESSAGE(parse.status == 0, "xmllint rejected the page: ", parse.out);
  std::vector<std::string> out;
  for (const std::string& xpath : xpaths) {
    const Shell r = shell(fmt::format("xmllint --xpath '{}' '{}' 2>&1", xpath, file.path.string()));
    CHECK_MESSAGE(r.status == 0, xpath, ": ", r.out);
    std::string value = r.out;
    while (!value.empty() && value.back() == '\n')
      value.pop_back();
    out.push_back(value);
  }
  return out;
}

}  // namespace syncdrill::testing
