// Hostile input, one table, one gateway: each row is a request as an attacker or a broken client writes it, byte
// by byte, with the status and the problem type the API promises for it (docs/api-v2.md#errors, the product
// spec's conventions, docs/rosalie-v1.1.md). Invalid UTF-8, deep nesting, huge numbers, duplicate members, NUL
// bytes, very long strings, a wrong type in every field of every create body (v2 and Rosalie v1.1), SQL and
// header injection, path traversal in ids, oversize headers, bad content types. Whatever the row, the answer is
// the promised one, and the gateway is healthy and its data intact after the whole table.
#include <doctest/doctest.h>
#include <rapidjson/document.h>
#include <rapidjson/pointer.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "tests/support/api_client.hpp"
#include "tests/support/gateway_process.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/raw_request.hpp"
#include "tests/support/test_database.hpp"

using namespace siao::test;
using namespace std::chrono_literals;

namespace {

struct Row {
  std::string name;
  std::string request;  // raw bytes
  int status;
  std::string slug;     // the problem's type is /problems/<slug>; empty for an answer that is not a problem
  std::string pointer;  // an errors[].pointer the problem must carry, when not empty
};

const std::string kJson = "application/json";

RawHeaders v2_headers(const std::string& content_type = kJson) {
  RawHeaders h{bearer(kBackofficeKey)};
  if (!content_type.empty()) h.emplace_back("Content-Type", content_type);
  return h;
}
RawHeaders rosalie_headers() { return {bearer(kRosalieKey), {"Content-Type", kJson}}; }

std::string text_of(const rapidjson::Value& v) {
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> w(out);
  v.Accept(w);
  return {out.GetString(), out.GetSize()};
}

// Every JSON Pointer into `v` but the root's: members, elements, and what they hold.
void pointers_of(const rapidjson::Value& v, const std::string& at, std::vector<std::string>& out) {
  if (v.IsObject()) {
    for (const auto& m : v.GetObject()) {
      const std::string here = at + "/" + m.name.GetString();
      out.push_back(here);
      pointers_of(m.value, here, out);
    }
  } else if (v.IsArray()) {
    for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
      const std::string here = at + "/" + std::to_string(i);
      out.push_back(here);
      pointers_of(v[i], here, out);
    }
  }
}

// One row per field of a valid body and per JSON type the field does not take: each field in turn replaced, the
// rest left valid. The schema answers 422 pointing at that field. `nullable` lists the pointers where null is a
// valid value (not a wrong type there).
void wrong_types(std::vector<Row>& rows, const std::string& what, const std::string& method, const std::string& target,
                 const RawHeaders& headers, const std::string& valid_body, const std::set<std::string>& nullable) {
  rapidjson::Document valid;
  valid.Parse(valid_body.c_str());
  REQUIRE_FALSE(valid.HasParseError());
  std::vector<std::string> pointers;
  pointers_of(valid, "", pointers);
  for (const auto& pointer : pointers) {
    const auto* original = rapidjson::Pointer(pointer.c_str()).Get(valid);
    std::vector<std::string> replacements = {"12345", "true", "18446744073709551616"};
    if (!original->IsObject()) replacements.emplace_back("{}");
    if (!original->IsArray()) replacements.emplace_back("[]");
    if (!original->IsString()) replacements.emplace_back("\"text\"");
    if (!nullable.contains(pointer)) replacements.emplace_back("null");
    for (const auto& replacement : replacements) {
      rapidjson::Document body;
      body.CopyFrom(valid, body.GetAllocator());
      rapidjson::Document value;
      value.Parse(replacement.c_str());
      rapidjson::Pointer(pointer.c_str()).Set(body, rapidjson::Value(value, body.GetAllocator()));
      rows.push_back({what + ": " + pointer + " as " + replacement, raw_request(method, target, headers, text_of(body)),
                      422, "validation-failed", pointer});
    }
  }
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  auto at = text.find(from);
  REQUIRE_MESSAGE(at != std::string::npos, from);
  return text.replace(at, from.size(), to);
}

std::string nested(int depth) {
  return std::string(static_cast<std::size_t>(depth), '[') + std::string(static_cast<std::size_t>(depth), ']');
}

