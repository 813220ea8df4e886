// How two scenario trees merge (`extends`, and every --set): mappings merge key by key, the lists
// of named items merge item by item on their name, anything else is replaced.
//
// The named lists and the key that names their items (docs/scenario-format.md, Extends):
//   channels, systems, policies, connectors, sla_tiers, monitors: `name`
//   faults, response.runbook: `id` (a runbook action's `id` is optional; one without is new)
//   traffic: `channel`; a channel's second entry in one list is named "<channel>#2", and so on.
// In a child, an item whose name the base has merges into that item, a new name is appended, and
// exactly `{<key>: NAME, remove: true}` removes the base's item. An empty list clears the base's
// list.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/scenario/tree.hpp"

namespace syncdrill::scenario {

// The key naming the items of the list at `path` ("faults", "response.runbook"), or nullopt for
// a list that is not named (its child replaces it whole).
std::optional<std::string_view> item_key(std::string_view path);

// The name of each item of a named list (empty for an item without one), in list order.
std::vector<std::string> item_names(const YNode& list, std::string_view key);

// "a fault", "a traffic entry", ...: what one item of the named list at `path` is called.
std::string item_what(std::string_view path);

// True when `item` (an item of a named list whose items `key` names) is exactly `{key: NAME,
// remove: true}` (or `{remove: true}`). Anything else with a `remove` key is an item to merge: a
// mapping_regression fault has a `remove` list of its own, and the reader judges the key.
bool is_removal(const YNode& item, std::string_view key);

// Merges `child` over `base`. `path` names `base` as the lists table above spells it ("" for the
// root). A removal of a name the base lacks is reported at the child's item, in the child's file.
void merge_over(Ctx& ctx, YNode& base, YNode&& child, const std::string& path);

}  // namespace syncdrill::scenario
