#pragma once
// `siao-gateway retention run [--dry-run]`: the right to be forgotten, applied to the inactive.
#include <string>
#include <vector>

#include "adapters/registry.hpp"
#include "gateway/config/config.hpp"

namespace siao::app {

// `args` follows the word "retention". Returns the process exit code.
int retention_command(const std::vector<std::string>& args, const config::Config& cfg, const adapters::Registry& adapters);

}  // namespace siao::app
