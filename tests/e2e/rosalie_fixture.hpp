#pragma once
// What the Rosalie (API v1.1) end-to-end tests share: a gateway on a database of its own with the shipped
// contracts (Rosalie's key is kRosalieKey), clients for Rosalie, the back-office and the v2 sample partner,
// Rosalie bodies written as Rosalie writes them, and the v1.1 schemas to check answers against.
#include <doctest/doctest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "gateway/json/body.hpp"
#include "gateway/json/schema_set.hpp"
#include "tests/support/api_client.hpp"
#include "tests/support/gateway_process.hpp"
#include "tests/support/test_database.hpp"

namespace siao::test::rosalie {

inline constexpr const char* kFamilles = "/api/v1.1/familles";
inline constexpr const char* kDemandes = "/api/v1.1/demandes";
inline constexpr const char* kReservations = "/api/v1.1/reservations";

struct RosalieGateway {
  TestDatabase db;
  GatewayProcess gw;
  RosalieGateway() : gw({.database_url = db.url()}) { REQUIRE(gw.wait_ready(std::chrono::seconds(15))); }
  ApiClient rosalie() const { return ApiClient(gw.http_port(), kRosalieKey); }
  ApiClient backoffice() const { return ApiClient(gw.http_port(), kBackofficeKey); }
  ApiClient sample_partner() const { return ApiClient(gw.http_port(), kSamplePartnerKey); }

  long long count(const std::string& sql) const {
    pqxx::connection c(db.url());
    pqxx::nontransaction t(c);
    return t.exec(sql)[0][0].as<long long>();
  }
  // Every row the database holds of what an exchange may write: a refused exchange leaves these unchanged.
  long long written() const {
    return count(
        "SELECT (SELECT count(*) FROM households) + (SELECT count(*) FROM persons) + (SELECT count(*) FROM requests) "
        "+ (SELECT count(*) FROM resource_versions) + (SELECT count(*) FROM partner_keys) "
        "+ (SELECT count(*) FROM rosalie_reservations)");
  }
};

inline ApiResult put(ApiClient& client, const std::string& target, const std::string& body) {
  return client.send("PUT", target, body, {});
}

// One person of a Rosalie family; empty optional members are left out.
struct Personne {
  std::string id, nom, prenoms, sexe, lien;
  std::string date, nationalite, telephone, nomNaissance;
};

inline std::string json_text(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

inline std::string personne(const Personne& p) {
  std::string out = "{\"idPersonneRosalie\":" + json_text(p.id) + ",\"nom\":" + json_text(p.nom);
  if (!p.nomNaissance.empty()) out += ",\"nomNaissance\":" + json_text(p.nomNaissance);
  out += ",\"prenoms\":" + json_text(p.prenoms) + ",\"sexe\":" + json_text(p.sexe);
  if (!p.date.empty()) out += ",\"dateNaissance\":" + json_text(p.date);
  if (!p.nationalite.empty()) out += ",\"nationalite\":" + json_text(p.nationalite);
  out += ",\"lienParente\":" + json_text(p.lien);
  if (!p.telephone.empty()) out += ",\"telephone\":" + json_text(p.telephone);
  return out + "}";
}

inline std::string famille(const std::string& cle, const std::string& departement, const std::vector<Personne>& personnes) {
  std::string out = "{\"cleFamille\":" + json_text(cle) + ",\"departement\":" + json_text(departement) + ",\"personnes\":[";
  for (std::size_t i = 0; i < personnes.size(); ++i) out += (i ? "," : "") + personne(personnes[i]);
  return out + "]}";
}

inline std::string demande(const std::string& id, const std::string& cle, const std::string& type,
                           const std::string& date, const std::string& departement, const std::string& dispositifs) {
  return "{\"idDemandeRosalie\":" + json_text(id) + ",\"cleFamille\":" + json_text(cle) + ",\"typeDemande\":" +
         json_text(type) + ",\"dateDemande\":" + json_text(date) + ",\"departement\":" + json_text(departement) +
         ",\"typesDispositifs\":" + dispositifs + "}";
}

// The family of the spec: a mother, her husband and two children, partial birth dates, a phone abroad.
inline std::vector<Personne> dupont() {
  return {
      {.id = "P-998877", .nom = "DUPONT", .prenoms = "MARIE CLAIRE", .sexe = "F", .lien = "DEM",
       .date = "14/03/1985", .nationalite = "FR", .telephone = "0612345678", .nomNaissance = "MARTIN"},
      {.id = "P-998878", .nom = "DUPONT", .prenoms = "JEAN-PIERRE", .sexe = "M", .lien = "CJT", .date = "00/06/1983",
       .nationalite = "ML", .telephone = "0044207946000"},
      {.id = "P-998879", .nom = "DUPONT", .prenoms = "Zoé", .sexe = "F", .lien = "ENF", .date = "00/00/2015",
       .nationalite = "XX"},
      {.id = "P-998880", .nom = "DUPONT", .prenoms = "LÉO", .sexe = "I", .lien = "AUM", .date = "29/02/2024",
       .telephone = "0692123456"},
  };
}

inline std::string family_url(const std::string& cle) { return std::string(kFamilles) + "/" + cle; }
inline std::string request_url(const std::string& id) { return std::string(kDemandes) + "/" + id; }

// The schemas the gateway serves, to check v1.1 answers against.
inline const json::SchemaSet& schemas() {
  static const auto set = json::SchemaSet::load(std::filesystem::path(SIAO_SOURCE_DIR) / "schemas");
  return *set;
}

// The violations of `r`'s body against `schema`, one "pointer: message" each ("" when valid).
inline std::string violations(const ApiResult& r, const char* schema) {
  std::string out;
  try {
    for (const auto& v : schemas().validate(schema, json::parse_body(r.body))) out += v.pointer + ": " + v.message + "\n";
  } catch (const std::exception& e) {
    out = e.what();
  }
  return out;
}

// The problem's type ends with its slug: "/problems/<slug>".
inline std::string slug(const ApiResult& r) {
  auto type = r.str("/type");
  return type.substr(type.rfind('/') + 1);
}

// A value as compact JSON text ("" for none).
inline std::string text(const rapidjson::Value* v) {
  if (!v) return {};
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> w(out);
  v->Accept(w);
  return {out.GetString(), out.GetSize()};
}

inline std::vector<std::string> strings(const ApiResult& r, const char* pointer) {
  std::vector<std::string> out;
  if (const auto* a = r.at(pointer); a && a->IsArray())
    for (const auto& v : a->GetArray()) out.emplace_back(v.IsString() ? v.GetString() : "?");
  return out;
}

}  // namespace siao::test::rosalie
