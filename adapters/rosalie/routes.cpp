// The routes of API v1.1 (base /api/v1.1): only contracts naming the rosalie adapter may call them, each
// under the scope of the v2 operations it runs.
#include <rapidjson/document.h>

#include "adapters/rosalie/family.hpp"
#include "adapters/rosalie/request.hpp"
#include "adapters/rosalie/routes.hpp"
#include "gateway/api/v2/operation_doc.hpp"

namespace siao::adapters::rosalie {

namespace {

using http::Method;
using Handler = http::Response (*)(const Services&, pqxx::transaction_base&, audit::Exchange&);

struct Route {
  Method method;
  const char* tail;  // after /api/v1.1
  const char* key;   // the path parameter, a Rosalie key; nullptr: none
  Handler handler;
  api::v2::OperationDoc doc;
};

// v2's operation object, with the path parameter a Rosalie key rather than an 8-digit id, and problems in
// Rosalie's terms (schemas/rosalie-probleme.schema.json).
std::string operation_json(const Route& route) {
  rapidjson::Document op;
  op.Parse(api::v2::operation_json(route.doc).c_str());
  auto& alloc = op.GetAllocator();
  for (auto& response : op["responses"].GetObject()) {
    if (!response.value.HasMember("$ref") ||
        std::string_view(response.value["$ref"].GetString()) != "#/components/responses/Problem")
      continue;
    rapidjson::Value schema(rapidjson::kObjectType);
    schema.AddMember("$ref", "#/components/schemas/rosalie-probleme", alloc);
    rapidjson::Value media(rapidjson::kObjectType);
    media.AddMember("schema", schema, alloc);
    rapidjson::Value content(rapidjson::kObjectType);
    content.AddMember("application/problem+json", media, alloc);
    response.value.SetObject();
    response.value.AddMember("description", "A problem (RFC 9457), pointed into the Rosalie body", alloc);
    response.value.AddMember("content", content, alloc);
  }
  if (!route.key) return text_of(op);
  rapidjson::Value schema(rapidjson::kObjectType);
  schema.AddMember("$ref", "#/components/schemas/rosalie-common/definitions/cle", alloc);
  rapidjson::Value parameter(rapidjson::kObjectType);
  parameter.AddMember("name", rapidjson::StringRef(route.key), alloc);
  parameter.AddMember("in", "path", alloc);
  parameter.AddMember("required", true, alloc);
  parameter.AddMember("schema", schema, alloc);
  auto& parameters = op["parameters"];
  parameters.PushBack(parameter, alloc);
  for (auto i = parameters.Size() - 1; i > 0; --i) parameters[i].Swap(parameters[i - 1]);  // first
  return text_of(op);
}

std::vector<Route> routes() {
  const std::vector<int> reads{401, 403, 404, 503};
  const std::vector<int> creates{400, 401, 403, 409, 413, 415, 422, 503};
  const std::vector<int> writes{400, 401, 403, 404, 409, 413, 415, 422, 503};
  using Doc = api::v2::OperationDoc;
  return {
      {Method::post, "/familles", nullptr, create_family,
       Doc{"Rosalie: record a family (201; a known cleFamille is a 409 naming the SIAO household)", "rosalie",
           "households:write", {}, {}, "rosalie-famille", false, true, 201, "rosalie-famille-reponse", creates}},
      {Method::get, "/familles/{cleFamille}", "cleFamille", get_family,
       Doc{"Rosalie: a family in Rosalie's format", "rosalie", "households:read", {}, {}, "", false, false, 200,
           "rosalie-famille-lecture", reads}},
      {Method::put, "/familles/{cleFamille}", "cleFamille", update_family,
       Doc{"Rosalie: the family as Rosalie now sees it (adds and changes, never deletes; identity fields that "
           "differ from SIAO's are a 409)",
           "rosalie", "households:write", {}, {}, "rosalie-famille", false, false, 200, "rosalie-famille-reponse",
           writes}},
      {Method::post, "/demandes", nullptr, create_request,
       Doc{"Rosalie: record a request of a family", "rosalie", "requests:write", {}, {}, "rosalie-demande", false, true,
           201, "rosalie-demande-reponse", creates}},
      {Method::get, "/demandes/{idDemandeRosalie}", "idDemandeRosalie", get_request,
       Doc{"Rosalie: a request in Rosalie's format", "rosalie", "requests:read", {}, {}, "", false, false, 200,
           "rosalie-demande-lecture", reads}},
      {Method::post, "/demandes/{idDemandeRosalie}/statut", "idDemandeRosalie", change_status,
       Doc{"Rosalie: change a request's status (the matching v2 transition; a 409 lists the allowed statuses as "
           "Rosalie codes)",
           "rosalie", "requests:transition", {}, {}, "rosalie-statut", false, true, 200, "rosalie-demande-lecture",
           writes}},
      {Method::post, "/reservations", nullptr, book_hotel,
       Doc{"Rosalie: a hotel booking for an emergency request (the request becomes provided, or its placement is "
           "extended)",
           "rosalie", "requests:transition", {}, {}, "rosalie-reservation", false, true, 201, "rosalie-demande-lecture",
           creates}},
      {Method::post, "/reservations/{idReservation}/fin", "idReservation", end_booking,
       Doc{"Rosalie: the end of a hotel placement (the request is closed)", "rosalie", "requests:transition", {}, {},
           "rosalie-reservation-fin", false, true, 200, "rosalie-demande-lecture", writes}},
  };
}

}  // namespace

void register_routes(http::Router& router, const api::ApiContext& api,
                     const std::shared_ptr<const Services>& services) {
  for (const auto& route : routes()) {
    auto work = [services, handler = route.handler](pqxx::transaction_base& tx, audit::Exchange& ex) {
      return handler(*services, tx, ex);
    };
    api::add_adapter_route(router, api, "rosalie", route.method, std::string(kBase) + route.tail, route.doc.scope,
                           std::move(work), operation_json(route));
  }
}

}  // namespace siao::adapters::rosalie
