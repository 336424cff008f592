#pragma once
// Outbound delivery to Rosalie: the changed family or demande in v1.1 format (adapters/rosalie/outbound.cpp).
#include "adapters/adapter.hpp"
#include "adapters/rosalie/support.hpp"

namespace siao::adapters::rosalie {

OutboundRendering render_outbound(const Services& s, pqxx::transaction_base& tx, audit::Exchange& ex,
                                  const OutboundEvent& e);

}  // namespace siao::adapters::rosalie
