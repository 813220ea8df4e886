// The report figures an `expect:` block may name (docs/expectations.md): each a number in
// report.json, named for people ("orders.lost") and found by a JSON pointer ("/impact/lost").
// The loader checks names against this table; `syncdrill run --expect` reads the pointers
// (reports/expect_check.hpp). Adding a figure is one row here, and the report must hold it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/scenario/scenario.hpp"

namespace syncdrill {

struct ExpectFigure {
  std::string_view name;     // "orders.lost"
  std::string_view pointer;  // "/impact/lost"
};

// The run-wide figures, in the order docs/expectations.md lists them.
const std::vector<ExpectFigure>& expect_figures();

// The fields a per-fault figure may name: `faults[ID].FIELD` reads /faults/N/FIELD.
const std::vector<std::string_view>& expect_fault_fields();
// The fields a per-channel figure may name: `channels[NAME].FIELD` reads /channels/N/FIELD
// with FIELD's '.' as '/' ("orders.lost" -> /channels/N/orders/lost).
const std::vector<std::string_view>& expect_channel_fields();

// The pointer a figure name stands for in a report of `s`, or an error message naming what
// exists ("unknown figure 'orders.lst' (did you mean 'orders.lost'?)").
struct FigurePointer {
  std::string pointer;
  std::string error;
};
FigurePointer resolve_figure(const Scenario& s, std::string_view name);

// An RFC 6901 pointer's syntax ("/a/0/b", "~0" and "~1" escapes); an error message or empty.
std::string check_json_pointer(std::string_view pointer);

}  // namespace syncdrill
