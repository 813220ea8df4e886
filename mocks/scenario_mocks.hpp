// The mocks a scenario starts with, built one way for the simulation (sim/world/world.cpp) and the
// live drill (mocks/http/live_mocks.cpp), so both begin from the same catalog:
//   - catalog prices drawn in SKU order from the stream (seed, "catalog");
//   - the ERP with every SKU at catalog.stock_per_sku, in batch-import mode when the scenario's
//     first ERP sets batch_import_interval;
//   - each channel listing every SKU at stock_per_sku minus its safety buffer (0 if the buffer is
//     larger), at the catalog prices.
// The OMS and WMS start empty and need nothing from the scenario.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "core/scenario/scenario.hpp"
#include "mocks/channel.hpp"
#include "mocks/erp.hpp"

namespace syncdrill {

struct ScenarioMocks {
  std::unique_ptr<ErpMock> erp;
  std::vector<std::unique_ptr<ChannelMock>> channels;  // in scenario.channels' order
};

// REQUIRES: `s` outlives the channel mocks (they keep their ChannelSpec).
ScenarioMocks build_mocks(const Scenario& s, uint64_t root_seed);

// What a channel lists of a SKU the ERP holds `on_hand` of: on_hand minus its safety buffer.
uint32_t listed_quantity(const ChannelSpec& channel, uint32_t on_hand);

}  // namespace syncdrill
