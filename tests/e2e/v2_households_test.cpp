#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

#include "gateway/audit/chain.hpp"
#include "gateway/audit/log_reader.hpp"
#include "tests/e2e/v2_fixture.hpp"

using namespace siao::test;

TEST_CASE("a household is created with every id minted - and reads back the same") {
  V2Gateway g;
  auto api = g.client();
  auto created = api.post("/api/v2/households", family());
  REQUIRE(created.status == 201);
  auto id = created.str("/id");
  CHECK(id.size() == 8);
  CHECK(id[0] == '9');
  CHECK(created.header("location") == "/api/v2/households/" + id);
  CHECK(created.header("etag") == "\"1\"");
  CHECK(created.str("/members/0/id")[0] == '4');
  CHECK(created.str("/members/1/householdId") == id);
  CHECK(created.str("/composition") == "single_woman_with_children");
  CHECK(created.integer("/adults") == 1);
  CHECK(created.integer("/minors") == 1);
  CHECK(created.str("/updatedBy") == "siao-backoffice");
  CHECK(created.str("/status") == "active");
  CHECK(created.at("/partnerKeys")->IsArray());
  CHECK(created.at("/mergedInto")->IsNull());
  CHECK(created.at("/members/0/email")->IsNull());

  auto read = api.get("/api/v2/households/" + id);
  CHECK(read.status == 200);
  CHECK(read.body == created.body);
  CHECK(read.header("etag") == "\"1\"");
  CHECK(api.get("/api/v2/persons/" + created.str("/members/0/id")).str("/lastName") == "DUPONT");
}

TEST_CASE("ids are 8 digits in one range per kind - increasing - never reused") {
  V2Gateway g;
  auto api = g.client();
  std::string previous;
  for (int i = 0; i < 3; ++i) {
    auto r = api.post("/api/v2/households", family());
    REQUIRE(r.status == 201);
    CHECK(r.str("/id") > previous);
    previous = r.str("/id");
  }
  CHECK(api.get("/api/v2/households/12345678").status == 404);  // not a household id
  CHECK(api.get("/api/v2/households/..%2F..%2Fetc").status == 404);
}

TEST_CASE("composition is derived from the members") {
  V2Gateway g;
  auto api = g.client();
  struct Case {
    std::vector<std::string> members;
    const char* composition;
  };
  const Case cases[] = {
      {{person_json("head", "A", "male", "1980")}, "single_man"},
      {{person_json("head", "A", "female", "1980-01")}, "single_woman"},
      {{person_json("head", "A", "female", "1980"), person_json("spouse", "A", "male", "1981")},
       "couple_without_children"},
      {{person_json("head", "A", "female", "1980"), person_json("spouse", "A", "male", "1981"),
        person_json("child", "A", "male")},
       "couple_with_children"},
      {{person_json("head", "A", "male", "1980"), person_json("child", "A", "male", "2020")},
       "single_man_with_children"},
      {{person_json("head", "A", "unknown", "1980"), person_json("child", "A", "male", "2020")}, "group_with_children"},
      {{person_json("head", "A", "male", "1980"), person_json("other_adult", "B", "male", "1970")}, "adult_group"},
      {{person_json("head", "A", "male", "2012-05-05")}, "isolated_minor"},
      {{person_json("head", "A", "male", "2012"), person_json("other_minor", "B", "female")}, "minors_group"},
  };
  for (const auto& c : cases) {
    auto r = api.post("/api/v2/households", household_body("93", c.members));
    REQUIRE(r.status == 201);
    CHECK_MESSAGE(r.str("/composition") == c.composition, r.body);
  }
}

