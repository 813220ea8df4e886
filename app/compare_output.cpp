#include "app/compare_output.hpp"

#include <algorithm>
#include <iostream>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "app/exit_codes.hpp"
#include "app/output_folder.hpp"
#include "reports/compare_html.hpp"
#include "reports/compare_report.hpp"

namespace syncdrill {

int write_comparison(const Comparison& c, const std::vector<std::string>& formats,
                     const std::string& out_dir, bool quiet) {
  const std::vector<VariantSummary> summary = summarize(c);
  auto wanted = [&](std::string_view f) {
    return std::find(formats.begin(), formats.end(), f) != formats.end();
  };
  std::vector<std::pair<std::string, std::string>> files;
  if (wanted("json")) files.emplace_back("compare.json", compare_json(c, summary).dump(2) + "\n");
  if (wanted("md")) files.emplace_back("compare.md", compare_markdown(c, summary));
  if (wanted("html")) files.emplace_back("compare.html", compare_html(c, summary));
  CreatedFolders created(out_dir);
  std::vector<std::string> written;
  if (std::string error = write_all_or_nothing(out_dir, files, written); !error.empty()) {
    std::cerr << "syncdrill: error: " << error << "\n";
    return kExitInternal;
  }
  created.dismiss();
  if (!quiet) std::cout << compare_table(c, summary, out_dir, written);
  return kExitOk;
}

}  // namespace syncdrill
