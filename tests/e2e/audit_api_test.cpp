// The auditors' read API: the exchange log searched and read record by record (bodies in clear only for
// audit:personal-data), and the disclosure ledger of a person, derived from the log.
#include "tests/e2e/contracts_fixture.hpp"

using namespace siao::test;
using namespace siao::test::contracts;

namespace {

const std::string kExchanges = "/api/v2/audit/exchanges";

// An auditor with audit:read but not audit:personal-data.
const ContractSpec kNarrowAuditor{.id = "narrow-auditor", .scopes = R"(["audit:read"])"};

std::string a_household() {
  return household_body("93", {person_json("head", "LEGRAND", "female", "1990-01-02", "Anne")});
}

ApiClient auditor(const ContractsGateway& g) { return ApiClient(g.port(), kAuditorKey); }

std::vector<std::string> ids_of(const ApiResult& list, const char* member = "id") {
  std::vector<std::string> out;
  const auto* items = list.at("/items");
  REQUIRE_MESSAGE((items && items->IsArray()), list.body);
  for (const auto& item : items->GetArray()) out.emplace_back(item[member].GetString());
  return out;
}

// Every item of a search, following `next` with pages of `limit`.
std::vector<std::string> all_ids(ApiClient& api, const std::string& query, int limit) {
  std::vector<std::string> out;
  std::string target = kExchanges + "?" + query + "&limit=" + std::to_string(limit);
  for (int pages = 0; pages < 1000; ++pages) {
    auto page = api.get(target);
    REQUIRE_MESSAGE(page.status == 200, page.body);
    auto ids = ids_of(page);
    CHECK(ids.size() <= static_cast<std::size_t>(limit));
    out.insert(out.end(), ids.begin(), ids.end());
    if (page.at("/next")->IsNull()) return out;
    target = kExchanges + "?" + query + "&limit=" + std::to_string(limit) + "&after=" + page.str("/next");
  }
  FAIL("the pages never end");
  return out;
}

std::vector<std::string> db_ids(const ContractsGateway& g, const std::string& where) {
  std::vector<std::string> out;
  for (const auto& row : rows(g.db.url(), "SELECT seq FROM audit_exchanges WHERE " + where + " ORDER BY seq"))
    out.push_back(row[0]);
  return out;
}

// The log's record of the one exchange that matched `where`.
std::string record_id(const ContractsGateway& g, const std::string& where) {
  auto ids = db_ids(g, where);
  REQUIRE_MESSAGE(ids.size() == 1, where);
  return ids.front();
}

bool problem_names(const ApiResult& r, int status, const std::string& parameter) {
  return r.status == status && r.header("content-type") == "application/problem+json" &&
         contains(r.str("/detail"), parameter);
}

std::vector<std::string> strings_at(const ApiResult& r, const std::string& pointer) {
  std::vector<std::string> out;
  const auto* v = r.at(pointer.c_str());
  if (!v || !v->IsArray()) return out;
  for (const auto& s : v->GetArray()) out.emplace_back(s.GetString());
  return out;
}

// The disclosures of a person, as {exchange id -> (client, fields)}.
struct Disclosure {
  std::string client;
  std::vector<std::string> fields;
};
std::map<std::string, Disclosure> disclosures(ApiClient& api, const std::string& person) {
  auto r = api.get("/api/v2/persons/" + person + "/disclosures?limit=500");
  REQUIRE_MESSAGE(r.status == 200, r.body);
  std::map<std::string, Disclosure> out;
  const auto& items = *r.at("/items");
  for (rapidjson::SizeType i = 0; i < items.Size(); ++i) {
    auto base = "/items/" + std::to_string(i);
    out[r.str((base + "/exchange").c_str())] = {r.str((base + "/client").c_str()), strings_at(r, base + "/fields")};
  }
  return out;
}

bool has_field(const Disclosure& d, const std::string& field) {
  return std::find(d.fields.begin(), d.fields.end(), field) != d.fields.end();
}

}  // namespace

