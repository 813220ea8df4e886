// Fuzz target: the policies file of `syncdrill compare --policies FILE`
// (app/compare_variants.hpp, with_policies_file), on arbitrary text.
//
// The input is the policies file; the scenario under it is the fixtures' breached-drill.yaml (the
// one the compare tests use). A file the merge accepts then goes through what compare does with
// it before running: the connectors to compare, each policy swapped onto them, the runbook's
// policy switches left out. Errors are printed to stderr (silenced here) and returned as
// nothing; anything else -- a crash, an exception, a sanitizer report -- is a finding.
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <optional>

#include "app/compare_variants.hpp"
#include "core/scenario/loader.hpp"
#include "fuzz_support.hpp"

using namespace syncdrill;

namespace {

struct Base {
  std::string path = fuzz::fixture_path("breached-drill.yaml");
  Scenario scenario;
  Base() {
    LoadResult r = load_scenario_file(path);
    FUZZ_ASSERT(r.ok());  // the fixture itself loads
    scenario = std::move(*r.scenario);
    fuzz::silence_iostream_errors();
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Base base;
  static const std::string policies_path = fuzz::scratch_path("policies.yaml");
  {
    std::ofstream out(policies_path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    FUZZ_ASSERT(out.good());
  }
  const std::optional<MergedPolicies> merged =
      with_policies_file(base.path, policies_path, base.scenario);
  if (!merged) return 0;
  const Scenario& s = merged->scenario;
  const std::optional<std::vector<std::string>> connectors = compared_connectors(s, {});
  if (!connectors) return 0;
  const Scenario kept = without_actions(s, policy_switches_on(s, *connectors));
  for (const PolicySpec& p : s.policies) {
    const Scenario variant = with_policy(kept, p, *connectors);
    FUZZ_ASSERT(find_policy(variant, p.name) != nullptr);
  }
  return 0;
}
