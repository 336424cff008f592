#pragma once
// The back-office's control of contracts: POST /api/v2/admin/contracts/reload.
#include <functional>
#include <memory>

#include "gateway/api/exchange_route.hpp"
#include "gateway/contracts/archive.hpp"
#include "gateway/contracts/contract_set.hpp"

namespace siao::api::admin {

using Reload = std::function<std::shared_ptr<const contracts::ContractSet>()>;  // throws ContractError

void register_contract_routes(http::Router& router, const ApiContext& ctx, Reload reload, contracts::Archive& archive);

}  // namespace siao::api::admin
