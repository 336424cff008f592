// `replay rebuild` (issue 6): a scripted day of mixed traffic through the real binary, with concurrent clients
// so that ids are minted out of commit order, then every logged write replayed into a scratch database; the
// state reached must have the live state's digest. And the other way round: a change made behind the gateway's
// back is found and named, and a scratch database that is the live one is refused.
#include <atomic>
#include <thread>

#include "adapters/registry.hpp"
#include "gateway/audit/replay/rebuild.hpp"
#include "gateway/audit/replay/rebuild_scratch.hpp"
#include "tests/e2e/rosalie_fixture.hpp"

using namespace siao::test;
using namespace siao::test::rosalie;
namespace replay = siao::audit::replay;

namespace {

// A live gateway on a database of its own (the test gateways' audit keys), and a scratch database.
struct Day {
  TestDatabase live, scratch;
  GatewayProcess gw{{.database_url = live.url()}};
  Day() { REQUIRE_MESSAGE(gw.wait_ready(std::chrono::seconds(15)), gw.output()); }

  siao::config::Config config() const {
    siao::config::Config cfg;
    cfg.database.url = live.url();
    cfg.audit.replay_database_url = scratch.url();
    cfg.audit.master_key_file = kAuditMasterKeyFile;
    cfg.schemas_dir = std::string(SIAO_SOURCE_DIR) + "/schemas";
    cfg.contracts_dir = std::string(SIAO_SOURCE_DIR) + "/contracts";
    return cfg;
  }
  ApiClient backoffice() const { return ApiClient(gw.http_port(), kBackofficeKey); }
  ApiClient rosalie() const { return ApiClient(gw.http_port(), kRosalieKey); }
  ApiClient partner() const { return ApiClient(gw.http_port(), kSamplePartnerKey); }

  std::string live_digest() const {
    pqxx::connection c(live.url());
    pqxx::read_transaction t(c);
    return replay::state_digest(t);
  }
  long long count(const std::string& sql) const {
    pqxx::connection c(live.url());
    pqxx::nontransaction t(c);
    return t.exec(sql)[0][0].as<long long>();
  }
};

const siao::adapters::Registry& adapters() {
  static const auto registry = [] {
    siao::adapters::Registry r;
    siao::adapters::add_builtin_adapters(r);
    return r;
  }();
  return registry;
}

std::string text(const replay::Report& r) {
  std::string out = "checked " + std::to_string(r.checked) + ", identical " + std::to_string(r.identical) + "\n";
  for (const auto& d : r.different)
    out += "  " + std::to_string(d.seq) + " " + d.field + ": " + d.recorded + " | " + d.replayed + "\n";
  for (const auto& n : r.notes) out += "  note: " + n + "\n";
  return out;
}

std::string expect_status(ApiResult r, int status) {
  REQUIRE_MESSAGE(r.status == status, r.body);
  return r.body;
}

std::string household(ApiClient& api, const char* territory, const std::vector<std::string>& members) {
  auto r = api.post("/api/v2/households", household_body(territory, members));
  REQUIRE_MESSAGE(r.status == 201, r.body);
  return r.str("/id");
}

std::string member(ApiClient& api, const std::string& h, int index) {
  return api.get("/api/v2/households/" + h).str(("/members/" + std::to_string(index) + "/id").c_str());
}

// Several clients at once: each batch of the gateway mints its ids while another commits, so ids and seqs
// come in different orders. Each client also sends refusals (a body the schema refuses, an unknown household).
void concurrent_round(const Day& day, int clients, int each) {
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int c = 0; c < clients; ++c)
    threads.emplace_back([&, c] {
      try {
        auto api = day.backoffice();
        for (int i = 0; i < each; ++i) {
          auto r = api.post("/api/v2/households",
                            household_body("75", {person_json("head", "CONC" + std::to_string(c), "female", "1980"),
                                                  person_json("child", "CONC", "male", "2012")}));
          if (r.status != 201) ++failures;
          auto id = r.str("/id");
          if (i % 2 == 0 && api.post("/api/v2/requests", R"({"householdId":")" + id +
                                                             R"(","kind":"emergency","requestedServices":["CHU"]})")
                                    .status != 201)
            ++failures;
          if (i % 3 == 0 && api.post("/api/v2/households", R"({"territory":"75","members":[]})").status != 422)
            ++failures;
        }
      } catch (...) {
        ++failures;
      }
    });
  for (auto& t : threads) t.join();
  REQUIRE(failures.load() == 0);
}

