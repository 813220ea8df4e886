#include "connector/shopify_wire.hpp"

#include <algorithm>
#include <limits>

#include <nlohmann/json.hpp>

namespace syncdrill {

namespace {

using nlohmann::json;

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Digits only, at most 19 of them (fits in int64_t unsigned range checks below).
std::optional<uint64_t> read_decimal(std::string_view s) {
  if (!all_digits(s) || s.size() > 19) return std::nullopt;
  uint64_t v = 0;
  for (const char c : s)
    v = v * 10 + static_cast<uint64_t>(c - '0');
  return v;
}

std::nullopt_t no_job(std::string* error, std::string message) {
  if (error != nullptr) *error = std::move(message);
  return std::nullopt;
}

std::optional<OrderJobLine> read_line(const json& item) {
  if (!item.is_object()) return std::nullopt;
  const auto sku = item.find("sku");
  const auto price = item.find("price");
  const std::optional<uint64_t> quantity = read_count(item, "quantity");
  if (sku == item.end() || !sku->is_string() || price == item.end() || !price->is_string() ||
      !quantity || *quantity == 0) {
    return std::nullopt;
  }
  const std::optional<uint64_t> sku_id = read_decimal(sku->get_ref<const std::string&>());
  const std::optional<int64_t> minor = price_to_minor(price->get_ref<const std::string&>());
  if (!sku_id || *sku_id > std::numeric_limits<uint32_t>::max() || !minor) return std::nullopt;
  OrderJobLine line{*sku_id, *quantity, *minor, 0};
  line.variant_id = read_count(item, "variant_id").value_or(0);
  return line;
}

// Whether a Link parameter list ("; rel=\"next\"; title=...") has rel with the token "next".
bool rel_is_next(std::string_view params) {
  size_t at = 0;
  while ((at = params.find(';', at)) != std::string_view::npos) {
    ++at;
    std::string_view param = params.substr(at, params.find(';', at) - at);
    const size_t first = param.find_first_not_of(" \t");
    param = first == std::string_view::npos
                ? std::string_view{}
                : param.substr(first, param.find_last_not_of(" \t") - first + 1);
    if (param.substr(0, 4) != "rel=") continue;
    std::string_view value = param.substr(4);
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    // rel may hold several space-separated relation types (RFC 8288).
    while (!value.empty()) {
      const size_t space = value.find(' ');
      if (value.substr(0, space) == "next") return true;
      if (space == std::string_view::npos) break;
      value.remove_prefix(space + 1);
    }
  }
  return false;
}

}  // namespace

std::optional<int64_t> price_to_minor(std::string_view price) {
  constexpr size_t kWholeDigitsMax = 10;  // 10^10 major units: the OMS's bound
  const size_t dot = price.find('.');
  const std::string_view whole = price.substr(0, dot);
  std::string_view fraction = dot == std::string_view::npos ? "" : price.substr(dot + 1);
  if (whole.size() > kWholeDigitsMax || !all_digits(whole)) return std::nullopt;
  if (dot != std::string_view::npos && !all_digits(fraction)) return std::nullopt;
  // Digits past the cents must be zeros: "45.990" is 4599, "45.999" is not a price in cents.
  if (fraction.size() > 2) {
    if (fraction.substr(2).find_first_not_of('0') != std::string_view::npos) return std::nullopt;
    fraction = fraction.substr(0, 2);
  }
  int64_t minor = static_cast<int64_t>(*read_decimal(whole)) * 100;
  if (!fraction.empty()) minor += (fraction[0] - '0') * 10;
  if (fraction.size() == 2) minor += fraction[1] - '0';
  return minor;
}

std::optional<OrderJob> parse_shopify_order(const json& order, std::string_view channel,
                                            std::string_view event_id, std::string* error) {
  if (!order.is_object()) return no_job(error, "the order is not a JSON object");
  const std::optional<uint64_t> id = read_count(order, "id");
  // Shopify ids start at 1; the channel's order id is the Shopify id - 1 (docs/dialect-shopify.md).
  if (!id || *id == 0) return no_job(error, "id: expected an integer >= 1");
  const auto items = order.find("line_items");
  if (items == order.end() || !items->is_array() || items->empty() ||
      items->size() > kOrderLinesMax) {
    return no_job(error, "line_items: expected an array of 1 to 1000 lines");
  }
  OrderJob job;
  job.event_id = std::string(event_id);
  job.channel = std::string(channel);
  job.order_id = *id;
  job.key_prefix = "shopify";  // the key stays shopify-<Shopify id>
  job.channel_order = *id - 1;
  for (const json& item : *items) {
    std::optional<OrderJobLine> line = read_line(item);
    if (!line) {
      return no_job(error,
                    "line_items: each line needs sku (a SKU id in decimal), quantity >= 1 and "
                    "price (a decimal string such as \"45.99\")");
    }
    job.lines.push_back(*line);
  }
  return job;
}

std::optional<std::string> link_next_url(std::string_view link) {
  // Entries are "<URL>; params", separated by commas; a URL may itself hold commas
  // (fields=id,line_items), so each entry is read from '<' to '>' first.
  size_t at = 0;
  while (at < link.size()) {
    const size_t open = link.find('<', at);
    if (open == std::string_view::npos) return std::nullopt;
    const size_t close = link.find('>', open);
    if (close == std::string_view::npos) return std::nullopt;
    const size_t end = std::min(link.find(',', close), link.size());
    if (rel_is_next(link.substr(close + 1, end - close - 1))) {
      return std::string(link.substr(open + 1, close - open - 1));
    }
    at = end + 1;
  }
  return std::nullopt;
}

std::optional<ShopUrl> parse_shop_url(std::string_view url, std::string* error) {
  const auto fail = [&](const char* why) -> std::optional<ShopUrl> {
    if (error != nullptr) *error = why;
    return std::nullopt;
  };
  constexpr std::string_view kScheme = "http://";
  if (url.substr(0, kScheme.size()) != kScheme) return fail("the shop URL must start with http://");
  while (!url.empty() && url.back() == '/')
    url.remove_suffix(1);
  const size_t path_at = url.find('/', kScheme.size());
  if (path_at == std::string_view::npos || path_at == kScheme.size()) {
    return fail("the shop URL needs a host and a path naming the channel (/channels/NAME)");
  }
  if (url.find_first_of("?#") != std::string_view::npos) {
    return fail("the shop URL takes no query or fragment");
  }
  ShopUrl shop;
  shop.origin = std::string(url.substr(0, path_at));
  shop.path = std::string(url.substr(path_at));
  shop.channel = std::string(url.substr(url.rfind('/') + 1));
  if (shop.channel.empty()) return fail("the shop URL's last segment names the channel");
  return shop;
}

std::optional<std::string> path_on_shop(std::string_view url, const ShopUrl& shop) {
  if (url.substr(0, shop.origin.size()) == shop.origin) url.remove_prefix(shop.origin.size());
  if (url.substr(0, shop.path.size()) != shop.path) return std::nullopt;
  const std::string_view rest = url.substr(shop.path.size());
  if (!rest.empty() && rest.front() != '/') return std::nullopt;  // /channels/dtc2 is not dtc
  if (url.find("..") != std::string_view::npos) return std::nullopt;
  return std::string(url);
}

std::optional<CallLimit> parse_call_limit(std::string_view header) {
  const size_t slash = header.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const auto used = read_decimal(header.substr(0, slash));
  const auto size = read_decimal(header.substr(slash + 1));
  constexpr uint64_t kMax = std::numeric_limits<uint32_t>::max();
  if (!used || !size || *size == 0 || *used > kMax || *size > kMax) return std::nullopt;
  return CallLimit{static_cast<uint32_t>(*used), static_cast<uint32_t>(*size)};
}

bool is_api_version(std::string_view v) {
  return v.size() == 7 && all_digits(v.substr(0, 4)) && v[4] == '-' && all_digits(v.substr(5)) &&
         v.substr(5) >= "01" && v.substr(5) <= "12";
}

}  // namespace syncdrill
