// The loader's reader of a replay's format keys (internal): `column`, `delimiter`, `timezone`
// and `start_at` of traffic[].replay (docs/scenario-format.md), into the spec and the options
// the CSV is parsed with.
#pragma once

#include "core/scenario/reader.hpp"
#include "core/scenario/replay.hpp"
#include "core/scenario/scenario.hpp"

namespace syncdrill::scenario {

// Reads the keys, reporting each bad one at its value; false when one was bad (the CSV is then
// not parsed: its errors would follow from the bad key).
bool read_replay_format(MapReader& rr, ReplaySpec& rp, ReplayOptions& options);

}  // namespace syncdrill::scenario
