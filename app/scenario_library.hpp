// The scenario library: the shipped drills `list` prints and `run NAME` runs. Installed, it sits
// beside the binary (BIN/../share/syncdrill/scenarios); in a build tree, it is the source tree's
// scenarios/.
#pragma once

#include <string>

namespace syncdrill {

// The library folder: $SYNCDRILL_SCENARIO_DIR when set; else ../share/syncdrill/scenarios
// beside the running binary when that folder exists (an installed syncdrill); else the
// scenarios/ of the source tree this binary was built from.
std::string scenario_library_dir();

// The file a SCENARIO argument names. ARG itself when it exists. Otherwise, from the library: a
// bare NAME (as `list` prints it) or NAME.yaml is the library's NAME.yaml, and scenarios/REST
// (the path the replay line of a report run in a source tree prints) is the library's REST.
// When none of these exists, ARG unchanged, for the loader to report missing.
std::string resolve_scenario_path(const std::string& arg);

}  // namespace syncdrill