TEST_CASE("audit api: the log is searched by client - resource - time range and outcome - and paged on seq") {
  ContractsGateway g;
  g.start();
  auto backoffice = g.backoffice();
  auto s = seed(backoffice, "93");
  auto other = seed(backoffice, "75", "MARTIN");
  auto partner = g.sample_partner();
  REQUIRE(partner.get("/api/v2/households/" + s.household).status == 200);
  REQUIRE(partner.post("/api/v2/households", a_household()).status == 403);  // refused: no households:write
  REQUIRE(partner.get("/api/v2/households/" + other.household).status == 404);  // outside its territory
  auto api = auditor(g);

  SUBCASE("by client") {
    auto found = api.get(kExchanges + "?client=sample-partner");
    REQUIRE_MESSAGE(found.status == 200, found.body);
    CHECK(ids_of(found) == db_ids(g, "client_id = 'sample-partner'"));
    CHECK(ids_of(found, "client") == std::vector<std::string>(3, "sample-partner"));
    CHECK(found.str("/items/0/method") == "GET");
    CHECK(found.str("/items/0/route") == "/api/v2/households/{id}");
    CHECK(found.str("/items/0/target") == "/api/v2/households/" + s.household);
    CHECK(found.integer("/items/0/status") == 200);
    CHECK(found.str("/items/0/contractVersion") == "1.0.0");
    CHECK(found.str("/items/0/contractSha256") == g.contracts.sha256("sample-partner"));
    CHECK(found.str("/items/0/adapter") == "generic");
    CHECK(found.str("/items/0/mappingVersion") == "v2");
    CHECK(found.str("/items/0/resources/0/kind") == "household");
    CHECK(found.str("/items/0/resources/0/id") == s.household);
    auto row = rows(g.db.url(), "SELECT hash, prev_hash, trace_id FROM audit_exchanges WHERE seq = " +
                                    found.str("/items/0/id"));
    CHECK(found.str("/items/0/hash") == row[0][0]);
    CHECK(found.str("/items/0/prevHash") == row[0][1]);
    CHECK(found.str("/items/0/traceId") == row[0][2]);
    CHECK(has(found, "/items/0/durationUs"));
    CHECK(found.at("/next")->IsNull());
  }

  SUBCASE("by resource: the records naming it, through the index on resources") {
    auto found = api.get(kExchanges + "?resource=household:" + s.household);
    REQUIRE_MESSAGE(found.status == 200, found.body);
    auto expected =
        db_ids(g, "resources::jsonb @> '[{\"kind\":\"household\",\"id\":\"" + s.household + "\"}]'::jsonb");
    CHECK(expected.size() == 2);  // created, read by the partner (its request's creation names the request)
    CHECK(ids_of(found) == expected);
    auto person = api.get(kExchanges + "?resource=person:" + s.head + "&client=sample-partner");
    CHECK(ids_of(person).size() == 1);  // the partner's read of the household names its members
    CHECK(ids_of(api.get(kExchanges + "?resource=household:" + other.household + "&client=sample-partner")).empty());
    CHECK(ids_of(api.get(kExchanges + "?resource=request:79999999")).empty());
  }

  SUBCASE("by outcome: success 2xx - refused 4xx - error 5xx") {
    auto refused = api.get(kExchanges + "?client=sample-partner&outcome=refused");
    CHECK(ids_of(refused) == db_ids(g, "client_id = 'sample-partner' AND status >= 400 AND status < 500"));
    CHECK(ids_of(refused).size() == 2);
    auto success = api.get(kExchanges + "?client=sample-partner&outcome=success");
    CHECK(ids_of(success) == db_ids(g, "client_id = 'sample-partner' AND status < 300"));
    CHECK(ids_of(success).size() == 1);
    CHECK(ids_of(api.get(kExchanges + "?outcome=error")).empty());
  }

  SUBCASE("by time range: from and to inclusive") {
    auto all = api.get(kExchanges + "?client=siao-backoffice");
    REQUIRE(ids_of(all).size() == 4);
    auto at = all.str("/items/1/at");
    auto exactly = api.get(kExchanges + "?client=siao-backoffice&from=" + at + "&to=" + at);
    REQUIRE_MESSAGE(exactly.status == 200, exactly.body);
    auto same_instant = db_ids(g, "client_id = 'siao-backoffice' AND at = " + sql_text(at) + "::timestamptz");
    CHECK(ids_of(exactly) == same_instant);
    auto since = api.get(kExchanges + "?client=siao-backoffice&from=" + at);
    CHECK(ids_of(since) == db_ids(g, "client_id = 'siao-backoffice' AND at >= " + sql_text(at) + "::timestamptz"));
    auto until = api.get(kExchanges + "?client=siao-backoffice&to=" + at);
    CHECK(ids_of(until) == db_ids(g, "client_id = 'siao-backoffice' AND at <= " + sql_text(at) + "::timestamptz"));
    CHECK(ids_of(api.get(kExchanges + "?from=2099-01-01T00:00:00Z")).empty());
    CHECK(ids_of(api.get(kExchanges + "?to=2000-01-01T00:00:00Z")).empty());
  }

  SUBCASE("paged: every record once - in seq order - whatever the page size") {
    auto everything = db_ids(g, "client_id IN ('siao-backoffice', 'sample-partner')");
    for (int limit : {1, 2, 3, 500}) {
      CAPTURE(limit);
      auto backoffice_ids = all_ids(api, "client=siao-backoffice", limit);
      CHECK(backoffice_ids == db_ids(g, "client_id = 'siao-backoffice'"));
    }
    auto first = api.get(kExchanges + "?limit=2");
    REQUIRE(first.status == 200);
    CHECK(ids_of(first).size() == 2);
    CHECK(first.str("/next") != "");
    CHECK(everything.size() == 7);
  }

  SUBCASE("bad parameters: 400 naming the parameter - limit as every list") {
    CHECK(problem_names(api.get(kExchanges + "?outcome=maybe"), 400, "outcome"));
    CHECK(problem_names(api.get(kExchanges + "?resource=household:123"), 400, "resource"));
    CHECK(problem_names(api.get(kExchanges + "?resource=person:" + s.household), 400, "resource"));
    CHECK(problem_names(api.get(kExchanges + "?resource=" + s.household), 400, "resource"));
    CHECK(problem_names(api.get(kExchanges + "?from=yesterday"), 400, "from"));
    CHECK(problem_names(api.get(kExchanges + "?to=2026-02-30T00:00:00Z"), 400, "to"));
    CHECK(problem_names(api.get(kExchanges + "?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z"), 400, "to"));
    CHECK(problem_names(api.get(kExchanges + "?client="), 400, "client"));
    CHECK(api.get(kExchanges + "?limit=501").status == 422);
    CHECK(api.get(kExchanges + "?after=zz").status == 422);
  }
}

