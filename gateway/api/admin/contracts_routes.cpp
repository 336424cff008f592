#include "gateway/api/admin/contracts_routes.hpp"

#include <pqxx/pqxx>

#include "gateway/api/v2/operation_doc.hpp"
#include "gateway/contracts/contract_loader.hpp"
#include "gateway/resources/json_out.hpp"

namespace siao::api::admin {

namespace {

http::Response reload_contracts(pqxx::transaction_base& tx, const Reload& reload, const contracts::Archive& archive) {
  std::shared_ptr<const contracts::ContractSet> set;
  try {
    set = reload();
  } catch (const contracts::ContractError& e) {
    auto p = http::make_problem(409, "contracts-refused",
                                "The contracts on disk were refused; the previous set stays in force.");
    for (const auto& line : e.problems()) p.errors.push_back({"", line});
    throw http::HttpError(std::move(p));
  }
  // In this exchange's transaction: the log never names a version the database lacks.
  archive.store_pending(tx);
  http::Response r;
  r.body = resources::json_text([&](resources::JsonWriter& w) {
    w.StartObject();
    resources::put(w, "contracts");
    w.StartArray();
    for (const auto& c : set->all()) {
      w.StartObject();
      resources::put(w, "id", c.client.id);
      resources::put(w, "version", c.client.contract_version);
      resources::put(w, "sha256", c.client.contract_sha256);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  });
  return r;
}

}  // namespace

void register_contract_routes(http::Router& router, const ApiContext& ctx, Reload reload, contracts::Archive& archive) {
  v2::OperationDoc doc;
  doc.summary = "Reload every contract from disk, atomically; a refused set leaves the current one in force";
  doc.tag = "Administration";
  doc.scope = "admin:contracts";
  doc.response_schema = "contract-reload-result";
  doc.problems = {401, 403, 409};
  add_exchange_route(
      router, ctx, http::Method::post, "/api/v2/admin/contracts/reload", doc.scope,
      [reload = std::move(reload), &archive](pqxx::transaction_base& tx, audit::Exchange&) {
        return reload_contracts(tx, reload, archive);
      },
      v2::operation_json(doc));
}

}  // namespace siao::api::admin