// Whether some household was created under a later seq than a household with a higher id.
bool ids_out_of_seq_order(const Day& day) {
  return day.count(
             "SELECT count(*) FROM (SELECT seq, lag(seq) OVER (ORDER BY id) AS before FROM "
             "(SELECT a.seq, (r->>'id')::bigint AS id FROM audit_exchanges a, json_array_elements(a.resources) r "
             " WHERE a.method = 'POST' AND a.route = '/api/v2/households' AND r->>'kind' = 'household' "
             "   AND (r->>'version')::int = 1 AND (r->>'written')::boolean) created) o WHERE seq < before") > 0;
}

// The day: v2 and v1.1, creates, patches, moves, transitions, merges, refusals of every kind.
void scripted_day(const Day& day) {
  auto api = day.backoffice();
  auto partner = day.partner();
  auto rosalie = day.rosalie();
  ApiClient stranger(day.gw.http_port(), "not-a-key-of-anyone-0123456789");

  // v2 households and their members.
  auto a = household(api, "75", {person_json("head", "DUPONT", "female", "1985-03-14", "Marie"),
                                 person_json("child", "DUPONT", "male", "2015-06-01", "Paul")});
  auto b = household(api, "75", {person_json("head", "MARTIN", "male", "1975")});
  auto c = household(api, "93", {person_json("head", "DIALLO", "female", "1990")});
  expect_status(api.post("/api/v2/households/" + b + "/members", person_json("spouse", "MARTIN", "female", "1978")), 201);
  expect_status(api.post("/api/v2/households/" + b + "/members", person_json("head", "MARTIN", "male")), 409);
  auto paul = member(api, a, 1);
  expect_status(api.post("/api/v2/households/" + b + "/members", R"({"personId":")" + paul + R"(","role":"child"})"), 200);
  auto h = api.get("/api/v2/households/" + a);
  expect_status(api.patch("/api/v2/households/" + a, R"({"territory":"92"})", h.header("etag")), 200);
  expect_status(api.patch("/api/v2/households/" + a, R"({"territory":"93"})", h.header("etag")), 412);  // stale
  auto marie = member(api, a, 0);
  auto p = api.get("/api/v2/persons/" + marie);
  expect_status(api.patch("/api/v2/persons/" + marie, R"({"phone":"+33612345678"})", p.header("etag")), 200);
  expect_status(api.patch("/api/v2/persons/" + marie, R"({"sex":"dragon"})", "*"), 422);

  // Idempotency-Key: the second call answers the first's answer and creates nothing.
  auto body = household_body("94", {person_json("head", "IDEM", "male", "1960")});
  auto first = api.post("/api/v2/households", body, {{"Idempotency-Key", "day-1"}});
  REQUIRE(first.status == 201);
  auto again = api.post("/api/v2/households", body, {{"Idempotency-Key", "day-1"}});
  CHECK(again.status == 201);
  CHECK(again.str("/id") == first.str("/id"));

  // Requests and their transitions; refusals.
  auto urg = api.post("/api/v2/requests", R"({"householdId":")" + b + R"(","kind":"emergency","requestedServices":["CHU"]})");
  REQUIRE(urg.status == 201);
  auto urg_id = urg.str("/id");
  expect_status(api.post("/api/v2/requests/" + urg_id + "/transitions", R"({"to":"closed"})"), 409);
  expect_status(api.post("/api/v2/requests/" + urg_id + "/transitions",
                         R"({"to":"provided","placement":{"structure":"HOTEL:IBIS-12","startDate":"2026-11-28"}})"),
                200);
  expect_status(api.post("/api/v2/requests/" + urg_id + "/transitions", R"({"to":"closed","placement":{"endDate":"2026-12-02"}})"),
                200);
  auto ins = partner.post("/api/v2/requests", R"({"householdId":")" + c + R"(","kind":"insertion","requestedServices":["CHRS"]})");
  REQUIRE_MESSAGE(ins.status == 201, ins.body);
  expect_status(partner.post("/api/v2/requests", R"({"householdId":")" + c + R"(","kind":"insertion","requestedServices":["CHRS"]})"),
                409);  // a second open insertion request
  expect_status(partner.post("/api/v2/households", household_body("93", {person_json("head", "X", "male")})), 403);
  expect_status(api.post("/api/v2/requests", R"({"householdId":"90999999","kind":"emergency","requestedServices":["CHU"]})"),
                422);
  expect_status(stranger.post("/api/v2/households", body), 401);

  // Merges: two persons, then two households.
  auto d = household(api, "75", {person_json("head", "DUPOND", "female", "1985", "Marie")});
  auto dup = member(api, d, 0);
  auto e = household(api, "75", {person_json("head", "DUPONT", "unknown", "1984", "Marie")});
  expect_status(api.post("/api/v2/persons/" + marie + "/merge", R"({"duplicateId":")" + member(api, e, 0) + "\"}"), 200);
  auto f = household(api, "75", {person_json("head", "LEROY", "male", "1970")});
  expect_status(api.post("/api/v2/households/" + d + "/merge", R"({"householdId":")" + f + "\"}"), 200);
  (void)dup;

  // v1.1: Rosalie's families, requests and bookings.
  expect_status(rosalie.post(kFamilles, famille("F-1", "75", dupont())), 201);
  auto changed = dupont();
  changed[0].telephone = "0698765432";
  changed.pop_back();
  expect_status(put(rosalie, family_url("F-1"), famille("F-1", "75", changed)), 200);
  expect_status(rosalie.post(kFamilles, famille("F-2", "93", {{.id = "P-2", .nom = "KONE", .prenoms = "AWA",
                                                                 .sexe = "F", .lien = "DEM", .date = "00/00/1979"}})),
                201);
  expect_status(rosalie.post(kFamilles, famille("F-3", "13", {{.id = "P-3", .nom = "X", .prenoms = "Y", .sexe = "F",
                                                                 .lien = "DEM"}})),
                403);  // not one of Rosalie's territories
  expect_status(rosalie.post(kDemandes, demande("D-1", "F-1", "URG", "30/11/2026 22:10", "75", R"(["HOT"])")), 201);
  expect_status(rosalie.post(kDemandes, demande("D-2", "F-2", "INS", "01/12/2026 09:00", "93", R"(["CHRS"])")), 201);
  expect_status(rosalie.post(request_url("D-2") + "/statut", R"({"statutDemande":"ORI","date":"02/12/2026","dispositif":"CHRS"})"),
                200);
  expect_status(rosalie.post(request_url("D-NOPE") + "/statut", R"({"statutDemande":"ANN","date":"01/02/2026","motif":"x"})"),
                404);
  auto booking = [](const char* id, const char* from, const char* to) {
    return std::string(R"({"idReservation":")") + id + R"(","idDemandeRosalie":"D-1","hotel":"IBIS PARIS 13","dateDebut":")" +
           from + R"(","dateFin":")" + to + "\"}";
  };
  expect_status(rosalie.post(kReservations, booking("R-1", "01/12/2026", "03/12/2026")), 201);
  expect_status(rosalie.post(kReservations, booking("R-2", "03/12/2026", "05/12/2026")), 201);
  expect_status(rosalie.post(kReservations, booking("R-2", "05/12/2026", "07/12/2026")), 409);
  expect_status(rosalie.post(std::string(kReservations) + "/R-1/fin", R"({"dateFin":"04/12/2026","motif":"sortie"})"), 200);

  // Reads are logged too, and not replayed.
  CHECK(rosalie.get(family_url("F-1")).status == 200);
  CHECK(api.get("/api/v2/households/" + b).status == 200);
}

