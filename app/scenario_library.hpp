// The scenario library and folders of drills: where `list` looks, how a folder's drills are told
// from the base files they extend, and what a SCENARIO argument names (a file, or a name `list`
// prints).
//
// A folder's drills are its *.yaml files, not those of its subfolders: base files that are no
// drill on their own live in a subfolder (the shipped ones in scenarios/base/). A drill may
// extend another drill of the folder, so "extended by another" does not make a file a base.
// `list`, `run NAME` and `run DIR` all read a folder this one way.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/scenario/loader.hpp"

namespace syncdrill {

// The library folder: $SYNCDRILL_SCENARIO_DIR when set; else ../share/syncdrill/scenarios
// beside the running binary when that folder exists (an installed syncdrill); else the
// scenarios/ of the source tree this binary was built from.
std::string scenario_library_dir();

// The file a SCENARIO argument names. ARG itself when it exists. Otherwise, from the library: a
// bare NAME or NAME.yaml is the library's NAME.yaml, and scenarios/REST (the path a report run
// in a source tree prints) is the library's REST. When none of these exists, ARG unchanged.
std::string resolve_scenario_path(const std::string& arg);

struct FolderDrill {
  std::string path;  // as `dir` spells it, joined with the file name
  LoadResult load;   // the scenario, or its errors
};

// The drills of `dir`, sorted by file name, each loaded. Returns "" or why the folder cannot be
// read (then `drills` is empty).
// `overrides`: the --set flags, applied to each drill.
std::string drills_in(const std::string& dir, std::vector<FolderDrill>& drills,
                      const Overrides& overrides = {});

// A SCENARIO argument to the file it names. An existing path, or one with a '/' or a .yaml/.yml
// ending, is a file and stays as it is (the loader says if it is missing). A bare word that is
// no file is a name `list` prints: it becomes the path of the drill of that name in the library
// (scenario_library_dir()), or the call prints "no scenario file or library drill named
// 'WORD'" (with the nearest name) and returns kExitUsage.
std::optional<int> resolve_scenario(std::string& argument);

}  // namespace syncdrill
