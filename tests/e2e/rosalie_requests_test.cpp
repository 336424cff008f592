// Rosalie's requests over real HTTP: created with Rosalie's dateDemande as their submittedAt, read back in
// Rosalie's format, and moved along their lifecycle by Rosalie's status codes under v2's rules.
#include "tests/e2e/rosalie_fixture.hpp"

using namespace siao::test;
using namespace siao::test::rosalie;

namespace {

struct Setup {
  RosalieGateway g;
  ApiClient rosalie = g.rosalie();
  ApiClient backoffice = g.backoffice();
  Setup() {
    REQUIRE(rosalie.post(kFamilles, famille("F-1", "75", dupont())).status == 201);
    REQUIRE(rosalie.post(kFamilles, famille("F-2", "93", {{.id = "P-2", .nom = "DIALLO", .prenoms = "MAMADOU",
                                                           .sexe = "M", .lien = "DEM", .date = "00/00/1979"}}))
                .status == 201);
  }
  ApiResult create(const std::string& id, const std::string& cle, const std::string& type,
                   const std::string& dispositifs = R"(["HOT","CHU"])", const std::string& date = "15/01/2026 21:40") {
    return rosalie.post(kDemandes, demande(id, cle, type, date, cle == "F-2" ? "93" : "75", dispositifs));
  }
  ApiResult status(const std::string& id, const std::string& body) {
    return rosalie.post(request_url(id) + "/statut", body);
  }
  ApiResult v2(const std::string& id) {
    return backoffice.get("/api/v2/requests/" + rosalie.get(request_url(id)).str("/idDemandeSiao"));
  }
};

}  // namespace

TEST_CASE("rosalie: a request created through v1.1 reads back through v1.1 and v2 with dateDemande as submittedAt") {
  Setup s;
  auto created = s.create("D-1", "F-1", "URG", R"(["HOT","CHU","HDN"])");
  REQUIRE_MESSAGE(created.status == 201, created.body);
  CHECK(violations(created, "rosalie-demande-reponse") == "");
  CHECK(created.header("location") == "/api/v1.1/demandes/D-1");
  const auto id = created.str("/idDemandeSiao");
  CHECK(id[0] == '7');
  CHECK(created.body == R"({"idDemandeRosalie":"D-1","idDemandeSiao":")" + id + R"(","statutDemande":"ATT"})");

  auto read = s.rosalie.get(request_url("D-1"));
  REQUIRE_MESSAGE(read.status == 200, read.body);
  CHECK(violations(read, "rosalie-demande-lecture") == "");
  CHECK(read.body == R"({"idDemandeRosalie":"D-1","idDemandeSiao":")" + id +
                         R"(","cleFamille":"F-1","typeDemande":"URG","dateDemande":"15/01/2026 21:40",)"
                         R"("departement":"75","typesDispositifs":["HOT","CHU","HDN"],"statutDemande":"ATT"})");

  auto v2 = s.backoffice.get("/api/v2/requests/" + id);
  REQUIRE(v2.status == 200);
  CHECK(v2.str("/kind") == "emergency");
  CHECK(v2.str("/status") == "received");
  CHECK(v2.str("/submittedAt") == "2026-01-15T20:40:00.000Z");  // Paris winter time: UTC+1
  CHECK(strings(v2, "/requestedServices") == std::vector<std::string>{"HOTEL", "CHU", "HALTE_DE_NUIT"});
  CHECK(v2.str("/householdId") == s.rosalie.get(family_url("F-1")).str("/idMenageSiao"));
  CHECK(v2.str("/history/0/at") != "2026-01-15T20:40:00.000Z");  // the history keeps when SIAO recorded it

  // Only an adapter's command carries a submission time: a v2 client cannot set one.
  auto v2_own = s.backoffice.post("/api/v2/requests",
                                  R"({"householdId":")" + v2.str("/householdId") +
                                      R"(","kind":"emergency","requestedServices":["CHU"]})",
                                  {{"X-Submitted-At", "2020-01-01T00:00:00.000Z"}});
  REQUIRE(v2_own.status == 201);
  CHECK(v2_own.str("/submittedAt") != "2020-01-01T00:00:00.000Z");

  // Summer time: UTC+2.
  REQUIRE(s.create("D-2", "F-2", "INS", R"(["CHRS"])", "15/07/2026 21:40").status == 201);
  CHECK(s.v2("D-2").str("/submittedAt") == "2026-07-15T19:40:00.000Z");
  CHECK(s.rosalie.get(request_url("D-2")).str("/dateDemande") == "15/07/2026 21:40");
  CHECK(s.rosalie.get(request_url("D-2")).str("/statutDemande") == "ATT");
}

