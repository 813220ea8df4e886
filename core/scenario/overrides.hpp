// --set PATH=VALUE: one change to a scenario's merged tree, applied before the loader reads it, so
// every check and limit of the loader applies to the changed scenario.
//
// PATH is keys joined by dots (`response.stable_for`), where a key may select one item of a list:
// by its name in a named list (`traffic[amazon-us]`, `faults[erp-outage]`, core/scenario/merge.hpp)
// or by its position from 0 in another list (`traffic[amazon-us].shape[2]`). VALUE is YAML: a
// scalar or a flow collection (`[a, b]`, `{at: 18h, for: 20m}`). The flag acts as a child scenario
// extending the scenario with VALUE at PATH: a mapping merges key by key, a named list by name,
// anything else is replaced. A whole item `LIST[NAME]={...}` merges into the item of that name,
// is appended when the name is new, and `{remove: true}` removes it. Missing mappings on the way
// are created; a missing item is an error that lists the names there are.
//
// Each flag becomes a file of the load named "--set #N" (N counts from 1) holding the flag's text:
// an error in it, or in what it put into the tree, is reported there (Diagnostic::line 0).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/scenario/tree.hpp"

namespace syncdrill::scenario {

// Applies `sets` in order to `root`. Errors go to ctx; a flag with an error changes nothing.
void apply_overrides(Ctx& ctx, YNode& root, const std::vector<std::string>& sets);

// `path` ("faults[3].at") with each position in a named list replaced by the item's name as
// `root` has it ("faults[erp-outage].at"). Anything it cannot resolve is left as it is.
std::string named_path(const YNode& root, std::string_view path);

}  // namespace syncdrill::scenario
