#pragma once
// Requests (demandes) and hotel bookings (réservations): a Rosalie request is a v2 request whose key
// (idDemandeRosalie) is Rosalie's own; its status changes and bookings are v2 transitions.
#include <cstdint>
#include <pqxx/transaction>
#include <string>
#include <string_view>

#include "adapters/rosalie/support.hpp"

namespace siao::adapters::rosalie {

// POST /demandes, GET /demandes/{idDemandeRosalie}, POST /demandes/{idDemandeRosalie}/statut.
http::Response create_request(const Services& s, pqxx::transaction_base& tx, audit::Exchange& ex);
http::Response get_request(const Services& s, pqxx::transaction_base& tx, audit::Exchange& ex);
http::Response change_status(const Services& s, pqxx::transaction_base& tx, audit::Exchange& ex);

// POST /reservations, POST /reservations/{idReservation}/fin.
http::Response book_hotel(const Services& s, pqxx::transaction_base& tx, audit::Exchange& ex);
http::Response end_booking(const Services& s, pqxx::transaction_base& tx, audit::Exchange& ex);

// --- Shared by the request and booking routes ---

// The code list of a request's status, by its kind: statutDemande-URG or statutDemande-INS.
std::string_view status_list(std::string_view kind);

// The request `key` names for the caller, read through v2; nullopt when no request has that key or it
// lies outside the caller's territories (one answer for both).
struct RequestRead {
  std::int64_t id = 0;
  rapidjson::Document request;  // as GET /api/v2/requests/{id} answers it
};
std::optional<RequestRead> find_request(const Services& s, pqxx::transaction_base& tx, audit::Exchange& ex,
                                        const mapping::Mapping& m, std::string_view key);
[[noreturn]] void request_not_found(std::string_view key);

// A v2 request as Rosalie reads it, under the key Rosalie knows it by.
std::string request_in_rosalie(pqxx::transaction_base& tx, const audit::Exchange& ex, const mapping::Mapping& m,
                               std::string_view key, const rapidjson::Value& request);

}  // namespace siao::adapters::rosalie
