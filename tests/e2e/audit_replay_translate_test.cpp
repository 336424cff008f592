// `replay translate`: the Rosalie samples and v2 traffic replay with no difference, over HTTP and from the
// command line; a recorded canonical form edited in the log is found, and only it; an exchange recorded under an
// older mapping replays under that mapping (kept in rule_versions), the newer one under its own.
#include <algorithm>
#include <fstream>
#include <sstream>

#include "gateway/audit/log_reader.hpp"
#include "gateway/audit/sealing.hpp"
#include "gateway/audit/subject_keys.hpp"
#include "tests/e2e/rosalie_fixture.hpp"

using namespace siao::test;
using namespace siao::test::rosalie;

namespace {

namespace fs = std::filesystem;

constexpr const char* kReplay = "/api/v2/audit/replay";
constexpr const char* kEverything = R"({"mode":"translate","from":"2000-01-01T00:00:00Z","to":"2999-12-31T23:59:59Z"})";

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<fs::path> rosalie_samples() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(fs::path(SIAO_SOURCE_DIR) / "samples" / "rosalie"))
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

// Every Rosalie sample, in order, each answered as it says.
void send_rosalie_samples(RosalieGateway& g) {
  auto rosalie = g.rosalie();
  for (const auto& file : rosalie_samples()) {
    CAPTURE(file.filename().string());
    const auto sample = siao::json::parse_body(read_text(file));
    const auto& request = sample["request"];
    const std::string body = request.HasMember("body") ? text(&request["body"]) : std::string();
    ApiResult got;
    try {
      got = rosalie.send(request["method"].GetString(), request["path"].GetString(), body, {});
    } catch (const std::exception& e) {
      FAIL(e.what() << "\n" << g.gw.output());
    }
    REQUIRE_MESSAGE(got.status == sample["answer"]["status"].GetInt(), got.body);
  }
}

// v2 traffic: creations, a patch, a refused body, reads.
void send_v2_traffic(const RosalieGateway& g) {
  auto partner = g.backoffice();
  auto created = partner.post("/api/v2/households",
                              household_body("93", {person_json("head", "Martin", "female", "1985-04-12"),
                                                    person_json("child", "Martin", "male", "2015", "Louis")}));
  REQUIRE_MESSAGE(created.status == 201, created.body);
  const auto id = created.str("/id");
  auto patched = partner.patch("/api/v2/households/" + id, R"({"territory":"94"})", created.header("etag"));
  CHECK_MESSAGE(patched.status == 200, patched.body);
  auto refused = partner.post("/api/v2/households", R"({"territory":"93","members":"none"})");
  CHECK(refused.status == 422);
  CHECK(partner.get("/api/v2/households/" + id).status == 200);
}

rapidjson::Document replayed(const RosalieGateway& g, const std::string& body) {
  ApiClient auditor(g.gw.http_port(), kAuditorKey);
  ApiResult r;
  try {
    r = auditor.post(kReplay, body);
  } catch (const std::exception& e) {
    FAIL(e.what() << "\n" << g.gw.output());
  }
  REQUIRE_MESSAGE(r.status == 200, r.body);
  rapidjson::Document doc;
  doc.Parse(r.body.c_str());
  REQUIRE(doc.IsObject());
  return doc;
}

std::string differences_of(const rapidjson::Value& report) { return text(&report["different"]); }

// The last record of `client` that holds canonical commands.
std::int64_t last_translated(const RosalieGateway& g, const std::string& client) {
  return g.count("SELECT coalesce(max(seq), 0) FROM audit_exchanges WHERE canonical IS NOT NULL AND client_id = '" +
                 client + "'");
}

siao::audit::KeyRing test_keys() { return siao::audit::KeyRing::from_file(kAuditMasterKeyFile, false); }

}  // namespace