// What the gateway answered, checked against the row.
void check_answer(const Row& row, const HttpResult& r) {
  INFO("row: " << row.name);
  INFO("answer: " << r.status << " " << r.body.substr(0, 600));
  CHECK(r.status == row.status);
  CHECK(r.status != 500);
  if (row.slug.empty()) {
    CHECK(r.header("content-type") == kJson);
    return;
  }
  CHECK(r.header("content-type") == "application/problem+json");
  rapidjson::Document p;
  p.Parse(r.body.c_str());
  REQUIRE_FALSE(p.HasParseError());
  REQUIRE(p.IsObject());
  CHECK((p.HasMember("type") && p["type"].IsString() && p["type"].GetString() == "/problems/" + row.slug));
  CHECK((p.HasMember("status") && p["status"].IsInt() && p["status"].GetInt() == r.status));
  CHECK((p.HasMember("title") && p["title"].IsString() && p["title"].GetStringLength() > 0));
  CHECK((p.HasMember("traceId") && p["traceId"].IsString() && p["traceId"].GetStringLength() == 32));
  if (!row.pointer.empty()) {
    std::vector<std::string> pointers;
    if (p.HasMember("errors") && p["errors"].IsArray())
      for (const auto& e : p["errors"].GetArray())
        if (e.HasMember("pointer") && e["pointer"].IsString()) pointers.emplace_back(e["pointer"].GetString());
    CHECK_MESSAGE(std::find(pointers.begin(), pointers.end(), row.pointer) != pointers.end(),
                  "expected an error at " << row.pointer);
  }
}

}  // namespace

