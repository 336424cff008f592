#pragma once
#include "adapters/registry.hpp"
#include "gateway/config/config.hpp"

namespace siao::app {

// Builds the gateway's parts in dependency order, serves until SIGTERM/SIGINT,
// drains, and tears them down in reverse. Returns the process exit code.
int serve(const config::Config& cfg, const adapters::Registry& adapter_registry);


}  // namespace siao::app