TEST_CASE("invalid households are 422 with one pointer per violation - or 400 when not JSON") {
  V2Gateway g;
  auto api = g.client();
  auto two_heads = api.post("/api/v2/households", household_body("75", {person_json("head", "A", "male"),
                                                                           person_json("head", "B", "female")}));
  CHECK(two_heads.status == 422);
  CHECK(two_heads.error_pointers() == std::vector<std::string>{"/members/1/role"});
  auto no_head = api.post("/api/v2/households", household_body("75", {person_json("child", "A", "male")}));
  CHECK(no_head.status == 422);
  CHECK(no_head.error_pointers() == std::vector<std::string>{"/members"});

  auto missing = api.post("/api/v2/households",
                          R"({"territory":"75","members":[{"role":"head","lastName":"A","firstNames":["B"],"sex":"male"},
                              {"role":"child","firstNames":["C"],"sex":"male","foo":1}],"id":"90000001"})");
  CHECK(missing.status == 422);
  CHECK(missing.header("content-type") == "application/problem+json");
  auto pointers = missing.error_pointers();
  CHECK(std::find(pointers.begin(), pointers.end(), "/members/1/lastName") != pointers.end());
  CHECK(std::find(pointers.begin(), pointers.end(), "/members/1/foo") != pointers.end());
  CHECK(std::find(pointers.begin(), pointers.end(), "/id") != pointers.end());

  auto bad_date = api.post("/api/v2/households", household_body("75", {person_json("head", "A", "male", "1990-02-31")}));
  CHECK(bad_date.status == 422);
  CHECK(bad_date.error_pointers() == std::vector<std::string>{"/members/0/birthDate"});
  CHECK(api.post("/api/v2/households", household_body("99", {person_json("head", "A", "male")})).status == 422);

  CHECK(api.post("/api/v2/households", "{\"territory\":").status == 400);
  CHECK(api.post("/api/v2/households", std::string(40, '[') + std::string(40, ']')).status == 400);
  CHECK(api.post("/api/v2/households", "{\"territory\":\"7\xff\"}").status == 400);
  CHECK(g.count("SELECT count(*) FROM households") == 0);
}

TEST_CASE("no credential or an unknown one is 401 with WWW-Authenticate") {
  V2Gateway g;
  ApiClient anonymous(g.gw.http_port(), "");
  auto r = anonymous.get("/api/v2/households/90000001");
  CHECK(r.status == 401);
  CHECK(r.header("www-authenticate") == "Bearer");
  ApiClient wrong(g.gw.http_port(), "not-the-key");
  CHECK(wrong.post("/api/v2/households", family()).status == 401);
  CHECK(g.count("SELECT count(*) FROM households") == 0);
}

TEST_CASE("PATCH needs If-Match: 428 without - 412 when stale - a new version when current") {
  V2Gateway g;
  auto api = g.client();
  auto id = api.post("/api/v2/households", family()).str("/id");
  auto url = "/api/v2/households/" + id;
  CHECK(api.patch(url, R"({"territory":"93"})", "").status == 428);
  CHECK(api.patch(url, R"({"territory":"93"})", "\"7\"").status == 412);
  auto ok = api.patch(url, R"({"territory":"93"})", "\"1\"");
  CHECK(ok.status == 200);
  CHECK(ok.str("/territory") == "93");
  CHECK(ok.header("etag") == "\"2\"");
  CHECK(api.patch(url, R"({"territory":"94"})", "\"1\"").status == 412);
  CHECK(api.patch(url, R"({"status":"closed"})", "\"2\"").status == 422);
}

TEST_CASE("two concurrent PATCHes with the same If-Match: exactly one wins") {
  V2Gateway g;
  auto id = g.client().post("/api/v2/households", family()).str("/id");
  for (int round = 0; round < 5; ++round) {
    auto etag = g.client().get("/api/v2/households/" + id).header("etag");
    std::atomic<int> ok{0}, stale{0};
    std::vector<std::thread> writers;
    for (int w = 0; w < 4; ++w)
      writers.emplace_back([&, w] {
        auto api = g.client();
        auto r = api.patch("/api/v2/households/" + id, w % 2 ? R"({"territory":"93"})" : R"({"territory":"94"})", etag);
        (r.status == 200 ? ok : stale)++;
        CHECK((r.status == 200 || r.status == 412));
      });
    for (auto& t : writers) t.join();
    CHECK(ok == 1);
    CHECK(stale == 3);
  }
  CHECK(g.count("SELECT max(version) FROM resource_versions WHERE kind = 'household'") == 6);
}

TEST_CASE("history keeps every version - oldest first") {
  V2Gateway g;
  auto api = g.client();
  auto id = api.post("/api/v2/households", family()).str("/id");
  api.patch("/api/v2/households/" + id, R"({"territory":"93"})", "\"1\"");
  auto h = api.get("/api/v2/households/" + id + "/history");
  REQUIRE(h.status == 200);
  CHECK(h.at("/items")->Size() == 2);
  CHECK(h.integer("/items/0/version") == 1);
  CHECK(h.str("/items/0/change") == "created");
  CHECK(h.str("/items/0/snapshot/territory") == "75");
  CHECK(h.str("/items/1/snapshot/territory") == "93");
  CHECK(h.str("/items/1/by") == "siao-backoffice");
  CHECK(h.at("/next")->IsNull());
}

