// Helpers shared by the section readers: uniqueness, references, status tables.
#include "core/scenario/sections.hpp"

#include <algorithm>

namespace syncdrill::scenario {

void UniqueNames::add(MapReader& r, std::string_view key, const std::string& name) {
  auto it =
      std::find_if(seen_.begin(), seen_.end(), [&](const auto& p) { return p.first == name; });
  if (it != seen_.end()) {
    r.error(key, fmt::format("duplicate {} name '{}' (first defined at line {})", what_, name,
                             it->second));
    return;
  }
  seen_.emplace_back(name, r.loc(key).line);
}

bool read_ref(MapReader& r, std::string_view key, std::string& out,
              const std::vector<std::string_view>& candidates, std::string_view what, Need need) {
  std::string name;
  if (!r.name(key, name, need)) {
    return false;
  }
  if (std::find(candidates.begin(), candidates.end(), name) == candidates.end()) {
    if (!r.stopped()) {
      r.error(key, unknown_value(what, name, candidates));
    }
    return false;
  }
  out = std::move(name);
  return true;
}

void read_refs(Ctx& ctx, MapReader& r, std::string_view key, std::vector<std::string>& out,
               const std::vector<std::string_view>& candidates, std::string_view what, Need need,
               RefForm form) {
  const YNode* v = r.get(key, need);
  if (v == nullptr) {
    return;
  }
  const auto is_topic = [&](const YNode& n) {
    return form == RefForm::name_or_topic && n.kind == YNode::Kind::scalar &&
           n.scalar.find('/') != std::string::npos;
  };
  const auto known = [&](const std::string& name) {
    return std::find(candidates.begin(), candidates.end(), name) != candidates.end();
  };
  if (v->kind == YNode::Kind::scalar && !is_topic(*v)) {
    std::string one;
    if (read_ref(r, key, one, candidates, what)) {
      out.push_back(std::move(one));
    }
    return;
  }
  if (v->kind == YNode::Kind::scalar) {
    if (known(v->scalar)) {
      out.push_back(v->scalar);
    } else if (!ctx.stopped()) {
      r.error(key, unknown_value(what, v->scalar, candidates));
    }
    return;
  }
  if (!check_list(ctx, *v, r.child(key))) {
    return;
  }
  for (size_t i = 0; i < v->items.size() && !ctx.stopped(); ++i) {
    const YNode& item = v->items[i];
    const std::string path = fmt::format("{}[{}]", r.child(key), i);
    if (item.kind != YNode::Kind::scalar || (!is_identifier(item.scalar) && !is_topic(item))) {
      ctx.error(item.loc, path, fmt::format("expected a {} name, got {}", what, describe(item)));
    } else if (!known(item.scalar)) {
      ctx.error(item.loc, path, unknown_value(what, item.scalar, candidates));
    } else {
      out.push_back(item.scalar);
    }
  }
  if (v->items.empty() && need == Need::required) {
    r.error(key, fmt::format("expected at least one {} name", what));
  }
}

void read_status_map(Ctx& ctx, MapReader& r, std::string_view key, std::vector<StatusMapping>& out,
                     const std::vector<std::string_view>* allowed_from) {
  const YNode* v = r.get(key);
  if (v == nullptr) {
    return;
  }
  MapReader m(ctx, *v, r.child(key));
  if (!m.is_mapping()) {
    return;
  }
  if (v->entries.size() > ctx.limits.list_max) {
    r.error(key, fmt::format("too many items ({}, the limit is {})", v->entries.size(),
                             ctx.limits.list_max));
    return;
  }
  for (const YEntry& e : v->entries) {
    if (allowed_from != nullptr &&
        std::find(allowed_from->begin(), allowed_from->end(), e.key) == allowed_from->end()) {
      if (!ctx.stopped()) {
        ctx.error(e.key_loc, m.child(e.key), unknown_value("order state", e.key, *allowed_from));
      }
      m.get(e.key);
      continue;
    }
    StatusMapping sm{e.key, ""};
    if (m.text(e.key, sm.to) && sm.to.empty()) {
      m.error(e.key, "expected a non-empty status spelling");
    }
    out.push_back(std::move(sm));
  }
  m.finish();
}

std::vector<std::string_view> target_names(const Scenario& s) {
  std::vector<std::string_view> out = names_of(s.channels);
  for (std::string_view n : names_of(s.systems)) {
    out.push_back(n);
  }
  for (std::string_view n : names_of(s.connectors)) {
    out.push_back(n);
  }
  return out;
}

std::vector<std::string> webhook_topics(const Scenario& s) {
  std::vector<std::string> out;
  for (const ChannelSpec& c : s.channels) {
    for (std::string_view topic : kWebhookTopics) {
      out.push_back(fmt::format("{}/{}", c.name, topic));
    }
  }
  return out;
}

}  // namespace syncdrill::scenario
