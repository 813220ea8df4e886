#include "mocks/scenario_mocks.hpp"

#include "core/engine/random.hpp"

namespace syncdrill {

uint32_t listed_quantity(const ChannelSpec& channel, uint32_t on_hand) {
  return on_hand > channel.safety_buffer ? on_hand - channel.safety_buffer : 0;
}

ScenarioMocks build_mocks(const Scenario& s, uint64_t root_seed) {
  const uint32_t skus = s.catalog.skus;
  RandomStream catalog_rng(root_seed, "catalog");
  std::vector<int64_t> prices(skus);
  for (int64_t& p : prices)
    p = draw_catalog_price(s.catalog, catalog_rng);
  const std::vector<uint32_t> stock(skus, s.catalog.stock_per_sku);
  const SystemSpec* erp_spec = first_system(s, SystemKind::erp);
  ScenarioMocks out;
  out.erp = std::make_unique<ErpMock>(stock, prices,
                                      erp_spec != nullptr && erp_spec->batch_import_interval);
  out.channels.reserve(s.channels.size());
  for (const ChannelSpec& spec : s.channels) {
    const std::vector<uint32_t> listing(skus, listed_quantity(spec, s.catalog.stock_per_sku));
    out.channels.push_back(std::make_unique<ChannelMock>(spec, listing, prices));
  }
  return out;
}

}  // namespace syncdrill
