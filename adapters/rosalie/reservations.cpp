// POST /api/v1.1/reservations and POST /reservations/{idReservation}/fin: Rosalie's hotel bookings for
// emergency requests. A first booking is the transition to provided with the hotel's placement; a booking
// in the same hotel from the placement's end date extends it; the end of any booking of the placement
// closes the request. Bookings are kept by their idReservation (rosalie_store).
#include "adapters/rosalie/errors.hpp"
#include "adapters/rosalie/request.hpp"
#include "adapters/rosalie/rosalie_store.hpp"
#include "gateway/api/v2/versions.hpp"
#include "gateway/resources/json_out.hpp"
#include "gateway/storage/partner_keys.hpp"
#include "gateway/storage/resource_store.hpp"

namespace siao::adapters::rosalie {

namespace {

using resources::JsonWriter;

constexpr std::string_view kHotelPrefix = "HOTEL:";

[[noreturn]] void booking_not_found(std::string_view id) {
  refuse(404, "not-found", "No booking has the idReservation " + std::string(id) + ".");
}

// A request's placement, as v2 holds it (JSON object text, or none).
rapidjson::Document placement_of(const std::optional<std::string>& text) {
  rapidjson::Document d;
  if (text) d.Parse(text->c_str(), text->size());
  if (!text || !d.IsObject()) d.SetNull();
  return d;
}

// Extends the placement of a provided request to `end`: no v2 transition does that (the status stays), so
// the request is written as v2 writes it, a new version with its snapshot in history.
std::string extend_placement(pqxx::transaction_base& tx, audit::Exchange& ex, std::int64_t id,
                             std::string_view structure, std::string_view start, std::string_view end) {
  auto r = storage::load_request(tx, id, storage::Lock::for_update);
  auto placement = placement_of(r ? r->placement : std::nullopt);
  if (!r || r->status != "provided" || string_at(placement, "structure") != structure ||
      string_at(placement, "endDate") != start)
    refuse(409, "conflict", "The request changed meanwhile: read it again.");
  placement["endDate"].SetString(end.data(), static_cast<rapidjson::SizeType>(end.size()), placement.GetAllocator());
  r->placement = text_of(placement);
  return api::v2::save(tx, ex, *r, "placement_extended");
}

}  // namespace

http::Response book_hotel(const Services& s, pqxx::transaction_base& tx, audit::Exchange& ex) {
  const auto& m = mapping_of(ex);
  const auto body = rosalie_body(ex, s.schemas, "rosalie-reservation", {"idReservation", "idDemandeRosalie"});
  const auto values = translate_in(m, "reservation-hotel", body);
  const auto start = string_at(values["placement"], "startDate");
  const auto end = string_at(values["placement"], "endDate");
  require_full_date(start, "/dateDebut");
  require_full_date(end, "/dateFin");
  if (end < start) unprocessable({{"/dateFin", "must not be before dateDebut"}});

  const auto partner = partner_of(ex);
  const auto booking = view(body["idReservation"]);
  if (auto request = reservation_request(tx, partner, booking))
    refuse(409, "booking-exists",
           "The booking " + std::string(booking) + " is already recorded, for SIAO request " + std::to_string(*request) + ".",
           {{"/idReservation", "is already recorded"}});
  const auto key = view(body["idDemandeRosalie"]);
  const auto found = find_request(s, tx, ex, m, key);
  if (!found) unprocessable({{"/idDemandeRosalie", "no request has this idDemandeRosalie"}});
  const auto& current = found->request;
  if (string_at(current, "kind") != "emergency")
    refuse(409, "insertion-request", "A hotel booking is for an emergency (URG) request; " + std::string(key) +
                                         " is an insertion (INS) request.",
           {{"/idDemandeRosalie", "is an insertion (INS) request"}});

  const std::string hotel(view(body["hotel"]));
  const std::string structure = std::string(kHotelPrefix) + hotel;
  const auto& placement = member_at(current, "placement");
  std::string answer;
  bool extends = false;
  if (!placement.IsObject()) {
    auto transition = resources::json_text([&](JsonWriter& w) {
      w.StartObject();
      resources::put(w, "to", "provided");
      resources::put(w, "placement");
      w.StartObject();
      resources::put(w, "structure", structure);
      resources::put(w, "startDate", start);
      resources::put(w, "endDate", end);
      w.EndObject();
      w.EndObject();
    });
    static constexpr PointerPair kHotel[] = {{"/placement/structure", "/hotel"}};
    answer = execute(s, tx, ex,
                     {http::Method::post, "/api/v2/requests/" + std::to_string(found->id) + "/transitions",
                      std::move(transition), {}},
                     m, Origin{.document = "reservation-hotel", .fixed = kHotel, .statuses = "statutDemande-URG"})
                 .body;
  } else if (string_at(current, "status") == "provided" && string_at(placement, "structure") == structure &&
             string_at(placement, "endDate") == start) {
    answer = extend_placement(tx, ex, found->id, structure, start, end);
    extends = true;
  } else {
    refuse(409, "placement-exists",
           "The request already has a placement (" + std::string(string_at(placement, "structure")) +
               "): a booking extends it only in the same hotel, from the day it ends.",
           {{"/idDemandeRosalie", "already has a placement"}});
  }
  add_reservation(tx, partner, {std::string(booking), found->id, hotel, std::string(start), std::string(end), extends},
                  ex.now(), partner);
  return json_answer(201, request_in_rosalie(tx, ex, m, key, parse_canonical(answer)));
}

http::Response end_booking(const Services& s, pqxx::transaction_base& tx, audit::Exchange& ex) {
  const auto& m = mapping_of(ex);
  const std::string_view booking = ex.request().path_param("idReservation");
  const auto body = rosalie_body(ex, s.schemas, "rosalie-reservation-fin");
  const auto values = translate_in(m, "reservation-fin", body);
  const auto end = string_at(values["placement"], "endDate");
  require_full_date(end, "/dateFin");
  const auto partner = partner_of(ex);
  const auto request = reservation_request(tx, partner, booking);
  if (!request) booking_not_found(booking);

  auto transition = resources::json_text([&](JsonWriter& w) {
    w.StartObject();
    resources::put(w, "to", "closed");
    resources::put(w, "placement");
    values["placement"].Accept(w);
    w.EndObject();
  });
  const auto answer = execute_if_found(
      s, tx, ex,
      {http::Method::post, "/api/v2/requests/" + std::to_string(*request) + "/transitions", std::move(transition), {}},
      m, Origin{.document = "reservation-fin", .statuses = "statutDemande-URG"});
  if (!answer) booking_not_found(booking);
  const auto closed = parse_canonical(answer->body);
  if (const auto start = string_at(member_at(closed, "placement"), "startDate"); !start.empty() && end < start)
    unprocessable({{"/dateFin", "must not be before the placement's start"}});
  const auto keys = keys_of(tx, partner, "request", {*request});
  if (keys.empty()) throw std::logic_error("a booked request has no Rosalie key");
  return json_answer(200, request_in_rosalie(tx, ex, m, keys.front().second, closed));
}

}  // namespace siao::adapters::rosalie
