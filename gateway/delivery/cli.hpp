#pragma once
// `siao-gateway delivery list [--state S] [--subscriber C]` and `delivery redrive ID | --subscriber C`.
#include <string>
#include <vector>

#include "gateway/config/config.hpp"

namespace siao::delivery {

int delivery_command(const std::vector<std::string>& args, const config::Config& cfg);

}  // namespace siao::delivery