TEST_CASE("hostile input: every row of the table gets its status and problem - and the gateway stays healthy") {
  TestDatabase db;
  GatewayProcess gw({.database_url = db.url()});
  REQUIRE(gw.wait_ready(15s));
  ApiClient backoffice(gw.http_port());
  auto seeded = backoffice.post("/api/v2/households",
                                household_body("75", {person_json("head", "SOCLE", "female", "1980-02-02")}));
  REQUIRE(seeded.status == 201);
  const std::string household = seeded.str("/id"), person = seeded.str("/members/0/id");
  const std::string households = "/api/v2/households", familles = "/api/v1.1/familles", demandes = "/api/v1.1/demandes";

  const std::string person_body =
      R"({"role":"head","lastName":"DUPONT","birthName":"MARTIN","firstNames":["Marie"],"sex":"female",)"
      R"("birthDate":"1985-03-14","nationality":"FRA","phone":"+33612345678","email":"marie@example.org"})";
  const std::string household_valid = R"({"territory":"75","members":[)" + person_body + "]}";
  const std::string member_valid = replaced(person_body, R"("role":"head")", R"("role":"other_adult")");
  const std::string request_valid =
      R"({"householdId":")" + household + R"(","kind":"emergency","territory":"75","requestedServices":["CHU"]})";
  const std::string personne =
      R"({"idPersonneRosalie":"P-HOST-1","nom":"DUPONT","nomNaissance":"MARTIN","prenoms":"MARIE","sexe":"F",)"
      R"("dateNaissance":"14/03/1985","nationalite":"FR","lienParente":"DEM","telephone":"0612345678"})";
  const std::string famille_valid = R"({"cleFamille":"F-HOST-1","departement":"75","personnes":[)" + personne + "]}";
  const std::string demande_valid =
      R"({"idDemandeRosalie":"D-HOST-1","cleFamille":"F-HOST-1","typeDemande":"URG","dateDemande":"01/02/2026 10:00",)"
      R"("departement":"75","typesDispositifs":["CHU"]})";
  auto post_v2 = [&](const std::string& body, const std::string& target = "/api/v2/households") {
    return raw_request("POST", target, v2_headers(), body);
  };
  auto get_v2 = [&](const std::string& target) { return raw_request("GET", target, v2_headers("")); };
  auto post_rosalie = [&](const std::string& body, const std::string& target = "/api/v1.1/familles") {
    return raw_request("POST", target, rosalie_headers(), body);
  };
  auto get_rosalie = [&](const std::string& target) { return raw_request("GET", target, {bearer(kRosalieKey)}); };
  const std::string name_field = R"("lastName":"DUPONT")";
  auto with_name = [&](const std::string& value) {
    return replaced(household_valid, name_field, R"("lastName":)" + value);
  };

  std::vector<Row> rows = {
      // The valid bodies the wrong-type rows are made from: each is accepted as it is.
      {"valid household", post_v2(household_valid), 201, ""},
      {"valid member", post_v2(member_valid, households + "/" + household + "/members"), 201, ""},
      {"valid request", post_v2(request_valid, "/api/v2/requests"), 201, ""},
      {"valid famille", post_rosalie(famille_valid), 201, ""},
      {"valid demande", post_rosalie(demande_valid, demandes), 201, ""},

      // Invalid UTF-8, in a body, a path, a query, a header.
      {"body: a string with a lone continuation byte", post_v2(with_name("\"DU\x80PONT\"")), 400, "invalid-utf8"},
      {"body: a string with 0xFF", post_v2(with_name("\"\xff\xfe\"")), 400, "invalid-utf8"},
      {"body: an overlong encoding of /", post_v2(with_name("\"\xc0\xaf\"")), 400, "invalid-utf8"},
      {"body: a UTF-16 surrogate encoded in UTF-8", post_v2(with_name("\"\xed\xa0\x80\"")), 400, "invalid-utf8"},
      {"body: a truncated sequence at the end of a string", post_v2(with_name("\"DUPONT\xe2\x82\"")), 400, "invalid-utf8"},
      {"body: invalid UTF-8 in a member name", post_v2(replaced(household_valid, "\"territory\"", "\"terr\xffitory\"")), 400, "invalid-utf8"},
      {"body: a lone surrogate escape", post_v2(with_name("\"\\ud800\"")), 400, "malformed-json"},
      {"body: Latin-1 bytes", post_v2(with_name("\"Z\xe9lie\"")), 400, "invalid-utf8"},
      {"rosalie body: invalid UTF-8 in a name", post_rosalie(replaced(famille_valid, "\"DUPONT\"", "\"DU\xffPONT\"")), 400, "invalid-utf8"},
      {"path: a raw 0xFF byte in an id", get_v2(households + "/9000\xff" "001"), 400, "malformed-request"},
      {"path: an encoded 0xFF in an id", get_v2(households + "/%FF%FE"), 400, "malformed-request"},
      {"path: an encoded 0xFF in a Rosalie key", get_rosalie(familles + "/F-%FF"), 400, "malformed-request"},
      {"path: valid UTF-8 in a Rosalie key reaches the adapter", get_rosalie(familles + "/F-%C3%A9"), 404, "not-found"},
      {"query: an encoded 0xFF in lastName", get_v2(households + "?lastName=%FF%FE"), 400, "malformed-request"},
      {"query: valid UTF-8 in lastName is searched", get_v2(households + "?lastName=Z%C3%A9lie"), 200, ""},
      {"query: an encoded 0xFF in a parameter name", get_v2(households + "?%FF=1"), 400, "malformed-request"},
      {"query: an encoded 0xFF in territory", get_v2(households + "?territory=%FF"), 400, "malformed-request"},
      {"query: an encoded 0xFF in birthDate", get_v2(households + "?birthDate=%FF"), 400, "malformed-request"},
      {"query: an encoded 0xFF in the audit search", get_v2("/api/v2/audit/exchanges?client=%FF"), 400, "malformed-request"},
      {"header: an Idempotency-Key of invalid UTF-8",
       raw_request("POST", households, {bearer(kBackofficeKey), {"Content-Type", kJson}, {"Idempotency-Key", "k\xff\xfe"}},
                   household_valid),
       400, "bad-idempotency-key"},

      // Deep nesting.
      {"body: 33 levels of arrays", post_v2(R"({"territory":"75","x":)" + nested(32) + "}"), 400, "too-deep"},
      {"body: 100000 levels of arrays", post_v2(R"({"x":)" + nested(100000) + "}"), 400, "too-deep"},
      {"body: 100000 levels of objects", post_v2([] {
         std::string s;
         for (int i = 0; i < 100000; ++i) s += "{\"a\":";
         return s + "1" + std::string(100000, '}');
       }()), 400, "too-deep"},
      {"body: unclosed nesting", post_v2(std::string(5000, '[')), 400, "malformed-json"},
      {"body: 32 levels is within the limit and meets the schema", post_v2(R"({"territory":"75","x":)" + nested(31) + "}"),
       422, "validation-failed", "/x"},
      {"rosalie body: 100000 levels", post_rosalie(R"({"personnes":)" + nested(100000) + "}"), 400, "too-deep"},

      // Huge numbers, as values and as ids.
      {"body: 1e400", post_v2(replaced(household_valid, "\"75\"", "1e400")), 400, "malformed-json"},
      {"body: -1e400", post_v2(replaced(household_valid, "\"75\"", "-1e400")), 400, "malformed-json"},
      {"body: a number of 10000 digits", post_v2(replaced(household_valid, "\"75\"", std::string(10000, '9'))), 400, "malformed-json"},
      {"body: 2^64 as a territory", post_v2(replaced(household_valid, "\"75\"", "18446744073709551616")), 422, "validation-failed", "/territory"},
      {"body: 2^64 as a household id", post_v2(replaced(request_valid, "\"" + household + "\"", "\"18446744073709551616\""), "/api/v2/requests"),
       422, "validation-failed", "/householdId"},
      {"body: 1e-400 as a territory", post_v2(replaced(household_valid, "\"75\"", "1e-400")), 422, "validation-failed", "/territory"},
      {"path: 2^64 as a household id", get_v2(households + "/18446744073709551616"), 404, "not-found"},
      {"path: 2^63 as a person id", get_v2("/api/v2/persons/9223372036854775808"), 404, "not-found"},
      {"path: a negative id", get_v2(households + "/-90000001"), 404, "not-found"},
      {"path: an id of 10000 digits", get_v2(households + "/" + std::string(10000, '9')), 404, "not-found"},
      {"query: 2^64 as limit", get_v2(households + "?territory=75&limit=18446744073709551616"), 422, "validation-failed"},
      {"query: 2^64 in a cursor", get_v2(households + "?territory=75&after=c18446744073709551616"), 422, "validation-failed"},
      {"query: 2^64 in the change feed's cursor", get_v2("/api/v2/events?after=c18446744073709551616"), 422, "validation-failed"},
      {"query: a negative limit", get_v2(households + "?territory=75&limit=-1"), 422, "validation-failed"},
      {"rosalie body: 1e400", post_rosalie(replaced(famille_valid, "\"75\"", "1e400")), 400, "malformed-json"},

      // Duplicate members.
      {"body: a duplicate member", post_v2(replaced(household_valid, "{\"territory\":\"75\"", "{\"territory\":\"75\",\"territory\":\"93\"")),
       400, "duplicate-member", "/territory"},
      {"body: a duplicate member in a member", post_v2(replaced(household_valid, name_field, name_field + ",\"lastName\":\"AUTRE\"")),
       400, "duplicate-member", "/members/0/lastName"},
      {"body: a duplicate member spelt with an escape", post_v2(replaced(household_valid, "{\"territory\":\"75\"", "{\"territory\":\"75\",\"territ\\u006fry\":\"93\"")),
       400, "duplicate-member", "/territory"},
      {"rosalie body: a duplicate member", post_rosalie(replaced(famille_valid, "\"departement\":\"75\"", "\"departement\":\"75\",\"departement\":\"93\"")),
       400, "duplicate-member", "/departement"},

      // NUL bytes: raw, escaped, in paths, queries and headers.
      {"body: a raw NUL", post_v2(with_name(std::string("\"DU\0PONT\"", 9))), 400, "malformed-json"},
      {"body: a raw NUL after the object", post_v2(household_valid + std::string(1, '\0')), 400, "malformed-json"},
      {"body: an escaped NUL in a string", post_v2(with_name("\"DU\\u0000PONT\"")), 422, "validation-failed", "/members/0/lastName"},
      {"body: an escaped NUL in a member name", post_v2(replaced(household_valid, "{\"territory\"", "{\"a\\u0000\":1,\"territory\"")), 422, "validation-failed"},
      {"rosalie body: an escaped NUL in a key", post_rosalie(replaced(famille_valid, "F-HOST-1", "F-HOST\\u0000-9")), 422, "validation-failed", "/cleFamille"},
      {"path: a raw NUL", get_v2(households + "/9000" + std::string(1, '\0') + "0001"), 400, "malformed-request"},
      {"path: an encoded NUL in an id", get_v2(households + "/" + household + "%00"), 400, "malformed-request"},
      {"path: an encoded NUL in a Rosalie key", get_rosalie(familles + "/F-HOST-1%00"), 400, "malformed-request"},
      {"path: an encoded NUL in a demande key", get_rosalie(demandes + "/D-HOST-1%00x"), 400, "malformed-request"},
      {"query: an encoded NUL in lastName", get_v2(households + "?lastName=SOCLE%00x"), 400, "malformed-request"},
      {"query: an encoded NUL in the change feed's cursor", get_v2("/api/v2/events?after=c1%00"), 400, "malformed-request"},
      {"header: a raw NUL in a value", raw_request("GET", "/health", {{"X-Test", std::string("a\0b", 3)}}), 400, "malformed-request"},
      {"header: a raw NUL in the key", raw_request("GET", households + "/" + household, {{"Authorization", std::string("Bearer ") + kBackofficeKey + std::string(1, '\0')}}),
       400, "malformed-request"},
      {"header: an Idempotency-Key with a raw NUL", raw_request("POST", households, {bearer(kBackofficeKey), {"Content-Type", kJson}, {"Idempotency-Key", std::string("k\0k", 3)}}, household_valid),
       400, "malformed-request"},

      // Very long strings.
      {"body: a name over the schema's 100", post_v2(with_name("\"" + std::string(101, 'A') + "\"")), 422, "validation-failed", "/members/0/lastName"},
      {"body: a name of a million characters", post_v2(with_name("\"" + std::string(1000000, 'A') + "\"")), 422, "validation-failed", "/members/0/lastName"},
      {"body: half a million two-byte characters", post_v2(with_name("\"" + [] {
         std::string s;
         for (int i = 0; i < 500000; ++i) s += "\xc3\xa9";
         return s;
       }() + "\"")), 422, "validation-failed", "/members/0/lastName"},
      {"body: announced over the limit", "POST /api/v2/households HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
         std::string(kBackofficeKey) + "\r\nContent-Type: application/json\r\nContent-Length: 2000000\r\n\r\n",
       413, "body-too-large"},
      {"body: a phone number of 100000 digits", post_v2(replaced(household_valid, "+33612345678", "+" + std::string(100000, '3'))), 422, "validation-failed", "/members/0/phone"},
      {"body: an email of 100000 characters", post_v2(replaced(household_valid, "marie@example.org", std::string(50000, 'a') + "@" + std::string(50000, 'b'))), 422, "validation-failed", "/members/0/email"},
      {"body: a birth date of 100000 characters", post_v2(replaced(household_valid, "1985-03-14", std::string(100000, '1'))), 422, "validation-failed", "/members/0/birthDate"},
      {"body: 100000 first names", post_v2(replaced(household_valid, "[\"Marie\"]", "[" + [] {
         std::string s = "\"a\"";
         for (int i = 1; i < 100000; ++i) s += ",\"a\"";
         return s;
       }() + "]")), 422, "validation-failed", "/members/0/firstNames"},
      {"body: 60000 members of an object", post_v2("{" + [] {
         std::string s;
         for (int i = 0; i < 60000; ++i) s += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":1";
         return s;
       }() + "}"), 422, "validation-failed"},
      {"query: a lastName of 12000 characters", get_v2(households + "?lastName=" + std::string(12000, 'A')), 200, ""},
      {"rosalie body: a nom over the schema's 100", post_rosalie(replaced(famille_valid, "\"DUPONT\"", "\"" + std::string(101, 'A') + "\"")), 422, "validation-failed", "/personnes/0/nom"},
      {"rosalie body: a cleFamille of a million characters", post_rosalie(replaced(famille_valid, "F-HOST-1", std::string(1000000, 'F'))), 422, "validation-failed", "/cleFamille"},

      // SQL injection, in query strings, ids, keys and bodies: data, never SQL.
      {"query: a quote in lastName", get_v2(households + "?lastName=%27%20OR%20%271%27%3D%271"), 200, ""},
      {"query: a statement in territory", get_v2(households + "?territory=75%27%3B%20DROP%20TABLE%20households%3B--"), 200, ""},
      {"query: a statement in limit", get_v2(households + "?territory=75&limit=1%3BDROP%20TABLE%20households"), 422, "validation-failed"},
      {"query: a statement in after", get_v2(households + "?territory=75&after=c1%20OR%201%3D1"), 422, "validation-failed"},
      {"query: a quote in the change feed's cursor", get_v2("/api/v2/events?after=1%27--"), 422, "validation-failed"},
      {"query: a quote in the audit search", get_v2("/api/v2/audit/exchanges?client=%27%20OR%20%271%27%3D%271"), 200, ""},
      {"path: a statement in a household id", get_v2(households + "/90000001%3B%20DROP%20TABLE%20households"), 404, "not-found"},
      {"path: a boolean in a person id", get_v2("/api/v2/persons/1%20OR%201%3D1"), 404, "not-found"},
      {"path: a quote in a Rosalie key", get_rosalie(familles + "/F%27%20OR%20%271%27%3D%271"), 404, "not-found"},
      {"path: a statement in a demande key", get_rosalie(demandes + "/D-1%27%3BDELETE%20FROM%20requests%3B--"), 404, "not-found"},
      {"body: a statement as a name is only a name", post_v2(with_name(R"("Robert'); DROP TABLE persons;--")")), 201, ""},

      // Header injection and request smuggling.
      {"header: a bare LF in a value", raw_request("GET", "/health", {{"X-Test", "a\nInjected: 1"}}), 400, "malformed-request"},
      {"header: a bare CR in a value", raw_request("GET", "/health", {{"X-Test", "a\rInjected: 1"}}), 400, "malformed-request"},
      {"header: two Content-Lengths", "POST /api/v2/households HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}}",
       400, "malformed-request"},
      {"header: a Content-Length and chunked", "POST /api/v2/households HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
       400, "malformed-request"},
      {"header: a negative Content-Length", "POST /api/v2/households HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", 400, "malformed-request"},
      {"header: a Content-Length of 2^64", "POST /api/v2/households HTTP/1.1\r\nHost: x\r\nContent-Length: 18446744073709551616\r\n\r\n", 400, "malformed-request"},
      {"header: a name with a space", "GET /health HTTP/1.1\r\nHost: x\r\nX Bad: 1\r\n\r\n", 400, "malformed-request"},
      {"request line: an absolute target", "GET http://evil.example/api/v2/households HTTP/1.1\r\nHost: x\r\n\r\n", 400, "malformed-request"},
      {"request line: an asterisk target", "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n", 400, "malformed-request"},
      {"request line: HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 400, "malformed-request"},
      {"request line: an unknown method", raw_request("BREW", "/health"), 405, "method-not-allowed"},
      {"request line: DELETE on a household", raw_request("DELETE", households + "/" + household, {bearer(kBackofficeKey)}), 405, "method-not-allowed"},
      {"header: a key with a line break cannot authenticate", raw_request("GET", households + "/" + household, {{"Authorization", "Bearer x\r\nAuthorization: Bearer " + std::string(kBackofficeKey)}}),
       401, "unauthenticated"},
      {"header: an Idempotency-Key of 256 characters", raw_request("POST", households, {bearer(kBackofficeKey), {"Content-Type", kJson}, {"Idempotency-Key", std::string(256, 'k')}}, household_valid),
       400, "bad-idempotency-key"},

      // Path traversal in ids and keys.
      {"path: ../ after households", get_v2(households + "/../persons/" + person), 404, "not-found"},
      {"path: encoded dots", get_v2(households + "/%2e%2e/persons/" + person), 404, "not-found"},
      {"path: an encoded slash in an id", get_v2(households + "/" + household + "%2Fhistory"), 404, "not-found"},
      {"path: an encoded backslash in an id", get_v2(households + "/..%5C" + household), 404, "not-found"},
      {"path: double-encoded dots", get_v2(households + "/%252e%252e%252f" + household), 404, "not-found"},
      {"path: a dot segment in the base", get_v2("/api/v2/../v2/households/" + household), 404, "not-found"},
      {"path: an empty segment", get_v2("/api/v2//households/" + household), 404, "not-found"},
      {"path: ../ in a Rosalie key", get_rosalie(familles + "/..%2F..%2Fetc%2Fpasswd"), 404, "not-found"},
      {"path: .. as a Rosalie key", get_rosalie(familles + "/.."), 404, "not-found"},
      {"path: encoded .. as a Rosalie key", get_rosalie(familles + "/%2e%2e"), 404, "not-found"},
      {"path: ../ in a body id", post_v2(replaced(request_valid, "\"" + household + "\"", "\"../" + household + "\""), "/api/v2/requests"),
       422, "validation-failed", "/householdId"},
      {"rosalie body: ../ in cleFamille", post_rosalie(replaced(famille_valid, "F-HOST-1", "../../F-HOST-1")), 422, "validation-failed", "/cleFamille"},

      // Oversize headers.
      {"header: one of 20 KiB", raw_request("GET", "/health", {{"X-Big", std::string(std::size_t{20} * 1024, 'a')}}), 431, "headers-too-large"},
      {"header: 3000 small ones", [] {
         RawHeaders many;
         for (int i = 0; i < 3000; ++i) many.emplace_back("X-H" + std::to_string(i), "v");
         return raw_request("GET", "/health", many);
       }(), 431, "headers-too-large"},
      {"request line: a target of 20 KiB", get_v2(households + "?lastName=" + std::string(std::size_t{20} * 1024, 'A')), 431, "headers-too-large"},
      {"header: a key of 10 KiB", raw_request("GET", households + "/" + household, {bearer(std::string(std::size_t{10} * 1024, 'k'))}), 401, "unauthenticated"},

      // Content types.
      {"content type: none", raw_request("POST", households, {bearer(kBackofficeKey)}, household_valid), 415, "unsupported-media-type"},
      {"content type: text/plain", raw_request("POST", households, v2_headers("text/plain"), household_valid), 415, "unsupported-media-type"},
      {"content type: application/jsonx", raw_request("POST", households, v2_headers("application/jsonx"), household_valid), 415, "unsupported-media-type"},
      {"content type: multipart", raw_request("POST", households, v2_headers("multipart/form-data; boundary=x"), household_valid), 415, "unsupported-media-type"},
      {"content type: form", raw_request("POST", households, v2_headers("application/x-www-form-urlencoded"), "territory=75"), 415, "unsupported-media-type"},
      {"content type: merge patch on a POST", raw_request("POST", households, v2_headers("application/merge-patch+json"), household_valid), 415, "unsupported-media-type"},
      {"content type: JSON on a PATCH", raw_request("PATCH", households + "/" + household, {bearer(kBackofficeKey), {"Content-Type", kJson}, {"If-Match", "\"1\""}}, R"({"territory":"93"})"),
       415, "unsupported-media-type"},
      {"content type: invalid UTF-8 in it", raw_request("POST", households, v2_headers("application/json\xff"), household_valid), 415, "unsupported-media-type"},
      {"rosalie content type: text/xml", raw_request("POST", familles, {bearer(kRosalieKey), {"Content-Type", "text/xml"}}, famille_valid), 415, "unsupported-media-type"},

      // Bodies that are not JSON objects.
      {"body: empty", post_v2(""), 400, "malformed-json"},
      {"body: an array", post_v2("[]"), 400, "malformed-json"},
      {"body: a string", post_v2("\"x\""), 400, "malformed-json"},
      {"body: trailing content", post_v2(household_valid + "{}"), 400, "malformed-json"},
      {"body: a comment", post_v2("/* x */" + household_valid), 400, "malformed-json"},
      {"body: NaN", post_v2(replaced(household_valid, "\"75\"", "NaN")), 400, "malformed-json"},
  };
  wrong_types(rows, "household", "POST", households, v2_headers(), household_valid,
              {"/members/0/birthName", "/members/0/birthDate", "/members/0/nationality", "/members/0/phone",
               "/members/0/email"});
  wrong_types(rows, "member", "POST", households + "/" + household + "/members", v2_headers(), member_valid,
              {"/birthName", "/birthDate", "/nationality", "/phone", "/email"});
  wrong_types(rows, "request", "POST", "/api/v2/requests", v2_headers(), request_valid, {});
  wrong_types(rows, "famille", "POST", familles, rosalie_headers(), replaced(famille_valid, "F-HOST-1", "F-HOST-2"),
              {"/personnes/0/nomNaissance", "/personnes/0/dateNaissance", "/personnes/0/nationalite",
               "/personnes/0/telephone"});
  wrong_types(rows, "demande", "POST", demandes, rosalie_headers(), replaced(demande_valid, "D-HOST-1", "D-HOST-2"),
              {});

  std::set<std::string> names;
  for (const auto& row : rows) CHECK_MESSAGE(names.insert(row.name).second, "two rows named " << row.name);
  MESSAGE(rows.size() << " rows");
  for (const auto& row : rows) {
    HttpResult r;
    try {
      HttpClient client(gw.http_port(), 30s);
      client.send_raw(row.request);
      r = client.read_response(row.request.rfind("HEAD ", 0) == 0);
    } catch (const std::exception& e) {
      FAIL_CHECK("row: " << row.name << ": no answer (" << e.what() << ")");
      continue;
    }
    check_answer(row, r);
  }

  // After the whole table: alive, ready, and its data intact.
  CHECK(::kill(gw.pid(), 0) == 0);
  HttpClient after(gw.http_port());
  CHECK(after.get("/health").status == 200);
  CHECK(gw.wait_ready(5s));
  auto again = backoffice.get(households + "/" + household);
  CHECK(again.status == 200);
  CHECK(again.str("/members/0/lastName") == "SOCLE");
  auto robert = backoffice.get(households + "?lastName=" + "Robert%27)%3B%20DROP%20TABLE%20persons%3B--");
  CHECK(robert.status == 200);
  CHECK(robert.str("/items/0/members/0/lastName") == "Robert'); DROP TABLE persons;--");
}

TEST_CASE("hostile input: injected header values are never echoed into the answer") {
  TestDatabase db;
  GatewayProcess gw({.database_url = db.url()});
  REQUIRE(gw.wait_ready(15s));
  struct Echo {
    std::string name, request_id, traceparent;
  };
  const std::vector<Echo> cases = {
      {"an encoded line break", "abc%0d%0aSet-Cookie:%20x=1", ""},
      {"a tab", "abc\tdef", ""},
      {"a space", "abc Set-Cookie: x=1", ""},
      {"129 characters", std::string(129, 'a'), ""},
      {"bytes over 0x7F", "abc\xc3\xa9", ""},
      {"a traceparent with a line break encoded", "ok-1",
       "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01%0d%0aX-Injected: 1"},
      {"a traceparent of zeros", "ok-2", "00-00000000000000000000000000000000-00f067aa0ba902b7-01"},
  };
  for (const auto& c : cases) {
    INFO("case: " << c.name);
    RawHeaders headers{{"X-Request-Id", c.request_id}};
    if (!c.traceparent.empty()) headers.emplace_back("traceparent", c.traceparent);
    HttpClient client(gw.http_port());
    client.send_raw(raw_request("GET", "/api/v2/households/00000000", headers));
    auto r = client.read_response();
    CHECK(r.status == 401);
    CHECK(r.headers.count("set-cookie") == 0);
    CHECK(r.headers.count("x-injected") == 0);
    const auto echoed = r.header("x-request-id");
    CHECK_FALSE(echoed.empty());
    if (c.request_id.rfind("ok-", 0) == 0) CHECK(echoed == c.request_id);
    else CHECK(echoed != c.request_id);
    for (char ch : echoed)
      CHECK((std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' || ch == '.' || ch == ':'));
    rapidjson::Document p;
    p.Parse(r.body.c_str());
    REQUIRE(p.IsObject());
    const std::string trace = p["traceId"].GetString();
    CHECK(trace.size() == 32);
    CHECK(trace != "00000000000000000000000000000000");
    CHECK(trace.find_first_not_of("0123456789abcdef") == std::string::npos);
  }
}
