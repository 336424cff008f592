#pragma once
// The routes the gateway registers (gateway/ops, gateway/api/v2, gateway/api/audit, gateway/api/admin,
// gateway/delivery, adapters/rosalie, adapters/declarative), by method: the route table of the `target` fuzz
// target. tests/e2e/ops_test.cpp checks it against the routes a running gateway describes in /openapi.json, so a
// route added to the gateway and not here fails the suite.

namespace siao::fuzz {

struct RoutePattern {
  const char* method;  // as on the request line
  const char* pattern;
};

inline constexpr RoutePattern kGatewayRoutes[] = {
    {"GET", "/health"},
    {"GET", "/ready"},
    {"GET", "/metrics"},
    {"GET", "/openapi.json"},
    {"POST", "/api/v2/households"},
    {"GET", "/api/v2/households"},
    {"GET", "/api/v2/households/{id}"},
    {"PATCH", "/api/v2/households/{id}"},
    {"POST", "/api/v2/households/{id}/members"},
    {"GET", "/api/v2/households/{id}/history"},
    {"GET", "/api/v2/households/{id}/requests"},
    {"POST", "/api/v2/households/{id}/merge"},
    {"GET", "/api/v2/persons/{id}"},
    {"PATCH", "/api/v2/persons/{id}"},
    {"GET", "/api/v2/persons/{id}/history"},
    {"POST", "/api/v2/persons/match"},
    {"GET", "/api/v2/persons/{id}/duplicates"},
    {"POST", "/api/v2/persons/{id}/merge"},
    {"GET", "/api/v2/persons/{id}/disclosures"},
    {"POST", "/api/v2/requests"},
    {"GET", "/api/v2/requests/{id}"},
    {"POST", "/api/v2/requests/{id}/transitions"},
    {"GET", "/api/v2/events"},
    {"GET", "/api/v2/audit/exchanges"},
    {"GET", "/api/v2/audit/exchanges/{id}"},
    {"POST", "/api/v2/audit/verify"},
    {"POST", "/api/v2/audit/replay"},
    {"POST", "/api/v2/admin/contracts/reload"},
    {"GET", "/api/v2/admin/deliveries"},
    {"POST", "/api/v2/admin/deliveries/redrive"},
    {"POST", "/api/v2/admin/deliveries/{id}/redrive"},
    {"POST", "/api/v1.1/familles"},
    {"GET", "/api/v1.1/familles/{cleFamille}"},
    {"PUT", "/api/v1.1/familles/{cleFamille}"},
    {"POST", "/api/v1.1/demandes"},
    {"GET", "/api/v1.1/demandes/{idDemandeRosalie}"},
    {"POST", "/api/v1.1/demandes/{idDemandeRosalie}/statut"},
    {"POST", "/api/v1.1/reservations"},
    {"POST", "/api/v1.1/reservations/{idReservation}/fin"},
};

// A declarative partner's routes: any path of one to four segments under /api/partner, with these methods.
inline constexpr const char* kPartnerMethods[] = {"GET", "POST", "PUT", "PATCH"};
inline constexpr const char* kPartnerPatterns[] = {"/api/partner/{a}", "/api/partner/{a}/{b}",
                                                   "/api/partner/{a}/{b}/{c}", "/api/partner/{a}/{b}/{c}/{d}"};

}  // namespace siao::fuzz
