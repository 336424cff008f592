#pragma once
// `siao-gateway audit verify | export | checkpoint | replay`: the auditors' offline tools.
#include <string>
#include <vector>

#include "adapters/registry.hpp"
#include "gateway/config/config.hpp"

namespace siao::app {

// `args` follows the word "audit". Returns the process exit code.
int audit_command(const std::vector<std::string>& args, const config::Config& cfg, const adapters::Registry& adapters);

// `audit replay ...` (args after "replay").
int audit_replay_command(const std::vector<std::string>& args, const config::Config& cfg,
                         const adapters::Registry& adapters);

}  // namespace siao::app