TEST_CASE("audit api: one exchange in full - opened for auditor and back-office - withheld without personal-data") {
  ContractsGateway g;
  g.add(kNarrowAuditor);
  g.start();
  auto backoffice = g.backoffice();
  auto s = seed(backoffice, "93");
  REQUIRE(backoffice.get("/api/v2/households?lastName=DUPONT").status == 200);
  auto created = record_id(g, "route = '/api/v2/households' AND method = 'POST'");
  auto searched = record_id(g, "route = '/api/v2/households' AND method = 'GET'");

  for (const auto* who : {"auditor", "siao-backoffice"}) {
    CAPTURE(who);
    ApiClient api(g.port(), std::string(who) == "auditor" ? kAuditorKey : kBackofficeKey);
    auto full = api.get(kExchanges + "/" + created);
    REQUIRE_MESSAGE(full.status == 200, full.body);
    CHECK(full.str("/id") == created);
    CHECK(full.str("/personalData") == "opened");
    CHECK(full.str("/request/method") == "POST");
    CHECK(full.str("/request/target") == "/api/v2/households");
    CHECK(contains(full.str("/request/body"), "marie@example.org"));
    CHECK(full.str("/request/headers/content-type") == "application/json");
    CHECK(full.integer("/response/status") == 201);
    CHECK(contains(full.str("/response/body"), "\"id\":\"" + s.household + "\""));
    CHECK(full.str("/response/sha256") == siao::util::sha256_hex(full.str("/response/body")));
    CHECK(full.str("/contractSha256") == g.contracts.sha256("siao-backoffice"));
    auto row = rows(g.db.url(), "SELECT hash, prev_hash FROM audit_exchanges WHERE seq = " + created);
    CHECK(full.str("/hash") == row[0][0]);
    CHECK(full.str("/prevHash") == row[0][1]);
    CHECK(has(full, "/canonical"));
    // A v2 write goes through no adapter: it has no canonical commands (a Rosalie one has, see the replay tests).
    CHECK(full.at("/canonical")->IsNull());
    CHECK(full.at("/checkpoint")->IsNull());

    auto query = api.get(kExchanges + "/" + searched);
    REQUIRE(query.status == 200);
    CHECK(query.str("/request/target") == "/api/v2/households?lastName=DUPONT");
    CHECK(query.str("/request/query") == "lastName=DUPONT");
    CHECK(query.at("/request/body")->IsNull());  // reads keep no bodies
  }

  auto narrow = g.as("narrow-auditor");
  auto withheld = narrow.get(kExchanges + "/" + created);
  REQUIRE_MESSAGE(withheld.status == 200, withheld.body);
  CHECK(withheld.str("/personalData") == "withheld");
  CHECK(withheld.at("/request/body")->IsNull());
  CHECK(withheld.str("/request/headers/content-type") == "application/json");  // nothing personal: never withheld
  CHECK(withheld.at("/response/body")->IsNull());
  CHECK(withheld.at("/canonical")->IsNull());
  CHECK(withheld.str("/hash") == rows(g.db.url(), "SELECT hash FROM audit_exchanges WHERE seq = " + created)[0][0]);
  CHECK_FALSE(contains(withheld.body, "DUPONT"));
  auto withheld_query = narrow.get(kExchanges + "/" + searched);
  CHECK(withheld_query.str("/request/target") == "/api/v2/households");
  CHECK(withheld_query.at("/request/query")->IsNull());
  CHECK_FALSE(contains(withheld_query.body, "DUPONT"));
  CHECK_FALSE(contains(narrow.get(kExchanges + "?client=siao-backoffice").body, "DUPONT"));

  SUBCASE("the checkpoint that covers it: the first at or after it") {
    auto seq = std::stoll(created);
    pqxx::connection c(g.db.url());
    pqxx::work tx(c);
    for (auto at : {seq + 3, seq + 1})
      tx.exec_params("INSERT INTO audit_checkpoints (seq, hash, at, public_key, signature) "
                     "VALUES ($1, $2, now(), 'pk', 'sig')",
                     at, "h" + std::to_string(at));
    tx.commit();
    auto full = auditor(g).get(kExchanges + "/" + created);
    CHECK(full.str("/checkpoint/seq") == std::to_string(seq + 1));
    CHECK(full.str("/checkpoint/hash") == "h" + std::to_string(seq + 1));
    CHECK(full.str("/checkpoint/publicKey") == "pk");
    CHECK(full.str("/checkpoint/signature") == "sig");
  }

  SUBCASE("a subject's key erased: the bodies are gone - the record stays") {
    REQUIRE(g.count("SELECT count(*) FROM audit_exchanges WHERE seq = " + created + " AND subjects LIKE '%person:" +
                    s.head + "%'") == 1);
    {
      pqxx::connection c(g.db.url());
      pqxx::work tx(c);
      tx.exec_params("DELETE FROM audit_subject_keys WHERE subject = $1", "person:" + s.head);
      tx.commit();
    }
    auto erased = backoffice.get(kExchanges + "/" + created);
    REQUIRE_MESSAGE(erased.status == 200, erased.body);
    CHECK(erased.str("/personalData") == "erased");
    CHECK(erased.at("/request/body")->IsNull());
    CHECK(erased.at("/response/body")->IsNull());
    CHECK(erased.at("/canonical")->IsNull());
    CHECK(erased.str("/request/target") == "/api/v2/households");
    CHECK_FALSE(contains(erased.body, "marie@example.org"));
  }

  SUBCASE("an unknown exchange is a 404 problem") {
    auto api = auditor(g);
    for (const auto& id : {std::string("999999999"), std::string("0"), std::string("abc"), std::string("-1")}) {
      auto missing = api.get(kExchanges + "/" + id);
      CHECK(missing.status == 404);
      CHECK(missing.header("content-type") == "application/problem+json");
    }
  }
}

