#pragma once
// Each write of a resource: store its new state and its snapshot in history,
// and tell the exchange what it touched.
#include <string_view>

#include "gateway/audit/exchange.hpp"
#include "gateway/resources/household.hpp"
#include "gateway/resources/housing_request.hpp"
#include "gateway/storage/resource_store.hpp"

namespace siao::api::v2 {

domain::CivilDate today_of(const audit::Exchange& ex);  // the Paris date of the exchange

// Bumps meta (version+1 unless new, time, client) then records the snapshot.
void stamp(resources::Metadata& meta, const audit::Exchange& ex, bool created);

std::string record(audit::Exchange& ex, const resources::Household& h, std::string_view change);
std::string record(audit::Exchange& ex, const resources::Person& p, std::string_view change);
std::string record(audit::Exchange& ex, const resources::HousingRequest& r, std::string_view change);

// Both return the snapshot they recorded: the resource's JSON, ready to answer with.
// Saves a changed resource (optimistic on its version) and records it.
std::string save(pqxx::transaction_base& tx, audit::Exchange& ex, resources::Household& h, std::string_view change);
std::string save(pqxx::transaction_base& tx, audit::Exchange& ex, resources::Person& p, std::string_view change);
std::string save(pqxx::transaction_base& tx, audit::Exchange& ex, resources::HousingRequest& r, std::string_view change);

// {"items":[{"version","at","by","change","snapshot"}],"next":null}, oldest first.
http::Response history_response(const std::vector<storage::VersionRecord>& versions);

}  // namespace siao::api::v2
