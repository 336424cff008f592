// Retention over the real binary: households written through v2 and Rosalie v1.1, two of them made three years
// old by the test (it owns the database), then `siao-gateway retention run`. A forgotten person's name must be
// nowhere in the database in clear, nor in an export; the other households are untouched; the log still verifies.
#include <fstream>
#include <sstream>

#include "tests/e2e/contracts_fixture.hpp"
#include "tests/e2e/rosalie_fixture.hpp"

using namespace siao::test;
using namespace siao::test::rosalie;

namespace {

// Distinctive, so that a hit can only be the data of the forgotten.
constexpr const char* kForgottenName = "ZYQWERTOVA";       // v2 household A, its head
constexpr const char* kForgottenFirst = "Oksanitsa";       // her first name
constexpr const char* kForgottenPhone = "+33611122233";    // her phone, patched in
constexpr const char* kForgottenReason = "QUIXBOROUGH";    // the exit reason of A's request
constexpr const char* kForgottenRosalie = "KRAVTSOVAYA";   // Rosalie family C
constexpr const char* kForgottenMotif = "VELDHOVENSKAJA";  // the motif of C's request
constexpr const char* kLeaverName = "LEFTOVSKI";           // left A for B: kept, with B
constexpr const char* kKeptRosalie = "OBERHAUSLER";        // Rosalie family D: kept

struct Retention {
  TestDatabase db;
  GatewayProcess gw{{.database_url = db.url()}};  // with the tests' audit keys (tests/support/keys)
  ApiClient v2{gw.http_port(), kBackofficeKey};
  ApiClient rosalie{gw.http_port(), kRosalieKey};
  std::string a, b, c, d;            // households: a and c are made old
  std::string head_a, leaver;        // persons of a
  std::string request_a, request_c;  // requests of a and c

  Retention() {
    REQUIRE_MESSAGE(gw.wait_ready(std::chrono::seconds(15)), gw.output());
    try {
      write_households();
    } catch (...) {
      MESSAGE(gw.output());
      throw;
    }
  }

  void write_households() {
    // A (v2): a head, a second adult who later leaves for B, a request closed with free text, a patched phone.
    auto created =
        v2.post("/api/v2/households",
                household_body("75", {person_json("head", kForgottenName, "female", "1979-04-02", kForgottenFirst),
                                      person_json("other_adult", kLeaverName, "male", "1981", "Ivan")}));
    REQUIRE_MESSAGE(created.status == 201, created.body);
    a = created.str("/id");
    head_a = created.str("/members/0/id");
    leaver = created.str("/members/1/id");
    auto head = v2.get("/api/v2/persons/" + head_a);
    REQUIRE(v2.patch("/api/v2/persons/" + head_a, std::string(R"({"phone":")") + kForgottenPhone + "\"}",
                     head.header("etag"))
                .status == 200);
    auto request =
        v2.post("/api/v2/requests", R"({"householdId":")" + a + R"(","kind":"emergency","requestedServices":["CHU"]})");
    REQUIRE_MESSAGE(request.status == 201, request.body);
    request_a = request.str("/id");
    REQUIRE(transition(request_a,
                       R"({"to":"provided","placement":{"structure":"HOTEL:IBIS-12","startDate":"2023-11-28"}})"));
    REQUIRE(
        transition(request_a, std::string(R"({"to":"closed","placement":{"endDate":"2023-12-02","exitReason":"Chez )") +
                                  kForgottenReason + "\"}}"));
    // B (v2): kept; Ivan leaves A for it.
    auto other = v2.post("/api/v2/households", household_body("75", {person_json("head", "DURANDAL", "male", "1970")}));
    REQUIRE(other.status == 201);
    b = other.str("/id");
    REQUIRE(v2.post("/api/v2/households/" + b + "/members", R"({"personId":")" + leaver + R"(","role":"other_adult"})")
                .status == 200);
    // C (Rosalie): made old too; D (Rosalie): kept.
    auto c_created = rosalie.post(kFamilles, famille("F-OLD", "75",
                                                     {{.id = "P-OLD-1",
                                                       .nom = kForgottenRosalie,
                                                       .prenoms = "NADEJDA",
                                                       .sexe = "F",
                                                       .lien = "DEM",
                                                       .date = "03/07/1990",
                                                       .telephone = "0699887766"}}));
    REQUIRE_MESSAGE(c_created.status == 201, c_created.body);
    c = c_created.str("/idMenageSiao");
    auto c_request = rosalie.post(kDemandes, demande("D-OLD", "F-OLD", "URG", "15/01/2023 21:40", "75", R"(["HOT"])"));
    REQUIRE_MESSAGE(c_request.status == 201, c_request.body);
    request_c = c_request.str("/idDemandeSiao");
    REQUIRE(
        rosalie
            .post(request_url("D-OLD") + "/statut",
                  std::string(R"({"statutDemande":"ANN","date":"16/01/2023","motif":"Voir )") + kForgottenMotif + "\"}")
            .status == 200);
    auto d_created = rosalie.post(kFamilles, famille("F-NEW", "75",
                                                     {{.id = "P-NEW-1",
                                                       .nom = kKeptRosalie,
                                                       .prenoms = "GRETA",
                                                       .sexe = "F",
                                                       .lien = "DEM",
                                                       .date = "00/00/1985"}}));
    REQUIRE_MESSAGE(d_created.status == 201, d_created.body);
    d = d_created.str("/idMenageSiao");
  }