bool has_difference(const replay::Report& r, const std::string& field) {
  return std::any_of(r.different.begin(), r.different.end(), [&](const auto& d) { return d.field == field; });
}

}  // namespace

TEST_CASE("audit rebuild: a day of mixed traffic replayed into a scratch database reaches the live state digest") {
  Day day;
  scripted_day(day);
  for (int round = 0; round < 5 && !ids_out_of_seq_order(day); ++round) concurrent_round(day, 6, 4);
  REQUIRE_MESSAGE(ids_out_of_seq_order(day), "the concurrent clients never minted ids out of seq order");
  const auto before = day.live_digest();

  auto started = std::chrono::steady_clock::now();
  auto report = replay::rebuild(day.config(), adapters(), {});
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  MESSAGE("rebuild: " << text(report) << "in " << seconds << " s");
  CHECK_MESSAGE(report.different.empty(), text(report));
  CHECK(report.mode == "rebuild");
  CHECK(report.checked > 60);
  CHECK(report.identical == report.checked);
  CHECK(day.live_digest() == before);  // the live database was only read

  // The same once more, reporting Rosalie's exchanges only: the scratch database is emptied first, the whole log
  // replayed, and only the selected exchanges counted.
  auto twice = replay::rebuild(day.config(), adapters(), {.client = "rosalie"});
  CHECK_MESSAGE(twice.different.empty(), text(twice));
  CHECK(twice.checked == day.count("SELECT count(*) FROM audit_exchanges WHERE client_id = 'rosalie' "
                                   "AND method NOT IN ('GET', 'HEAD')"));
  CHECK(twice.checked < report.checked);
}