TEST_CASE("audit replay translate: the Rosalie samples and v2 traffic replay with no difference") {
  RosalieGateway g;
  send_rosalie_samples(g);
  send_v2_traffic(g);
  // The gateway's own operations (admin, audit: the replay calls themselves) are no partner's requests.
  const auto inbound = g.count(
      "SELECT count(*) FROM audit_exchanges WHERE contract_sha256 IS NOT NULL "
      "AND (canonical IS NOT NULL OR request_body IS NOT NULL) AND route NOT LIKE '/api/v2/audit/%'");
  REQUIRE(inbound >= static_cast<long long>(rosalie_samples().size()) + 3);

  const auto report = replayed(g, kEverything);
  CAPTURE(text(&report));
  CHECK(std::string(report["mode"].GetString()) == "translate");
  CHECK(report["checked"].GetInt64() == inbound);
  CHECK(report["identical"].GetInt64() == inbound);
  CHECK(differences_of(report) == "[]");
  // Canonical values were compared, not merely counted: the note that counts them says more than none.
  CHECK(text(&report["notes"]).find(" 0 canonical values") == std::string::npos);
  long long compared = -1;
  for (const auto& note : report["notes"].GetArray()) {
    std::string n = note.GetString();
    if (n.find(" canonical values compared") != std::string::npos) compared = std::stoll(n);
  }
  CHECK(compared > 0);

  SUBCASE("the command line says the same, and exits 0") {
    auto run = run_gateway({"audit", "replay", "--mode", "translate"}, {{"DATABASE_URL", g.db.url()}});
    CAPTURE(run.output);
    CHECK(run.exit_code == 0);
    CHECK(run.output.find(std::to_string(inbound) + " checked, " + std::to_string(inbound) + " identical, 0 differences") !=
          std::string::npos);
  }
  SUBCASE("a selection narrows it: one client, a time range") {
    const auto rosalie_only = replayed(g, R"({"mode":"translate","from":"2000-01-01T00:00:00Z",)"
                                          R"("to":"2999-12-31T23:59:59Z","client":"rosalie"})");
    CHECK(rosalie_only["checked"].GetInt64() ==
          g.count("SELECT count(*) FROM audit_exchanges WHERE client_id = 'rosalie' "
                  "AND (canonical IS NOT NULL OR request_body IS NOT NULL)"));
    CHECK(rosalie_only["checked"].GetInt64() >= static_cast<long long>(rosalie_samples().size()));
    const auto none = replayed(g, R"({"mode":"translate","from":"2000-01-01T00:00:00Z","to":"2000-01-02T00:00:00Z"})");
    CHECK(none["checked"].GetInt64() == 0);
  }
}

TEST_CASE("audit replay translate: refusals of the route") {
  RosalieGateway g;
  ApiClient auditor(g.gw.http_port(), kAuditorKey);
  CHECK(auditor.post(kReplay, R"({"mode":"guess","from":"2000-01-01T00:00:00Z","to":"2000-01-02T00:00:00Z"})").status == 400);
  CHECK(auditor.post(kReplay, R"({"mode":"translate","from":"yesterday","to":"2000-01-02T00:00:00Z"})").status == 400);
  CHECK(auditor.post(kReplay, "not json").status == 400);
  auto rebuild = auditor.post(kReplay, R"({"mode":"rebuild","from":"2000-01-01T00:00:00Z","to":"2000-01-02T00:00:00Z"})");
  CHECK(rebuild.status == 409);
  CHECK(rebuild.str("/type") == "/problems/replay-unavailable");
  CHECK(g.sample_partner().post(kReplay, kEverything).status == 403);
  CHECK(ApiClient(g.gw.http_port(), "no-such-key-0123456789").post(kReplay, kEverything).status == 401);
  // Each call is an exchange of the log, refusals included.
  CHECK(g.count("SELECT count(*) FROM audit_exchanges WHERE route = '/api/v2/audit/replay'") == 6);
}