  bool transition(const std::string& request, const std::string& body) {
    auto r = v2.post("/api/v2/requests/" + request + "/transitions", body);
    INFO(r.body);
    return r.status == 200;
  }

  // As the database's owner: the household, the persons whose household it is, its requests and every version
  // of them, three years back. The versions' guard (migration 0008) is lifted for this alone.
  void make_old(const std::string& household) const {
    pqxx::connection conn(db.url());
    pqxx::work tx(conn);
    tx.exec("ALTER TABLE resource_versions DISABLE TRIGGER resource_versions_immutable");
    tx.exec_params(
        "UPDATE resource_versions SET at = at - interval '3 years' WHERE "
        "(kind = 'household' AND id = $1) "
        "OR (kind = 'person' AND id IN (SELECT id FROM persons WHERE household_id = $1)) "
        "OR (kind = 'request' AND id IN (SELECT id FROM requests WHERE household_id = $1))",
        std::stoll(household));
    for (const char* table : {"persons", "requests"})
      tx.exec_params(std::string("UPDATE ") + table +
                         " SET created_at = created_at - interval '3 years', updated_at = updated_at - interval "
                         "'3 years' WHERE household_id = $1",
                     std::stoll(household));
    tx.exec_params(
        "UPDATE households SET created_at = created_at - interval '3 years', "
        "updated_at = updated_at - interval '3 years' WHERE id = $1",
        std::stoll(household));
    tx.exec("ALTER TABLE resource_versions ENABLE TRIGGER resource_versions_immutable");
    tx.commit();
  }

  RunResult cli(const std::vector<std::string>& args) const { return run_gateway(args, {{"DATABASE_URL", db.url()}}); }

  long long count(const std::string& sql) const {
    pqxx::connection conn(db.url());
    pqxx::nontransaction t(conn);
    return t.exec(sql)[0][0].as<long long>();
  }

  // Every table of every schema, each row as text: the tables where `needle` appears, with their hit counts.
  std::string tables_holding(const std::string& needle) const {
    pqxx::connection conn(db.url());
    pqxx::nontransaction t(conn);
    std::string out;
    for (const auto& table :
         t.exec("SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) FROM information_schema.tables "
                "WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_type = 'BASE TABLE'")) {
      auto name = table[0].as<std::string>();
      auto hits =
          t.exec_params("SELECT count(*) FROM " + name + " AS t WHERE t::text ILIKE $1", "%" + needle + "%")[0][0]
              .as<long long>();
      if (hits) out += name + ":" + std::to_string(hits) + " ";
    }
    return out;
  }