TEST_CASE("rosalie: request refusals - unknown family - known idDemandeRosalie - second open insertion - unknown key") {
  Setup s;
  const auto written = s.g.written();
  auto no_family = s.create("D-1", "F-NOPE", "URG");
  CHECK(no_family.status == 422);
  CHECK(no_family.error_pointers() == std::vector<std::string>{"/cleFamille"});
  auto bad = s.rosalie.post(kDemandes, demande("D-1", "F-1", "URX", "31/06/2026 10:00", "75", R"(["HOT","AUT"])"));
  CHECK(bad.status == 422);
  CHECK(bad.error_pointers() == std::vector<std::string>{"/typeDemande", "/dateDemande", "/typesDispositifs/1"});
  // March's skipped hour is no time in Paris.
  CHECK(s.create("D-1", "F-1", "URG", R"(["HOT"])", "29/03/2026 02:30").error_pointers() ==
        std::vector<std::string>{"/dateDemande"});
  CHECK(s.g.written() == written);

  auto first = s.create("D-1", "F-1", "INS", R"(["CHRS"])");
  REQUIRE(first.status == 201);
  auto again = s.create("D-1", "F-2", "URG");
  CHECK(again.status == 409);
  CHECK(slug(again) == "request-exists");
  CHECK(again.str("/errors/0/message") == "already names SIAO request " + first.str("/idDemandeSiao"));
  auto second_insertion = s.create("D-2", "F-1", "INS", R"(["PF"])");
  CHECK(second_insertion.status == 409);
  CHECK(slug(second_insertion) == "open-insertion-request");
  CHECK(s.rosalie.get(request_url("D-NOPE")).status == 404);
  CHECK(s.status("D-NOPE", R"({"statutDemande":"ANN","date":"01/02/2026","motif":"x"})").status == 404);
  // Outside the contract's territories: as absent.
  REQUIRE(s.backoffice.patch("/api/v2/households/" + s.rosalie.get(family_url("F-1")).str("/idMenageSiao"),
                             R"({"territory":"13"})", "*")
              .status == 200);
  CHECK(s.rosalie.get(request_url("D-1")).status == 200);  // the request keeps its own territory (75)
  CHECK(s.create("D-3", "F-1", "URG").status == 422);
}

TEST_CASE("rosalie: emergency status changes are v2 transitions - a refused one answers allowed in Rosalie codes") {
  Setup s;
  REQUIRE(s.create("D-1", "F-1", "URG").status == 201);
  auto refused = s.status("D-1", R"({"statutDemande":"CLO","date":"16/01/2026"})");
  REQUIRE(refused.status == 409);
  CHECK(slug(refused) == "transition-not-allowed");
  CHECK(strings(refused, "/allowed") == std::vector<std::string>{"PEC", "NPV", "ANN"});
  CHECK(violations(refused, "rosalie-probleme") == "");
  auto other_kind = s.status("D-1", R"({"statutDemande":"ORI","date":"16/01/2026"})");
  CHECK(other_kind.status == 422);
  CHECK(other_kind.error_pointers() == std::vector<std::string>{"/statutDemande"});
  CHECK(other_kind.str("/errors/0/message") == R"("ORI" has no SIAO code in code list "statutDemande-URG")");
  auto no_reason = s.status("D-1", R"({"statutDemande":"NPV","date":"16/01/2026"})");
  CHECK(no_reason.status == 422);
  CHECK(no_reason.error_pointers() == std::vector<std::string>{"/motif"});
  auto not_provided = s.status("D-1", R"({"statutDemande":"NPV","date":"16/01/2026","motif":"plus de place"})");
  REQUIRE_MESSAGE(not_provided.status == 200, not_provided.body);
  CHECK(violations(not_provided, "rosalie-demande-lecture") == "");
  CHECK(not_provided.str("/statutDemande") == "NPV");
  CHECK(not_provided.str("/idDemandeRosalie") == "D-1");
  CHECK(s.v2("D-1").str("/history/1/reason") == "plus de place");
  CHECK(s.status("D-1", R"({"statutDemande":"CLO","date":"17/01/2026"})").str("/statutDemande") == "CLO");
  auto closed = s.status("D-1", R"({"statutDemande":"ANN","date":"17/01/2026","motif":"x"})");
  CHECK(closed.status == 409);
  CHECK(closed.at("/allowed")->Size() == 0);

  // Provided at a structure from a date, then closed on a date with a reason: the placement's.
  REQUIRE(s.create("D-2", "F-2", "URG", R"(["CHU"])").status == 201);
  CHECK(s.status("D-2", R"({"statutDemande":"PEC","date":"00/01/2026","structure":"CHU Popincourt"})")
            .error_pointers() == std::vector<std::string>{"/date"});
  CHECK(s.status("D-2", R"({"statutDemande":"PEC","date":"16/01/2026"})").error_pointers() ==
        std::vector<std::string>{"/structure"});
  auto provided = s.status("D-2", R"({"statutDemande":"PEC","date":"16/01/2026","structure":"CHU Popincourt"})");
  REQUIRE_MESSAGE(provided.status == 200, provided.body);
  CHECK(provided.str("/statutDemande") == "PEC");
  auto ended = s.status("D-2", R"({"statutDemande":"CLO","date":"20/01/2026","motif":"orienté vers un CHRS"})");
  REQUIRE_MESSAGE(ended.status == 200, ended.body);
  auto v2 = s.v2("D-2");
  CHECK(v2.str("/status") == "closed");
  CHECK(v2.str("/placement/structure") == "CHU Popincourt");
  CHECK(v2.str("/placement/startDate") == "2026-01-16");
  CHECK(v2.str("/placement/endDate") == "2026-01-20");
  CHECK(v2.str("/placement/exitReason") == "orienté vers un CHRS");
}

