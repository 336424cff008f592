// Rosalie's hotel bookings over real HTTP: a booking provides an emergency request with the hotel's
// placement, a contiguous booking in the same hotel extends it, the end of any booking closes the request;
// every other booking is refused.
#include "tests/e2e/rosalie_fixture.hpp"

using namespace siao::test;
using namespace siao::test::rosalie;

namespace {

std::string booking(const std::string& id, const std::string& request, const std::string& hotel,
                    const std::string& from, const std::string& to) {
  return "{\"idReservation\":" + json_text(id) + ",\"idDemandeRosalie\":" + json_text(request) + ",\"hotel\":" +
         json_text(hotel) + ",\"dateDebut\":" + json_text(from) + ",\"dateFin\":" + json_text(to) + "}";
}

struct Setup {
  RosalieGateway g;
  ApiClient rosalie = g.rosalie();
  ApiClient backoffice = g.backoffice();
  Setup() {
    REQUIRE(rosalie.post(kFamilles, famille("F-1", "75", dupont())).status == 201);
    REQUIRE(rosalie.post(kDemandes, demande("D-1", "F-1", "URG", "30/11/2026 22:10", "75", R"(["HOT"])")).status == 201);
  }
  ApiResult book(const std::string& id, const std::string& request, const std::string& hotel, const std::string& from,
                 const std::string& to) {
    return rosalie.post(kReservations, booking(id, request, hotel, from, to));
  }
  ApiResult end(const std::string& id, const std::string& body) {
    return rosalie.post(std::string(kReservations) + "/" + id + "/fin", body);
  }
  ApiResult v2(const std::string& key) {
    return backoffice.get("/api/v2/requests/" + rosalie.get(request_url(key)).str("/idDemandeSiao"));
  }
};

}  // namespace

TEST_CASE("rosalie: a booking provides the request - a contiguous one extends it - the end of any booking closes it") {
  Setup s;
  auto first = s.book("R-1", "D-1", "IBIS PARIS 13", "01/12/2026", "03/12/2026");
  REQUIRE_MESSAGE(first.status == 201, first.body);
  CHECK(violations(first, "rosalie-demande-lecture") == "");
  CHECK(first.str("/idDemandeRosalie") == "D-1");
  CHECK(first.str("/statutDemande") == "PEC");
  auto v2 = s.v2("D-1");
  CHECK(v2.str("/status") == "provided");
  CHECK(v2.str("/placement/structure") == "HOTEL:IBIS PARIS 13");
  CHECK(v2.str("/placement/startDate") == "2026-12-01");
  CHECK(v2.str("/placement/endDate") == "2026-12-03");
  const int version = v2.integer("/version");

  auto second = s.book("R-2", "D-1", "IBIS PARIS 13", "03/12/2026", "05/12/2026");
  REQUIRE_MESSAGE(second.status == 201, second.body);
  CHECK(second.str("/statutDemande") == "PEC");
  v2 = s.v2("D-1");
  CHECK(v2.str("/status") == "provided");
  CHECK(v2.str("/placement/startDate") == "2026-12-01");
  CHECK(v2.str("/placement/endDate") == "2026-12-05");
  CHECK(v2.integer("/version") == version + 1);
  CHECK(v2.str("/updatedBy") == "rosalie");
  CHECK(s.g.count("SELECT count(*) FROM rosalie_reservations WHERE extends") == 1);

  const auto written = s.g.written();
  CHECK(slug(s.book("R-3", "D-1", "B&B ÉVRY", "05/12/2026", "07/12/2026")) == "placement-exists");  // another hotel
  CHECK(slug(s.book("R-3", "D-1", "IBIS PARIS 13", "06/12/2026", "07/12/2026")) == "placement-exists");  // a gap
  auto twice = s.book("R-2", "D-1", "IBIS PARIS 13", "05/12/2026", "07/12/2026");
  CHECK(twice.status == 409);
  CHECK(slug(twice) == "booking-exists");
  CHECK(twice.error_pointers() == std::vector<std::string>{"/idReservation"});
  CHECK(s.g.written() == written);

  // The end, through the first booking: any booking of the placement.
  CHECK(s.end("R-1", R"({"dateFin":"04/12/2026"})").error_pointers() == std::vector<std::string>{"/motif"});
  CHECK(s.end("R-1", R"({"dateFin":"30/11/2026","motif":"x"})").error_pointers() ==
        std::vector<std::string>{"/dateFin"});  // before the placement starts
  auto ended = s.end("R-1", R"({"dateFin":"04/12/2026","motif":"hébergée chez un tiers"})");
  REQUIRE_MESSAGE(ended.status == 200, ended.body);
  CHECK(violations(ended, "rosalie-demande-lecture") == "");
  CHECK(ended.str("/statutDemande") == "CLO");
  CHECK(ended.str("/idDemandeRosalie") == "D-1");
  v2 = s.v2("D-1");
  CHECK(v2.str("/status") == "closed");
  CHECK(v2.str("/placement/endDate") == "2026-12-04");
  CHECK(v2.str("/placement/exitReason") == "hébergée chez un tiers");
  auto again = s.end("R-2", R"({"dateFin":"05/12/2026","motif":"x"})");
  CHECK(again.status == 409);
  CHECK(again.at("/allowed")->Size() == 0);
  CHECK(s.end("R-404", R"({"dateFin":"05/12/2026","motif":"x"})").status == 404);
  CHECK(slug(s.book("R-4", "D-1", "IBIS PARIS 13", "04/12/2026", "06/12/2026")) == "placement-exists");
}

