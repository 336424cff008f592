// POST /api/v1.1/demandes, GET /demandes/{idDemandeRosalie} and POST /demandes/{idDemandeRosalie}/statut:
// v2's POST /requests, GET /requests/{id} and POST /requests/{id}/transitions, under v2's rules.
#include "adapters/rosalie/errors.hpp"
#include "adapters/rosalie/request.hpp"
#include "gateway/resources/json_out.hpp"
#include "gateway/storage/partner_keys.hpp"

namespace siao::adapters::rosalie {

namespace {

using resources::JsonWriter;

std::string request_url(std::string_view key) { return std::string(kBase) + "/demandes/" + std::string(key); }

// Where a status change's values went in the v2 transition, and back.
constexpr PointerPair kStatusPointers[] = {
    {"/to", "/statutDemande"},
    {"/reason", "/motif"},
    {"/placement/exitReason", "/motif"},
    {"/placement/structure", "/structure"},
    {"/placement/startDate", "/date"},
    {"/placement/endDate", "/date"},
    {"/placement", "/structure"},
    {"/orientation", "/dispositif"},
    {"/proposal", "/structure"},
};

}  // namespace

http::Response create_request(const Services& s, pqxx::transaction_base& tx, audit::Exchange& ex) {
  const auto& m = mapping_of(ex);
  const auto body = rosalie_body(ex, s.schemas, "rosalie-demande", {"idDemandeRosalie", "cleFamille"});
  const auto canonical = translate_in(m, "demande", body);
  const auto partner = partner_of(ex);
  const auto household = storage::resolve_partner_key(tx, partner, "household", view(body["cleFamille"]));
  // Worded as the v2 refusal of a household outside the territories, so that the two cannot be told apart.
  if (!household) unprocessable({{"/cleFamille", "no such household"}});

  // request-create takes no submittedAt: Rosalie's dateDemande comes with the command instead.
  std::string submitted_at;
  auto v2_body = resources::json_text([&](JsonWriter& w) {
    w.StartObject();
    resources::put_id(w, "householdId", *household);
    for (const auto& member : canonical.GetObject()) {
      const std::string_view name(member.name.GetString(), member.name.GetStringLength());
      if (name == "submittedAt") {
        submitted_at = std::string(view(member.value));
        continue;
      }
      w.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
      member.value.Accept(w);
    }
    w.EndObject();
  });
  static constexpr PointerPair kHousehold[] = {{"/householdId", "/cleFamille"}};
  const auto answer = execute(s, tx, ex,
                              {http::Method::post, "/api/v2/requests", std::move(v2_body),
                               {{"x-submitted-at", std::move(submitted_at)}}},
                              m, Origin{.document = "demande", .fixed = kHousehold});
  const auto request = parse_canonical(answer.body);
  const auto id = id_at(request, "id");
  const auto key = view(body["idDemandeRosalie"]);
  // Written with the exchange's versions, in one statement.
  ex.add_partner_keys(std::string(partner), {{"request", std::string(key), id}},
                      [](const std::string& taken, std::int64_t siao_id) {
                        const auto siao = std::to_string(siao_id);
                        refuse(409, "request-exists",
                               "The idDemandeRosalie " + taken + " already names SIAO request " + siao + ".",
                               {{"/idDemandeRosalie", "already names SIAO request " + siao}});
                      });
  const auto status = m.code(status_list(string_at(request, "kind")), mapping::Direction::outbound,
                             string_at(request, "status"));
  if (!status) throw std::logic_error("a new request's status has no Rosalie code");
  auto r = json_answer(201, resources::json_text([&](JsonWriter& w) {
                         w.StartObject();
                         resources::put(w, "idDemandeRosalie", key);
                         resources::put_id(w, "idDemandeSiao", id);
                         resources::put(w, "statutDemande", *status);
                         w.EndObject();
                       }));
  r.set("Location", request_url(key));
  return r;
}

http::Response get_request(const Services& s, pqxx::transaction_base& tx, audit::Exchange& ex) {
  const auto& m = mapping_of(ex);
  const std::string_view key = ex.request().path_param("idDemandeRosalie");
  const auto found = find_request(s, tx, ex, m, key);
  if (!found) request_not_found(key);
  return json_answer(200, request_in_rosalie(tx, ex, m, key, found->request));
}

http::Response change_status(const Services& s, pqxx::transaction_base& tx, audit::Exchange& ex) {
  const auto& m = mapping_of(ex);
  const std::string_view key = ex.request().path_param("idDemandeRosalie");
  const auto body = rosalie_body(ex, s.schemas, "rosalie-statut");
  const auto found = find_request(s, tx, ex, m, key);
  if (!found) request_not_found(key);
  const auto& current = found->request;
  const auto list = status_list(string_at(current, "kind"));
  const auto statut = view(body["statutDemande"]);
  const auto to = m.code(list, mapping::Direction::inbound, statut);
  if (!to)
    unprocessable({{"/statutDemande",
                    "\"" + std::string(statut) + "\" has no SIAO code in code list \"" + std::string(list) + "\""}});
  const auto values = translate_in(m, "statut", body);
  const auto date = string_at(values, "date");
  require_full_date(date, "/date");
  const auto motif = string_at(values, "motif");
  const auto structure = string_at(values, "structure");
  const auto service = string_at(values, "service");

  // motif is the reason, or the exit reason of a placement the change ends; date the placement's start or end.
  const auto from = string_at(current, "status");
  const bool starts_placement = *to == "provided" || *to == "admitted";
  const bool ends_placement = *to == "closed" && (from == "provided" || from == "admitted");
  auto transition = resources::json_text([&](JsonWriter& w) {
    w.StartObject();
    resources::put(w, "to", *to);
    if (!motif.empty() && !ends_placement) resources::put(w, "reason", motif);
    if (starts_placement || ends_placement) {
      resources::put(w, "placement");
      w.StartObject();
      if (starts_placement && !structure.empty()) resources::put(w, "structure", structure);
      resources::put(w, starts_placement ? "startDate" : "endDate", date);
      if (ends_placement && !motif.empty()) resources::put(w, "exitReason", motif);
      w.EndObject();
    }
    if (!service.empty()) {
      resources::put(w, "orientation");
      w.StartObject();
      resources::put(w, "service", service);
      w.EndObject();
    }
    if (*to == "proposed" && !structure.empty()) {
      resources::put(w, "proposal");
      w.StartObject();
      resources::put(w, "structure", structure);
      w.EndObject();
    }
    w.EndObject();
  });
  const auto answer = execute(
      s, tx, ex,
      {http::Method::post, "/api/v2/requests/" + std::to_string(found->id) + "/transitions", std::move(transition), {}},
      m, Origin{.fixed = kStatusPointers, .statuses = list});
  return json_answer(200, request_in_rosalie(tx, ex, m, key, parse_canonical(answer.body)));
}

}  // namespace siao::adapters::rosalie
