// Every refusal of Rosalie's families, in Rosalie's terms: problem+json whose pointers point into the
// Rosalie body, whatever found the fault (the v1.1 schema, the mapping, or a v2 rule behind it).
#include "tests/e2e/rosalie_fixture.hpp"

using namespace siao::test;
using namespace siao::test::rosalie;

TEST_CASE("rosalie: v1.1 is for contracts naming the rosalie adapter - any other is refused with 403") {
  RosalieGateway g;
  const auto body = famille("F-1", "93", dupont());
  for (const char* key : {kBackofficeKey, kSamplePartnerKey}) {
    ApiClient client(g.gw.http_port(), key);
    auto r = client.post(kFamilles, body);
    CHECK(r.status == 403);
    CHECK(r.header("content-type") == "application/problem+json");
    CHECK(r.str("/detail").find("rosalie") != std::string::npos);
    CHECK(client.get(family_url("F-1")).status == 403);
    CHECK(client.get(request_url("D-1")).status == 403);
  }
  CHECK(g.count("SELECT count(*) FROM households") == 0);
  CHECK(ApiClient(g.gw.http_port(), "").post(kFamilles, body).status == 401);
  CHECK(g.rosalie().post(kFamilles, body).status == 201);
}

TEST_CASE("rosalie: a body the v1.1 schema refuses is a 422 pointing into the Rosalie body") {
  RosalieGateway g;
  auto rosalie = g.rosalie();
  auto unknown = rosalie.post(kFamilles, R"({"cleFamille":"F-1","departement":"75","personnes":[{"idPersonneRosalie":"P-1",)"
                                         R"("nom":"DUPONT","prenoms":"MARIE","sexe":"F","lienParente":"DEM","age":38}]})");
  CHECK(unknown.status == 422);
  CHECK(unknown.header("content-type") == "application/problem+json");
  CHECK(unknown.error_pointers() == std::vector<std::string>{"/personnes/0/age"});
  CHECK(unknown.str("/errors/0/message") == "unknown member");
  CHECK(violations(unknown, "rosalie-probleme") == "");

  auto missing = rosalie.post(kFamilles, R"({"cleFamille":"F-1","departement":"75","personnes":[{"idPersonneRosalie":"P-1",)"
                                         R"("prenoms":"MARIE","sexe":"F","lienParente":"DEM"}],"idMenageSiao":"90000001"})");
  CHECK(missing.status == 422);
  CHECK(missing.error_pointers() == std::vector<std::string>{"/personnes/0/nom", "/idMenageSiao"});
  CHECK(missing.str("/errors/1/message") == "is set by SIAO and may not be written");

  auto shapes = rosalie.post(kFamilles, R"({"cleFamille":"F 1","departement":"20","personnes":[]})");
  CHECK(shapes.status == 422);
  // The schema's violations, then the key's (checked apart: keys appear in paths).
  CHECK(shapes.error_pointers() == std::vector<std::string>{"/departement", "/personnes", "/cleFamille"});
  auto family = dupont();
  family[1].id = "P/2";
  auto slash = rosalie.post(kFamilles, famille("F-1", "75", family));
  CHECK(slash.status == 422);
  CHECK(slash.error_pointers() == std::vector<std::string>{"/personnes/1/idPersonneRosalie"});
  CHECK(rosalie.post(kFamilles, "{\"cleFamille\":").status == 400);
  CHECK(rosalie.send("POST", kFamilles, famille("F-1", "75", dupont()), {{"Content-Type", "text/plain"}}).status == 415);
  CHECK(g.written() == 0);
}

TEST_CASE("rosalie: an impossible date - an unknown code - a bad phone are 422s naming the field and the value") {
  RosalieGateway g;
  auto rosalie = g.rosalie();
  auto family = dupont();
  family[0].date = "31/02/1990";
  auto february = rosalie.post(kFamilles, famille("F-1", "75", family));
  REQUIRE(february.status == 422);
  CHECK(february.error_pointers() == std::vector<std::string>{"/personnes/0/dateNaissance"});
  CHECK(february.str("/errors/0/message").rfind("\"31/02/1990\" is not a date JJ/MM/AAAA", 0) == 0);

  family = dupont();
  family[1].date = "15/00/1990";  // a day without its month
  family[1].sexe = "X";
  family[2].nationalite = "ZZ";
  family[3].lien = "FIL";
  family[3].telephone = "0001234567";  // 00 then a number starting with 0
  auto codes = rosalie.post(kFamilles, famille("F-1", "75", family));
  REQUIRE(codes.status == 422);
  CHECK(codes.error_pointers() == std::vector<std::string>{"/personnes/1/sexe", "/personnes/1/dateNaissance",
                                                            "/personnes/2/nationalite", "/personnes/3/lienParente",
                                                            "/personnes/3/telephone"});
  CHECK(codes.str("/errors/0/message") == R"("X" has no SIAO code in code list "sexe")");
  CHECK(codes.str("/errors/2/message") == R"("ZZ" has no SIAO code in code list "nationalite")");
  CHECK(codes.str("/errors/3/message") == R"("FIL" has no SIAO code in code list "lienParente")");

  // A rule only v2 knows (a first name of at most 100 characters) is pointed at where Rosalie wrote it.
  family = dupont();
  family[2].prenoms = "ZOÉ " + std::string(120, 'A');
  auto v2_rule = rosalie.post(kFamilles, famille("F-1", "75", family));
  REQUIRE(v2_rule.status == 422);
  CHECK(v2_rule.error_pointers() == std::vector<std::string>{"/personnes/2/prenoms"});
  CHECK(g.written() == 0);
}

