// Outbound delivery to Rosalie: a change to a household or one of its persons is sent as the family, a change to
// a request as the demande, each exactly as GET /api/v1.1/familles/{cleFamille} and /demandes/{idDemandeRosalie}
// answer it, under Rosalie's own key. What Rosalie holds no key for, it cannot address: not sent.
#include "adapters/rosalie/outbound.hpp"

#include "adapters/rosalie/family.hpp"
#include "adapters/rosalie/request.hpp"
#include "adapters/rosalie/rosalie_store.hpp"

namespace siao::adapters::rosalie {

namespace {

constexpr std::string_view kFamilyRoute = "/api/v1.1/familles/{cleFamille}";
constexpr std::string_view kRequestRoute = "/api/v1.1/demandes/{idDemandeRosalie}";

// The first of Rosalie's keys for the record (keys are in key order).
std::optional<std::string> first_key(pqxx::transaction_base& tx, std::string_view partner, std::string_view kind,
                                     std::int64_t id) {
  auto keys = keys_of(tx, partner, kind, {id});
  if (keys.empty()) return std::nullopt;
  return std::move(keys.front().second);
}

}  // namespace

OutboundRendering render_outbound(const Services& s, pqxx::transaction_base& tx, audit::Exchange& ex,
                                  const OutboundEvent& e) {
  const auto partner = partner_of(ex);
  const bool about_request = e.resource == "request";
  auto key = about_request ? first_key(tx, partner, "request", e.id)
                           : first_key(tx, partner, "household", e.household_id);
  if (!key) return {false, {}, {}};
  // The read runs as it would on Rosalie's own GET: the same handler, in an exchange of its own (not recorded:
  // the delivery attempt's exchange records what was sent, sealed under the persons this read touched).
  http::Request read;
  read.method = http::Method::get;
  read.target = std::string(about_request ? "/api/v1.1/demandes/" : "/api/v1.1/familles/") + *key;
  read.route = about_request ? kRequestRoute : kFamilyRoute;
  read.path_params.emplace_back(about_request ? "idDemandeRosalie" : "cleFamille", *key);
  read.request_id = ex.received().request_id;
  read.trace_id = ex.received().trace_id;
  read.client_id = ex.received().client_id;
  audit::Exchange as_read(read, ex.caller(), {});
  try {
    auto answer = about_request ? get_request(s, tx, as_read) : get_family(s, tx, as_read);
    for (const auto& r : as_read.resources()) ex.touched(r.kind, r.id, r.version, false);
    return {true, about_request ? "demande" : "famille", std::move(answer.body)};
  } catch (const http::HttpError&) {
    return {};  // no longer readable (out of its territories): the event alone
  }
}

}  // namespace siao::adapters::rosalie