  // A digest of every row of every table: what a dry run must leave as it was.
  std::string everything() const {
    pqxx::connection conn(db.url());
    pqxx::nontransaction t(conn);
    std::string out;
    for (const auto& table :
         t.exec("SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) FROM information_schema.tables "
                "WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_type = 'BASE TABLE' "
                "ORDER BY 1")) {
      auto name = table[0].as<std::string>();
      out += name + "=" +
             t.exec("SELECT coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM " + name + " AS t")[0][0]
                 .as<std::string>() +
             "\n";
    }
    return out;
  }
};

const std::vector<const char*> kForgotten = {kForgottenName,    kForgottenFirst, kForgottenPhone, kForgottenReason,
                                             kForgottenRosalie, kForgottenMotif, "NADEJDA",       "699887766"};

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("retention: a dry run reports the old households and changes nothing") {
  Retention r;
  r.make_old(r.a);
  r.make_old(r.c);
  auto before = r.everything();
  auto dry = r.cli({"retention", "run", "--dry-run"});
  INFO(dry.output);
  CHECK(dry.exit_code == 0);
  CHECK(contains(dry.output, "households: 2"));
  CHECK(contains(dry.output, "household " + r.a));
  CHECK(contains(dry.output, "household " + r.c));
  CHECK(!contains(dry.output, "household " + r.b));
  CHECK(r.everything() == before);
  CHECK(r.tables_holding(kForgottenName) != "");
}

TEST_CASE("retention: a forgotten person's data is nowhere in the database - the others are untouched") {
  Retention r;
  const auto kept_b = r.v2.get("/api/v2/households/" + r.b);
  const auto kept_d = r.rosalie.get(family_url("F-NEW"));
  REQUIRE(kept_b.status == 200);
  REQUIRE(kept_d.status == 200);
  const auto version_a = r.v2.get("/api/v2/households/" + r.a).integer("/version");
  for (const char* s : kForgotten) CHECK_MESSAGE(r.tables_holding(s) != "", s << " should be stored before the run");
  // A key of a month past the retention, as the trail would have made it (the test cannot wait two years).
  r.count("INSERT INTO audit_subject_keys (subject, wrapped) VALUES ('period:2020-01', 'x') RETURNING 1");
  r.make_old(r.a);
  r.make_old(r.c);

  auto run = r.cli({"retention", "run"});
  INFO(run.output);
  REQUIRE(run.exit_code == 0);
  CHECK(contains(run.output, "households: 2"));
  CHECK(contains(run.output, "persons:    2"));  // A's head (the leaver is B's now) and C's
  CHECK(contains(run.output, "requests:   2"));

  // Nowhere in clear: every column of every table of every schema.
  for (const char* s : kForgotten) CHECK_MESSAGE(r.tables_holding(s) == "", s << " is still stored");

  // The keys are gone, their erasure recorded under the run's own exchange.
  CHECK(r.count("SELECT count(*) FROM audit_subject_keys WHERE subject IN ('person:" + r.head_a +
                "', 'period:2020-01')") == 0);
  const auto seq = r.count("SELECT seq FROM audit_erasures WHERE subject = 'person:" + r.head_a + "'");
  CHECK(r.count("SELECT count(*) FROM audit_erasures WHERE subject = 'period:2020-01' AND seq = " +
                std::to_string(seq)) == 1);
  CHECK(r.count("SELECT count(*) FROM audit_exchanges WHERE seq = " + std::to_string(seq) +
                " AND client_id = 'siao-retention' AND route = 'retention run' AND status = 200 "
                "AND resources::jsonb @> '[{\"kind\":\"household\",\"id\":\"" +
                r.a + "\"},{\"kind\":\"request\",\"id\":\"" + r.request_c + "\"}]'") == 1);
  // The leaver's key stays: he lives on in B.
  CHECK(r.count("SELECT count(*) FROM audit_erasures WHERE subject = 'person:" + r.leaver + "'") == 0);

  // The forgotten records keep their shape: ids, versions, statuses, dates.
  auto a = r.v2.get("/api/v2/households/" + r.a);
  REQUIRE(a.status == 200);
  CHECK(a.integer("/version") == version_a);
  CHECK(a.str("/members/0/id") == r.head_a);
  CHECK(a.str("/members/0/role") == "head");
  CHECK(a.str("/members/0/lastName") == "ERASED");
  CHECK(a.str("/members/0/phone") == "");
  auto history = r.v2.get("/api/v2/households/" + r.a + "/history");
  REQUIRE(history.status == 200);
  CHECK(history.at("/items")->Size() >= 2);
  CHECK(!contains(history.body, kLeaverName));  // his copies in A's history go with A; he lives on in B
  auto request = r.v2.get("/api/v2/requests/" + r.request_a);
  CHECK(request.str("/status") == "closed");
  CHECK(request.str("/placement/endDate") == "2023-12-02");
  // No duplicate search finds them.
  CHECK(r.count("SELECT count(*) FROM persons WHERE id = " + r.head_a + " AND match_keys = ARRAY['erased']") == 1);

  // The others: as they were, names included; the leaver with them.
  auto b = r.v2.get("/api/v2/households/" + r.b);
  CHECK(b.body == kept_b.body);
  CHECK(contains(b.body, kLeaverName));
  CHECK(r.rosalie.get(family_url("F-NEW")).body == kept_d.body);
  CHECK(contains(r.tables_holding(kKeptRosalie), "persons"));

  // A second run finds nothing more to forget.
  auto again = r.cli({"retention", "run"});
  INFO(again.output);
  CHECK(again.exit_code == 0);
  CHECK(contains(again.output, "households: 0"));
}

TEST_CASE(
    "retention: after a run the log verifies - an export holds no forgotten name - the exchange reads as erased") {
  Retention r;
  // The exchange that created A, before it is forgotten.
  const auto created = r.count(
      "SELECT min(seq) FROM audit_exchanges WHERE resources::jsonb @> "
      "'[{\"kind\":\"household\",\"id\":\"" +
      r.a + "\"}]'");
  // The back-office may read personal data in the log: it reads that exchange in clear, until the run.
  const auto exchange = "/api/v2/audit/exchanges/" + std::to_string(created);
  auto opened = r.v2.get(exchange);
  INFO(opened.body);
  REQUIRE(opened.status == 200);
  CHECK(opened.str("/personalData") == "opened");
  CHECK(contains(opened.body, kForgottenName));
  r.make_old(r.a);
  r.make_old(r.c);
  REQUIRE(r.cli({"retention", "run"}).exit_code == 0);

  auto verify = r.cli({"audit", "verify"});
  INFO(verify.output);
  CHECK(verify.exit_code == 0);

  contracts::TempDir out{"retention-export"};
  auto file = (out.path() / "export.ndjson").string();
  auto exported =
      r.cli({"audit", "export", "--from", "2000-01-01T00:00:00Z", "--to", "2100-01-01T00:00:00Z", "--out", file});
  INFO(exported.output);
  REQUIRE(exported.exit_code == 0);
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  REQUIRE(contains(text.str(), "retention run"));  // the export is the whole log, the run included
  std::string upper = text.str();
  for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  for (const char* s : kForgotten) {
    std::string needle = s;
    for (auto& ch : needle) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    CHECK_MESSAGE(!contains(upper, needle), s << " is in the export");
  }
  auto alone = r.cli({"audit", "verify", "--file", file});
  INFO(alone.output);
  CHECK(alone.exit_code == 0);

  auto detail = r.v2.get(exchange);
  INFO(detail.body);
  REQUIRE(detail.status == 200);
  CHECK(detail.str("/personalData") == "erased");
  CHECK(!contains(detail.body, kForgottenName));
  CHECK(!contains(detail.body, kForgottenFirst));

  // The run's own record is sealed under its month, not under the persons it forgot: its report stays readable.
  auto runs = r.v2.get("/api/v2/audit/exchanges?client=siao-retention");
  REQUIRE(runs.status == 200);
  auto run_id = runs.str("/items/0/id");
  REQUIRE_FALSE(run_id.empty());
  auto run = r.v2.get("/api/v2/audit/exchanges/" + run_id);
  INFO(run.body);
  CHECK(run.str("/personalData") == "opened");
  CHECK(contains(run.body, "households"));
}