TEST_CASE("rosalie: bookings refused - insertion request - unknown request - impossible dates - request not awaiting") {
  Setup s;
  REQUIRE(s.rosalie.post(kDemandes, demande("D-2", "F-1", "INS", "30/11/2026 22:10", "75", R"(["CHRS"])")).status == 201);
  REQUIRE(s.rosalie.post(kDemandes, demande("D-3", "F-1", "URG", "30/11/2026 22:10", "75", R"(["HOT"])")).status == 201);
  REQUIRE(s.rosalie.post(request_url("D-3") + "/statut", R"({"statutDemande":"NPV","date":"30/11/2026","motif":"x"})")
              .status == 200);
  const auto written = s.g.written();

  auto insertion = s.book("R-1", "D-2", "IBIS", "01/12/2026", "02/12/2026");
  CHECK(insertion.status == 409);
  CHECK(slug(insertion) == "insertion-request");
  auto unknown = s.book("R-1", "D-404", "IBIS", "01/12/2026", "02/12/2026");
  CHECK(unknown.status == 422);
  CHECK(unknown.error_pointers() == std::vector<std::string>{"/idDemandeRosalie"});
  CHECK(s.book("R-1", "D-1", "IBIS", "31/11/2026", "02/12/2026").error_pointers() ==
        std::vector<std::string>{"/dateDebut"});
  CHECK(s.book("R-1", "D-1", "IBIS", "00/12/2026", "02/12/2026").error_pointers() ==
        std::vector<std::string>{"/dateDebut"});
  CHECK(s.book("R-1", "D-1", "IBIS", "03/12/2026", "02/12/2026").error_pointers() ==
        std::vector<std::string>{"/dateFin"});
  auto not_awaiting = s.book("R-1", "D-3", "IBIS", "01/12/2026", "02/12/2026");
  CHECK(not_awaiting.status == 409);
  CHECK(slug(not_awaiting) == "transition-not-allowed");
  CHECK(strings(not_awaiting, "/allowed") == std::vector<std::string>{"CLO"});
  CHECK(s.g.written() == written);
  // A request outside the contract's territories is as unknown (v2 has no way to move a request: the
  // database is changed directly).
  const auto id = s.rosalie.get(request_url("D-1")).str("/idDemandeSiao");
  s.g.count("WITH moved AS (UPDATE requests SET territory = '13' WHERE id = " + id + " RETURNING 1) "
            "SELECT count(*) FROM moved");
  CHECK(s.rosalie.get(request_url("D-1")).status == 404);
  auto outside = s.book("R-1", "D-1", "IBIS", "01/12/2026", "02/12/2026");
  CHECK(outside.status == 422);
  CHECK(outside.error_pointers() == std::vector<std::string>{"/idDemandeRosalie"});
  CHECK(s.rosalie.post(request_url("D-1") + "/statut", R"({"statutDemande":"ANN","date":"30/11/2026","motif":"x"})")
            .status == 404);
}
