#pragma once
// `siao-gateway contract new-key | check FILE | reload [--url URL]`.
#include <string>
#include <vector>

#include "adapters/registry.hpp"
#include "gateway/config/config.hpp"

namespace siao::app {

// `args` follows the word "contract". Returns the process exit code.
int contract_command(const std::vector<std::string>& args, const config::Config& cfg, const adapters::Registry& adapters);

}  // namespace siao::app