TEST_CASE("rosalie: a known cleFamille is a 409 naming the SIAO household - and nothing is created") {
  RosalieGateway g;
  auto rosalie = g.rosalie();
  auto first = rosalie.post(kFamilles, famille("F-2023-000123", "75", dupont()));
  REQUIRE(first.status == 201);
  const auto household = first.str("/idMenageSiao");
  const auto written = g.written();

  auto other = dupont();
  for (auto& p : other) p.id += "-BIS";
  auto again = rosalie.post(kFamilles, famille("F-2023-000123", "93", other));
  REQUIRE(again.status == 409);
  CHECK(slug(again) == "family-exists");
  CHECK(again.str("/detail").find(household) != std::string::npos);
  CHECK(again.error_pointers() == std::vector<std::string>{"/cleFamille"});
  CHECK(again.str("/errors/0/message") == "already names SIAO household " + household);
  CHECK(g.written() == written);  // the household made meanwhile was rolled back with the rest

  // A person Rosalie already gave to another family: 409 naming that person.
  auto moved = rosalie.post(kFamilles, famille("F-2", "75", {{.id = "P-998879", .nom = "DUPONT", .prenoms = "ZOÉ",
                                                             .sexe = "F", .lien = "DEM"}}));
  REQUIRE(moved.status == 409);
  CHECK(slug(moved) == "person-exists");
  CHECK(moved.error_pointers() == std::vector<std::string>{"/personnes/0/idPersonneRosalie"});
  CHECK(moved.str("/errors/0/message") == "already names SIAO person " + first.str("/personnes/2/idPersonneSiao"));
  // And the other way round, in a PUT.
  REQUIRE(rosalie.post(kFamilles, famille("F-3", "75", {{.id = "P-3", .nom = "X", .prenoms = "Y", .sexe = "M",
                                                         .lien = "DEM"}}))
              .status == 201);
  auto taken = put(rosalie, family_url("F-3"),
                   famille("F-3", "75", {{.id = "P-3", .nom = "X", .prenoms = "Y", .sexe = "M", .lien = "DEM"},
                                         {.id = "P-998880", .nom = "DUPONT", .prenoms = "LÉO", .sexe = "I", .lien = "AUM"}}));
  CHECK(taken.status == 409);
  CHECK(taken.error_pointers() == std::vector<std::string>{"/personnes/1/idPersonneRosalie"});
}

TEST_CASE("rosalie: an idPersonneRosalie given twice - or a family with no DEM or two - is a 422") {
  RosalieGateway g;
  auto rosalie = g.rosalie();
  auto family = dupont();
  family[3].id = family[1].id;
  auto twice = rosalie.post(kFamilles, famille("F-1", "75", family));
  REQUIRE(twice.status == 422);
  CHECK(twice.error_pointers() == std::vector<std::string>{"/personnes/3/idPersonneRosalie"});
  CHECK(twice.str("/errors/0/message") == "repeats the idPersonneRosalie of /personnes/1");

  family = dupont();
  family[1].lien = "DEM";
  auto two_heads = rosalie.post(kFamilles, famille("F-1", "75", family));
  CHECK(two_heads.status == 422);
  CHECK(two_heads.error_pointers() == std::vector<std::string>{"/personnes/1/lienParente"});
  family[0].lien = "CJT";
  family[1].lien = "CJT";
  auto no_head = rosalie.post(kFamilles, famille("F-1", "75", family));
  CHECK(no_head.status == 422);
  CHECK(no_head.error_pointers() == std::vector<std::string>{"/personnes"});
  // The path names the family a PUT is about.
  REQUIRE(rosalie.post(kFamilles, famille("F-1", "75", dupont())).status == 201);
  auto elsewhere = put(rosalie, family_url("F-1"), famille("F-2", "75", dupont()));
  CHECK(elsewhere.status == 422);
  CHECK(elsewhere.error_pointers() == std::vector<std::string>{"/cleFamille"});
}

TEST_CASE("rosalie: Idempotency-Key replays POST /familles as in v2") {
  RosalieGateway g;
  auto rosalie = g.rosalie();
  const auto body = famille("F-1", "75", dupont());
  auto first = rosalie.post(kFamilles, body, {{"Idempotency-Key", "k-1"}});
  REQUIRE(first.status == 201);
  auto replay = rosalie.post(kFamilles, body, {{"Idempotency-Key", "k-1"}});
  CHECK(replay.status == 201);
  CHECK(replay.body == first.body);
  CHECK(replay.header("idempotent-replayed") == "true");
  CHECK(rosalie.post(kFamilles, famille("F-2", "75", dupont()), {{"Idempotency-Key", "k-1"}}).status == 422);
  CHECK(rosalie.post(kFamilles, body).status == 409);  // without the key: the family exists
  CHECK(g.count("SELECT count(*) FROM households") == 1);
}