TEST_CASE("search by name and birth date - paged with an opaque cursor") {
  V2Gateway g;
  auto api = g.client();
  for (int i = 0; i < 3; ++i) api.post("/api/v2/households", family());
  api.post("/api/v2/households", household_body("93", {person_json("head", "MARTIN", "male", "1970")}));
  auto all = api.get("/api/v2/households?lastName=dupont&birthDate=1985-03-14");
  CHECK(all.status == 200);
  CHECK(all.at("/items")->Size() == 3);
  CHECK(all.at("/next")->IsNull());
  CHECK(all.at("/items/2/members")->Size() == 2);  // each household whole, members included
  CHECK(all.str("/items/2/members/1/firstNames/0") == "Paul");
  auto first = api.get("/api/v2/households?lastName=DUPONT&limit=2");
  CHECK(first.at("/items")->Size() == 2);
  auto next = first.str("/next");
  REQUIRE_FALSE(next.empty());
  auto second = api.get("/api/v2/households?lastName=DUPONT&limit=2&after=" + next);
  CHECK(second.at("/items")->Size() == 1);
  CHECK(second.at("/next")->IsNull());
  CHECK(api.get("/api/v2/households?territory=93").at("/items")->Size() == 1);
  CHECK(api.get("/api/v2/households?limit=501").status == 422);
  CHECK(api.get("/api/v2/households?after=garbage").status == 422);
}

TEST_CASE("Idempotency-Key: a retry replays the first answer with one effect - other bytes are 422") {
  V2Gateway g;
  auto api = g.client();
  auto first = api.post("/api/v2/households", family(), {{"Idempotency-Key", "k-1"}});
  REQUIRE(first.status == 201);
  auto again = api.post("/api/v2/households", family(), {{"Idempotency-Key", "k-1"}});
  CHECK(again.status == 201);
  CHECK(again.body == first.body);
  CHECK(again.header("location") == first.header("location"));
  CHECK(again.header("etag") == first.header("etag"));
  CHECK(g.count("SELECT count(*) FROM households") == 1);
  auto other = api.post("/api/v2/households", household_body("93", {person_json("head", "X", "male")}),
                        {{"Idempotency-Key", "k-1"}});
  CHECK(other.status == 422);
  CHECK(g.count("SELECT count(*) FROM households") == 1);
}

TEST_CASE("every exchange is in the hash-chained audit log - refusals included") {
  V2Gateway g;
  auto api = g.client();
  auto id = api.post("/api/v2/households", family()).str("/id");
  api.get("/api/v2/households/" + id);
  api.get("/api/v2/households/99999999");
  ApiClient(g.gw.http_port(), "").get("/api/v2/households/" + id);
  CHECK(g.count("SELECT count(*) FROM audit_exchanges") == 4);
  CHECK(g.count("SELECT count(*) FROM audit_exchanges WHERE status = 404") == 1);
  CHECK(g.count("SELECT count(*) FROM audit_exchanges WHERE status = 401 AND client_id = ''") == 1);
  // Each record links to the one before it, and the head names the last.
  CHECK(g.count("SELECT count(*) FROM audit_exchanges a JOIN audit_exchanges b ON b.seq = a.seq + 1 "
                "WHERE b.prev_hash <> a.hash") == 0);
  CHECK(g.count("SELECT count(*) FROM audit_chain_head h JOIN audit_exchanges a ON a.seq = h.seq AND a.hash = h.hash") == 1);
  CHECK(g.count("SELECT count(*) FROM audit_exchanges WHERE method = 'POST' AND resources::jsonb @> "
                "'[{\"kind\":\"household\",\"id\":\"" + id + "\",\"written\":true}]'") == 1);
  pqxx::connection c(g.db.url());
  pqxx::nontransaction t(c);
  CHECK_THROWS(t.exec("UPDATE audit_exchanges SET status = 200"));
}