TEST_CASE("audit api: contracts without audit scopes are refused with 403 - the refusal is logged") {
  ContractsGateway g;
  g.start();
  auto backoffice = g.backoffice();
  auto s = seed(backoffice, "93");
  const auto created = record_id(g, "route = '/api/v2/households' AND method = 'POST'");
  for (const auto* key : {kSamplePartnerKey, kRosalieKey}) {
    ApiClient api(g.port(), key);
    for (const auto& target : {kExchanges, kExchanges + "?client=siao-backoffice", kExchanges + "/" + created,
                               "/api/v2/persons/" + s.head + "/disclosures"}) {
      CAPTURE(target);
      auto refused = api.get(target);
      CHECK(refused.status == 403);
      CHECK(contains(refused.str("/detail"), "audit:read"));
      CHECK_FALSE(contains(refused.body, "DUPONT"));
    }
  }
  CHECK(g.count("SELECT count(*) FROM audit_exchanges WHERE status = 403 AND "
                "(route LIKE '/api/v2/audit/%' OR route LIKE '%/disclosures')") == 8);
  ApiClient nobody(g.port(), "");
  CHECK(nobody.get(kExchanges).status == 401);
}

TEST_CASE("audit api: disclosures name each client and the fields its contract then let it read") {
  ContractsGateway g;
  g.add(kNarrowAuditor);
  g.start();
  auto backoffice = g.backoffice();
  auto s = seed(backoffice, "93");
  auto partner = g.sample_partner();
  REQUIRE(partner.get("/api/v2/persons/" + s.head).status == 200);
  REQUIRE(partner.post("/api/v2/households", a_household()).status == 403);  // refused: discloses nothing
  // The partner may now read contact details: its later reads disclose them, its earlier ones still do not.
  g.contracts.edit("sample-partner", R"("read": {"except": ["phone", "email", "nationality"]})", R"("read": "*")");
  REQUIRE(backoffice.post("/api/v2/admin/contracts/reload", "").status == 200);
  REQUIRE(partner.get("/api/v2/households/" + s.household).status == 200);

  const auto created = record_id(g, "route = '/api/v2/households' AND method = 'POST' AND status = 201");
  const auto read_then = record_id(g, "client_id = 'sample-partner' AND route = '/api/v2/persons/{id}'");
  const auto read_now =
      record_id(g, "client_id = 'sample-partner' AND route = '/api/v2/households/{id}' AND status = 200");
  const std::vector<std::string> everything{"householdId", "role", "lastName", "firstNames", "sex",
                                            "birthDate",   "nationality", "phone", "email", "status"};

  auto api = auditor(g);
  auto ledger = disclosures(api, s.head);
  REQUIRE(ledger.count(created) == 1);
  CHECK(ledger[created].client == "siao-backoffice");
  CHECK(ledger[created].fields == everything);
  REQUIRE(ledger.count(read_then) == 1);
  CHECK(ledger[read_then].client == "sample-partner");
  CHECK(ledger[read_then].fields ==
        std::vector<std::string>{"householdId", "role", "lastName", "firstNames", "sex", "birthDate", "status"});
  REQUIRE(ledger.count(read_now) == 1);
  CHECK(ledger[read_now].fields == everything);
  // Only successful exchanges naming the person: the creation, the request's creation names the household only.
  CHECK(ledger.size() == 3);
  for (const auto& [exchange, d] : ledger) CHECK(d.client != "rosalie");

  SUBCASE("the back-office reads the same ledger - a narrow auditor too - others are refused") {
    auto same = backoffice.get("/api/v2/persons/" + s.head + "/disclosures");
    REQUIRE(same.status == 200);
    CHECK(ids_of(same, "exchange") == std::vector<std::string>{created, read_then, read_now});
    CHECK(g.as("narrow-auditor").get("/api/v2/persons/" + s.head + "/disclosures").status == 200);
    CHECK(partner.get("/api/v2/persons/" + s.head + "/disclosures").status == 403);
  }

  SUBCASE("an auditor who opens a record receives its personal data: the ledger says so") {
    REQUIRE(api.get(kExchanges + "/" + created).str("/personalData") == "opened");
    auto after = disclosures(api, s.head);
    CHECK(after.size() == 4);
    bool seen = false;
    for (const auto& [exchange, d] : after)
      if (d.client == "auditor") seen = has_field(d, "phone") && has_field(d, "lastName");
    CHECK(seen);
    // One who sees only metadata receives none.
    REQUIRE(g.as("narrow-auditor").get(kExchanges + "/" + created).str("/personalData") == "withheld");
    CHECK(disclosures(api, s.head).size() == 4);
  }

  SUBCASE("paged with limit and after") {
    auto first = api.get("/api/v2/persons/" + s.head + "/disclosures?limit=2");
    REQUIRE(first.status == 200);
    CHECK(ids_of(first, "exchange") == std::vector<std::string>{created, read_then});
    auto second = api.get("/api/v2/persons/" + s.head + "/disclosures?limit=2&after=" + first.str("/next"));
    CHECK(ids_of(second, "exchange") == std::vector<std::string>{read_now});
    CHECK(second.at("/next")->IsNull());
  }

  SUBCASE("a merged person keeps its ledger - an unknown one is a 404") {
    auto other = seed(backoffice, "93", "MARTIN");
    auto merged = backoffice.post("/api/v2/persons/" + other.head + "/merge", R"({"duplicateId":")" + s.child + "\"}");
    REQUIRE_MESSAGE(merged.status == 200, merged.body);
    auto child = api.get("/api/v2/persons/" + s.child + "/disclosures");
    REQUIRE_MESSAGE(child.status == 200, child.body);
    auto ids = ids_of(child, "exchange");
    CHECK(std::find(ids.begin(), ids.end(), created) != ids.end());
    CHECK(std::find(ids.begin(), ids.end(), read_now) != ids.end());
    CHECK(api.get("/api/v2/persons/49999999/disclosures").status == 404);
    CHECK(api.get("/api/v2/persons/" + s.household + "/disclosures").status == 404);
  }
}
