// parse_duration_distribution: `kind(param=value, ...)` -> Distribution, driven by a table of
// kinds and their parameters.
#include <algorithm>
#include <array>
#include <functional>

#include <fmt/format.h>

#include "core/scenario/values.hpp"

namespace syncdrill::scenario {
namespace {

using Args = std::vector<double>;  // parameter values in table order (durations in microseconds)
using Result = Parsed<Distribution>;

struct DistForm {
  std::string_view kind;
  std::vector<std::string_view> params;  // empty = variadic list of durations (empirical)
  std::string_view number_param;         // the one dimensionless parameter, if any
  std::function<Result(const Args&)> build;
};

Result fail(std::string m) {
  return Result::fail(std::move(m));
}

const std::vector<DistForm>& forms() {
  static const std::vector<DistForm> kForms{
      {"constant",
       {"value"},
       "",
       [](const Args& a) -> Result {
         return {Distribution::constant(a[0]), {}};
       }},
      {"uniform",
       {"min", "max"},
       "",
       [](const Args& a) -> Result {
         if (a[1] < a[0]) {
           return fail("uniform needs max >= min");
         }
         return {Distribution::uniform(a[0], a[1]), {}};
       }},
      {"exponential",
       {"mean"},
       "",
       [](const Args& a) -> Result {
         if (a[0] <= 0) {
           return fail("exponential needs mean > 0");
         }
         return {Distribution::exponential(a[0]), {}};
       }},
      {"normal",
       {"mean", "sd"},
       "",
       [](const Args& a) -> Result {
         return {Distribution::normal(a[0], a[1]), {}};
       }},
      {"lognormal",
       {"p50", "p95"},
       "",
       [](const Args& a) -> Result {
         if (a[0] <= 0 || a[1] <= a[0]) {
           return fail("lognormal needs 0 < p50 < p95");
         }
         return {Distribution::lognormal_p50_p95(a[0], a[1]), {}};
       }},
      {"pareto",
       {"scale", "shape"},
       "shape",
       [](const Args& a) -> Result {
         if (a[0] <= 0 || a[1] <= 0) {
           return fail("pareto needs scale > 0 and shape > 0");
         }
         return {Distribution::pareto(a[0], a[1]), {}};
       }},
      {"empirical",
       {},
       "",
       [](const Args& a) -> Result {
         return {Distribution::empirical(a), {}};
       }},
  };
  return kForms;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') {
    s.remove_prefix(1);
  }
  while (!s.empty() && s.back() == ' ') {
    s.remove_suffix(1);
  }
  return s;
}

std::string param_list(const DistForm& f) {
  return f.params.empty() ? std::string("durations") : fmt::format("{}", fmt::join(f.params, ", "));
}

// One parameter's value: a duration, or a plain number for `number_param`.
std::optional<double> param_value(const DistForm& f, std::string_view name, std::string_view text,
                                  std::string& error) {
  if (!f.number_param.empty() && name == f.number_param) {
    auto n = parse_number(text);
    error = n.error;
    return n.value;
  }
  auto d = parse_duration(text);
  error = d.error;
  if (!d.value) {
    return std::nullopt;
  }
  return static_cast<double>(d.value->us);
}

Result parse_args(const DistForm& f, std::string_view body) {
  Args values(f.params.size(), 0);
  std::vector<bool> given(f.params.size(), false);
  size_t positional = 0;
  if (trim(body).empty()) {
    return fail(f.params.empty()
                    ? std::string("empirical needs at least one duration")
                    : fmt::format("missing parameter '{}' for {}", f.params[0], f.kind));
  }
  while (true) {
    size_t comma = body.find(',');
    std::string_view arg = trim(body.substr(0, comma));
    if (arg.empty()) {
      return fail(fmt::format("{}: empty parameter", f.kind));
    }
    size_t eq = arg.find('=');
    std::string_view name = eq == std::string_view::npos ? "" : trim(arg.substr(0, eq));
    std::string_view text = eq == std::string_view::npos ? arg : trim(arg.substr(eq + 1));
    size_t index = positional;
    if (!name.empty()) {
      auto it = std::find(f.params.begin(), f.params.end(), name);
      if (it == f.params.end()) {
        return fail(fmt::format("unknown parameter '{}' for {} (expected {})", name, f.kind,
                                param_list(f)));
      }
      index = static_cast<size_t>(it - f.params.begin());
    } else if (!f.params.empty() && positional >= f.params.size()) {
      return fail(fmt::format("too many parameters for {} (expected {})", f.kind, param_list(f)));
    } else {
      ++positional;
    }
    if (f.params.empty()) {
      values.push_back(0);
      given.push_back(false);
      index = values.size() - 1;
    } else {
      name = f.params[index];
    }
    if (given[index]) {
      return fail(fmt::format("parameter '{}' of {} given twice", name, f.kind));
    }
    std::string error;
    std::optional<double> v = param_value(f, name, text, error);
    if (!v) {
      return fail(fmt::format("{} {}: {}", f.kind, name.empty() ? "value" : name, error));
    }
    values[index] = *v;
    given[index] = true;
    if (comma == std::string_view::npos) {
      break;
    }
    body.remove_prefix(comma + 1);
  }
  for (size_t i = 0; i < f.params.size(); ++i) {
    if (!given[i]) {
      return fail(fmt::format("missing parameter '{}' for {}", f.params[i], f.kind));
    }
  }
  return f.build(values);
}

}  // namespace

Parsed<Distribution> parse_duration_distribution(std::string_view text) {
  std::string_view s = trim(text);
  size_t open = s.find('(');
  if (open == std::string_view::npos) {
    auto d = parse_duration(s);
    if (!d.value) {
      return fail(fmt::format(
          "expected a duration like 250ms or a distribution like lognormal(p50=200ms, p95=2s), "
          "got '{}'",
          text));
    }
    return {Distribution::constant(static_cast<double>(d.value->us)), {}};
  }
  std::string_view kind = trim(s.substr(0, open));
  if (s.back() != ')') {
    // A common slip: inside a YAML flow mapping `{...}` an unquoted comma ends the value.
    const bool cut = s.find_first_of("),") == std::string_view::npos;
    return fail(
        fmt::format("expected ')' at the end of '{}'{}", text,
                    cut ? " (inside {...} or [...], quote a value that contains commas)" : ""));
  }
  std::vector<std::string_view> kinds;
  for (const DistForm& f : forms()) {
    kinds.push_back(f.kind);
  }
  auto it = std::find_if(forms().begin(), forms().end(),
                         [&](const DistForm& f) { return f.kind == kind; });
  if (it == forms().end()) {
    return fail(fmt::format("unknown distribution '{}'{} (expected {})", kind,
                            did_you_mean(kind, kinds), fmt::join(kinds, ", ")));
  }
  return parse_args(*it, s.substr(open + 1, s.size() - open - 2));
}

}  // namespace syncdrill::scenario