TEST_CASE("audit replay translate: an edited canonical form is the one difference found") {
  RosalieGateway g;
  send_rosalie_samples(g);
  const auto seq = last_translated(g, "rosalie");
  std::int64_t edited_seq = 0;
  std::string edited_field, original_value;
  {
    // The log is append-only even for its owner: the test, owning the database, lifts the trigger for one edit.
    pqxx::connection c(g.db.url());
    pqxx::work tx(c);
    const auto keys = test_keys();
    // The first family creation: its canonical POST /api/v2/households carries the translated persons.
    auto row = tx.exec_params1(
        "SELECT seq FROM audit_exchanges WHERE client_id = 'rosalie' AND method = 'POST' "
        "AND target = '/api/v1.1/familles' AND status = 201 ORDER BY seq LIMIT 1");
    edited_seq = row[0].as<std::int64_t>();
    REQUIRE(edited_seq <= seq);
    auto record = *siao::audit::load_record(tx, edited_seq);
    auto opened = siao::audit::open_record(tx, keys, record);
    REQUIRE(opened.canonical);
    rapidjson::Document commands;
    commands.Parse(opened.canonical->c_str());
    REQUIRE(commands.IsArray());
    rapidjson::SizeType k = 0;
    while (k < commands.Size() && std::string(commands[k]["method"].GetString()) != "POST") ++k;
    REQUIRE(k < commands.Size());
    rapidjson::Document body;
    body.Parse(commands[k]["body"].GetString());
    auto& last_name = body["members"][0]["lastName"];
    original_value = text(&last_name);
    const std::string changed = std::string(last_name.GetString()) + "X";
    last_name.SetString(changed.c_str(), static_cast<rapidjson::SizeType>(changed.size()), body.GetAllocator());
    const auto new_body = text(&body);
    commands[k]["body"].SetString(new_body.c_str(), static_cast<rapidjson::SizeType>(new_body.size()),
                                  commands.GetAllocator());
    edited_field = "/" + std::to_string(k) + "/body/members/0/lastName";
    const auto subjects = siao::audit::parse_subjects(*record.subjects);
    siao::audit::Sealer sealer(subjects, keys.fetch(tx, subjects));
    const auto partition = tx.exec_params1("SELECT tableoid::regclass::text FROM audit_exchanges WHERE seq = $1",
                                           edited_seq)[0]
                               .as<std::string>();
    tx.exec0("ALTER TABLE " + tx.quote_name(partition) + " DISABLE TRIGGER USER");
    tx.exec_params0("UPDATE audit_exchanges SET canonical = $1 WHERE seq = $2", sealer.seal(text(&commands)), edited_seq);
    tx.exec0("ALTER TABLE " + tx.quote_name(partition) + " ENABLE TRIGGER USER");
    tx.commit();
  }
  const auto report = replayed(g, kEverything);
  CAPTURE(text(&report));
  REQUIRE(report["different"].Size() == 1);
  const auto& d = report["different"][0];
  CHECK(std::string(d["exchange"].GetString()) == std::to_string(edited_seq));  // ids are strings, as everywhere in v2
  CHECK(std::string(d["field"].GetString()) == edited_field);
  CHECK(std::string(d["replayed"].GetString()) == original_value);
  CHECK(std::string(d["recorded"].GetString()) != original_value);
  CHECK(report["identical"].GetInt64() == report["checked"].GetInt64() - 1);

  auto run = run_gateway({"audit", "replay", "--mode", "translate", "--client", "rosalie"}, {{"DATABASE_URL", g.db.url()}});
  CAPTURE(run.output);
  CHECK(run.exit_code == 1);
  CHECK(run.output.find("exchange " + std::to_string(edited_seq) + " " + edited_field) != std::string::npos);
}