TEST_CASE("bodies must be JSON and patches merge patches: 415 otherwise") {
  V2Gateway g;
  auto api = g.client();
  CHECK(api.post("/api/v2/households", family(), {{"Content-Type", "text/plain"}}).status == 415);
  CHECK(api.post("/api/v2/households", family(), {{"Content-Type", "application/json; charset=utf-8"}}).status == 201);
  auto id = api.post("/api/v2/households", family()).str("/id");
  auto wrong = api.send("PATCH", "/api/v2/households/" + id, R"({"territory":"93"})",
                        {{"Content-Type", "application/json"}, {"If-Match", "\"1\""}});
  CHECK(wrong.status == 415);
  CHECK(wrong.header("accept-patch") == "application/merge-patch+json");
}

TEST_CASE("the same Idempotency-Key sent many times at once has one effect: the others replay or get 409") {
  V2Gateway g;
  std::vector<std::thread> callers;
  std::mutex mutex;
  std::vector<ApiResult> results;
  for (int i = 0; i < 8; ++i)
    callers.emplace_back([&] {
      auto api = g.client();
      auto r = api.post("/api/v2/households", family(), {{"Idempotency-Key", "burst"}});
      std::lock_guard lock(mutex);
      results.push_back(std::move(r));
    });
  for (auto& t : callers) t.join();
  std::string body;
  for (const auto& r : results) {
    CHECK((r.status == 201 || r.status == 409));
    if (r.status == 409) CHECK(r.str("/type") == "/problems/request-in-flight");
    if (r.status != 201) continue;
    if (body.empty()) body = r.body;
    CHECK(r.body == body);
  }
  CHECK(g.count("SELECT count(*) FROM households") == 1);
}

TEST_CASE("every audit record's hash is recomputed from its stored row and its predecessor") {
  V2Gateway g;
  auto api = g.client();
  auto id = api.post("/api/v2/households", family(), {{"Idempotency-Key", "audit-1"}}).str("/id");
  api.get("/api/v2/households/" + id);
  api.patch("/api/v2/households/" + id, R"({"territory":"93"})", "\"1\"");
  api.post("/api/v2/households", "{broken");
  pqxx::connection c(g.db.url());
  pqxx::work t(c);
  std::vector<siao::audit::LoggedRecord> records;
  siao::audit::for_each_record(t, 1, 1000, [&](siao::audit::LoggedRecord&& r) {
    records.push_back(std::move(r));
    return true;
  });
  REQUIRE(records.size() == 4);
  std::string prev(64, '0');
  for (const auto& r : records) {
    CHECK(r.prev_hash == prev);
    CHECK(r.hash == siao::audit::record_hash(prev, r.fields()));
    prev = r.hash;
  }
  // Each names the contract that authorised it: the back-office's, as archived.
  CHECK(g.count("SELECT count(*) FROM audit_exchanges a JOIN contract_versions v ON v.sha256 = a.contract_sha256 "
                "WHERE a.client_id = 'siao-backoffice' AND v.client_id = 'siao-backoffice' AND a.contract_version = '1.0.0'") == 4);
  // Reads keep no body; writes keep both, as received and as answered, sealed; the path stays in clear.
  CHECK(g.count("SELECT count(*) FROM audit_exchanges WHERE method = 'GET' AND response_body IS NULL") == 1);
  CHECK(g.count("SELECT count(*) FROM audit_exchanges WHERE request_body LIKE '%DUPONT%' OR response_body LIKE '%DUPONT%'") == 0);
  CHECK(records[1].target == "/api/v2/households/" + id);
  auto keys = siao::audit::KeyRing::from_file(kAuditMasterKeyFile, false);
  auto created = siao::audit::open_record(t, keys, records[0]);
  REQUIRE(created.request_body);
  CHECK(*created.request_body == family());
  CHECK(created.response_body->find("DUPONT") != std::string::npos);
  CHECK(created.headers->find("\"idempotency-key\":\"audit-1\"") != std::string::npos);
  auto household = api.get("/api/v2/households/" + id);
  auto head = std::stoll(household.str("/members/0/id")), child = std::stoll(household.str("/members/1/id"));
  CHECK(*records[0].subjects == "[\"person:" + std::to_string(std::min(head, child)) + "\",\"person:" +
                                    std::to_string(std::max(head, child)) + "\"]");
  auto refused = siao::audit::open_record(t, keys, records[3]);
  CHECK(records[3].status == 400);
  CHECK(*refused.request_body == "{broken");
  CHECK(records[3].subjects->rfind("[\"period:", 0) == 0);
}