TEST_CASE("audit rebuild: a change made behind the gateway's back is found and the resource named") {
  Day day;
  auto api = day.backoffice();
  auto h = household(api, "75", {person_json("head", "DUPONT", "female", "1985-03-14", "Marie")});
  auto person = member(api, h, 0);
  auto clean = replay::rebuild(day.config(), adapters(), {});
  REQUIRE_MESSAGE(clean.different.empty(), text(clean));

  {  // As the database's owner, not through the gateway: nothing in the log says so.
    pqxx::connection c(day.live.url());
    pqxx::work t(c);
    t.exec_params0("UPDATE persons SET phone = '+33600000000' WHERE id = $1", std::stoll(person));
    t.commit();
  }
  auto report = replay::rebuild(day.config(), adapters(), {});
  CHECK(report.identical == report.checked);  // every exchange still answers as recorded
  CHECK(has_difference(report, "digest"));
  CHECK(has_difference(report, "person:" + person));
  CHECK_FALSE(has_difference(report, "household:" + h));
  CHECK(report.different.size() == 2);
}

TEST_CASE("audit rebuild: a scratch database that is the live one is refused - and left untouched") {
  Day day;
  auto api = day.backoffice();
  household(api, "75", {person_json("head", "DUPONT", "female", "1985")});
  const auto before = day.live_digest();
  auto cfg = day.config();
  cfg.audit.replay_database_url = cfg.database.url;
  CHECK_THROWS_AS(replay::rebuild(cfg, adapters(), {}), replay::ScratchRefused);
  cfg.audit.replay_database_url = cfg.database.url + "?application_name=other";  // another URL, the same database
  CHECK_THROWS_AS(replay::rebuild(cfg, adapters(), {}), replay::ScratchRefused);
  cfg.audit.replay_database_url = "";
  CHECK_THROWS_AS(replay::rebuild(cfg, adapters(), {}), replay::ScratchRefused);
  CHECK(day.live_digest() == before);
  CHECK(day.count("SELECT count(*) FROM households") == 1);
}

TEST_CASE("audit rebuild: siao-gateway audit replay --mode rebuild exits 0 on the same state - 1 naming a difference") {
  Day day;
  auto api = day.backoffice();
  auto h = household(api, "75", {person_json("head", "DUPONT", "female", "1985-03-14", "Marie")});
  expect_status(api.post("/api/v2/requests", R"({"householdId":")" + h + R"(","kind":"emergency","requestedServices":["CHU"]})"),
                201);
  const std::map<std::string, std::string> env = {{"DATABASE_URL", day.live.url()},
                                                  {"GATEWAY_AUDIT_REPLAY_DATABASE_URL", day.scratch.url()}};
  auto same = run_gateway({"audit", "replay", "--mode", "rebuild"}, env);
  CHECK_MESSAGE(same.exit_code == 0, same.output);
  CHECK(same.output.find("replay rebuild: 2 checked, 2 identical, 0 differences") != std::string::npos);

  {  // Behind the gateway's back: the request moves to another territory.
    pqxx::connection c(day.live.url());
    pqxx::work t(c);
    t.exec0("UPDATE requests SET territory = '92'");
    t.commit();
  }
  auto changed = run_gateway({"audit", "replay", "--mode", "rebuild"}, env);
  CHECK_MESSAGE(changed.exit_code == 1, changed.output);
  CHECK(changed.output.find("state digest:") != std::string::npos);
  CHECK(changed.output.find("state request:7") != std::string::npos);

  auto refused = run_gateway({"audit", "replay", "--mode", "rebuild"},
                             {{"DATABASE_URL", day.live.url()}, {"GATEWAY_AUDIT_REPLAY_DATABASE_URL", day.live.url()}});
  CHECK_MESSAGE(refused.exit_code != 0, refused.output);  // refused by the configuration already
  CHECK(refused.output.find("live database") != std::string::npos);
  CHECK(day.count("SELECT count(*) FROM requests") == 1);
}