TEST_CASE("audit replay translate: each exchange replays under the mapping it was recorded with") {
  // Contracts and the mapping in a directory of the test's own, so that the mapping can change between exchanges.
  const auto root = fs::temp_directory_path() / ("siao-replay-test-" + std::to_string(::getpid()));
  fs::remove_all(root);
  fs::create_directories(root);
  fs::copy(fs::path(SIAO_SOURCE_DIR) / "contracts", root / "contracts", fs::copy_options::recursive);
  fs::copy(fs::path(SIAO_SOURCE_DIR) / "mapping", root / "mapping", fs::copy_options::recursive);
  fs::copy(fs::path(SIAO_SOURCE_DIR) / "samples", root / "samples", fs::copy_options::recursive);

  TestDatabase db;
  GatewayProcess gw({.database_url = db.url(), .env = {{"GATEWAY_CONTRACTS_DIR", (root / "contracts").string()}}});
  REQUIRE(gw.wait_ready(std::chrono::seconds(15)));
  ApiClient rosalie(gw.http_port(), kRosalieKey);
  auto family = [&](const std::string& cle, const std::string& person) {
    return "{\"cleFamille\":\"" + cle + "\",\"departement\":\"93\",\"personnes\":[" +
           personne({person, "DIALLO", "AWA", "F", "DEM", "12/03/1990"}) + "]}";
  };
  auto first = rosalie.post(kFamilles, family("F-REPLAY-1", "P-REPLAY-1"));
  REQUIRE_MESSAGE(first.status == 201, first.body);

  // Mapping 1.1.0 as amended: Rosalie's F and M swapped (a test's change, not a real one).
  const auto codes = root / "mapping" / "codes" / "rosalie" / "sexe.json";
  auto sexe = read_text(codes);
  const auto female = sexe.find("\"siao\": \"female\"");
  const auto male = sexe.find("\"siao\": \"male\"");
  REQUIRE(female != std::string::npos);
  REQUIRE(male != std::string::npos);
  REQUIRE(female < male);
  sexe.replace(male, std::string("\"siao\": \"male\"").size(), "\"siao\": \"female\"");
  sexe.replace(female, std::string("\"siao\": \"female\"").size(), "\"siao\": \"male\"");
  std::ofstream(codes, std::ios::binary | std::ios::trunc) << sexe;
  auto reloaded = ApiClient(gw.http_port(), kBackofficeKey).post("/api/v2/admin/contracts/reload", "");
  REQUIRE_MESSAGE(reloaded.status == 200, reloaded.body);
  auto second = rosalie.post(kFamilles, family("F-REPLAY-2", "P-REPLAY-2"));
  REQUIRE_MESSAGE(second.status == 201, second.body);

  auto count = [&](const std::string& sql) {
    pqxx::connection c(db.url());
    pqxx::nontransaction t(c);
    return t.exec(sql)[0][0].as<long long>();
  };
  // Two mapping versions pinned by the two exchanges, both kept; the translations differ on the person's sex.
  CHECK(count("SELECT count(DISTINCT mapping_sha256) FROM audit_exchanges WHERE canonical IS NOT NULL") == 2);
  CHECK(count("SELECT count(*) FROM rule_versions WHERE kind = 'mapping'") == 2);
  CHECK(count("SELECT count(*) FROM rule_versions WHERE kind = 'schemas'") == 1);
  {
    pqxx::connection c(db.url());
    pqxx::read_transaction tx(c);
    const auto keys = test_keys();
    std::vector<std::string> sexes;
    for (const auto& row : tx.exec("SELECT seq FROM audit_exchanges WHERE canonical IS NOT NULL ORDER BY seq")) {
      auto opened = siao::audit::open_record(tx, keys, *siao::audit::load_record(tx, row[0].as<std::int64_t>()));
      rapidjson::Document commands, body;
      commands.Parse(opened.canonical->c_str());
      body.Parse(commands[0]["body"].GetString());
      sexes.emplace_back(body["members"][0]["sex"].GetString());
    }
    CHECK(sexes == std::vector<std::string>{"female", "male"});
  }

  ApiClient auditor(gw.http_port(), kAuditorKey);
  auto r = auditor.post(kReplay, kEverything);
  REQUIRE_MESSAGE(r.status == 200, r.body);
  CHECK(r.integer("/checked") == 2);
  CHECK(r.integer("/identical") == 2);
  CHECK(text(r.at("/different")) == "[]");
  fs::remove_all(root);
}