TEST_CASE("rosalie: an insertion request goes ATT ORI PRO PEC CLO - MAJ then ATT restarts its seniority") {
  Setup s;
  REQUIRE(s.create("D-1", "F-1", "INS", R"(["CHRS","PF"])").status == 201);
  CHECK(s.status("D-1", R"({"statutDemande":"ORI","date":"16/01/2026"})").error_pointers() ==
        std::vector<std::string>{"/dispositif"});
  CHECK(s.status("D-1", R"({"statutDemande":"ORI","date":"16/01/2026","dispositif":"XYZ"})").error_pointers() ==
        std::vector<std::string>{"/dispositif"});
  auto oriented = s.status("D-1", R"({"statutDemande":"ORI","date":"16/01/2026","dispositif":"CHRS"})");
  REQUIRE_MESSAGE(oriented.status == 200, oriented.body);
  CHECK(oriented.str("/statutDemande") == "ORI");
  CHECK(s.v2("D-1").str("/orientation/service") == "CHRS");
  auto proposed = s.status("D-1", R"({"statutDemande":"PRO","date":"01/02/2026","structure":"CHRS Les Lilas"})");
  REQUIRE_MESSAGE(proposed.status == 200, proposed.body);
  CHECK(proposed.str("/statutDemande") == "PRO");
  CHECK(s.v2("D-1").str("/proposal/structure") == "CHRS Les Lilas");
  auto admitted = s.status("D-1", R"({"statutDemande":"PEC","date":"10/02/2026","structure":"CHRS Les Lilas"})");
  REQUIRE_MESSAGE(admitted.status == 200, admitted.body);
  CHECK(admitted.str("/statutDemande") == "PEC");
  CHECK(s.status("D-1", R"({"statutDemande":"CLO","date":"10/08/2026"})").error_pointers() ==
        std::vector<std::string>{"/motif"});
  auto closed = s.status("D-1", R"({"statutDemande":"CLO","date":"10/08/2026","motif":"relogement"})");
  REQUIRE_MESSAGE(closed.status == 200, closed.body);
  auto v2 = s.v2("D-1");
  CHECK(v2.str("/placement/startDate") == "2026-02-10");
  CHECK(v2.str("/placement/endDate") == "2026-08-10");
  CHECK(v2.str("/placement/exitReason") == "relogement");
  CHECK(strings(s.status("D-1", R"({"statutDemande":"ANN","date":"10/08/2026","motif":"x"})"), "/allowed").empty());

  REQUIRE(s.create("D-2", "F-2", "INS", R"(["RS"])").status == 201);
  const auto submitted = s.v2("D-2").str("/submittedAt");
  auto to_update = s.status("D-2", R"({"statutDemande":"MAJ","date":"16/01/2026","motif":"évaluation ancienne"})");
  REQUIRE_MESSAGE(to_update.status == 200, to_update.body);
  CHECK(to_update.str("/statutDemande") == "MAJ");
  auto refused = s.status("D-2", R"({"statutDemande":"PRO","date":"16/01/2026","structure":"x"})");
  CHECK(strings(refused, "/allowed") == std::vector<std::string>{"ATT", "ANN"});
  auto resubmitted = s.status("D-2", R"({"statutDemande":"ATT","date":"17/01/2026"})");
  REQUIRE_MESSAGE(resubmitted.status == 200, resubmitted.body);
  CHECK(resubmitted.str("/statutDemande") == "ATT");
  CHECK(s.v2("D-2").str("/submittedAt") != submitted);  // seniority restarts
  auto cancelled = s.status("D-2", R"({"statutDemande":"ANN","date":"18/01/2026","motif":"départ"})");
  REQUIRE(cancelled.status == 200);
  CHECK(cancelled.str("/statutDemande") == "ANN");
  CHECK(strings(s.status("D-2", R"({"statutDemande":"CLO","date":"18/01/2026"})"), "/allowed") ==
        std::vector<std::string>{"MAJ"});
}
