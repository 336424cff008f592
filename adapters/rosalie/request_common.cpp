#include "adapters/rosalie/errors.hpp"
#include "adapters/rosalie/request.hpp"
#include "adapters/rosalie/rosalie_store.hpp"
#include "gateway/resources/json_out.hpp"
#include "gateway/storage/partner_keys.hpp"

namespace siao::adapters::rosalie {

std::string_view status_list(std::string_view kind) {
  return kind == "insertion" ? "statutDemande-INS" : "statutDemande-URG";
}

void request_not_found(std::string_view key) {
  refuse(404, "not-found", "No request has the idDemandeRosalie " + std::string(key) + ".");
}

std::optional<RequestRead> find_request(const Services& s, pqxx::transaction_base& tx, audit::Exchange& ex,
                                        const mapping::Mapping& m, std::string_view key) {
  auto id = storage::resolve_partner_key(tx, partner_of(ex), "request", key);
  if (!id) return std::nullopt;
  auto answer = execute_if_found(s, tx, ex, {http::Method::get, "/api/v2/requests/" + std::to_string(*id), {}, {}}, m, {});
  if (!answer) return std::nullopt;
  return RequestRead{*id, parse_canonical(answer->body)};
}

std::string request_in_rosalie(pqxx::transaction_base& tx, const audit::Exchange& ex, const mapping::Mapping& m,
                               std::string_view key, const rapidjson::Value& request) {
  const auto out = translate_out(m, "demande", request);
  // The family's key: the first of the household's keys, when it has one.
  std::vector<std::pair<std::int64_t, std::string>> families;
  if (!string_at(request, "householdId").empty())
    families = keys_of(tx, partner_of(ex), "household", {id_at(request, "householdId")});
  return resources::json_text([&](resources::JsonWriter& w) {
    w.StartObject();
    resources::put(w, "idDemandeRosalie", key);
    for (const auto& member : out.GetObject()) {
      w.Key(member.name.GetString(), member.name.GetStringLength());
      member.value.Accept(w);
      if (std::string_view(member.name.GetString(), member.name.GetStringLength()) == "idDemandeSiao" &&
          !families.empty())
        resources::put(w, "cleFamille", families.front().second);
    }
    w.EndObject();
  });
}

}  // namespace siao::adapters::rosalie
