#include <doctest/doctest.h>

#include <algorithm>
#include <valijson/validation_results.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "gateway/json/body.hpp"
#include "gateway/json/schema_set.hpp"
#include "gateway/json/valijson_errors.hpp"
#include "gateway/util/scratch_dir.hpp"

using siao::json::parse_body;
using siao::json::SchemaSet;

namespace {

const std::filesystem::path kSchemaDir =
    std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / "schemas";

const SchemaSet& schemas() {
  static const std::shared_ptr<const SchemaSet> set = SchemaSet::load(kSchemaDir);
  return *set;
}

// "pointer: message" per violation, in the order reported.
std::vector<std::string> violations(std::string_view schema, std::string_view body) {
  const auto doc = parse_body(body);
  std::vector<std::string> out;
  for (const auto& e : schemas().validate(schema, doc)) out.push_back(e.pointer + ": " + e.message);
  return out;
}

using Lines = std::vector<std::string>;

const char* const kPerson =
    R"({"lastName":"DUPONT","firstNames":["Marie"],"sex":"female","role":"head"})";

std::string household(const std::string& first_member_extra, const std::string& more_members = "") {
  return R"({"territory":"75","members":[{"lastName":"DUPONT","firstNames":["Marie"],"sex":"female","role":"head")" +
         first_member_extra + "}" + more_members + "]}";
}

// A scratch schema directory, removed afterwards.
class Scratch {
 public:
  Scratch(std::initializer_list<std::pair<const std::string, std::string>> files) {
    for (const auto& [name, text] : files) std::ofstream(dir() / name) << text;
  }
  const std::filesystem::path& dir() const { return scratch_.path(); }

  // The load error, or "" when the directory loads.
  std::string load_error() const {
    try {
      SchemaSet::load(dir());
    } catch (const std::runtime_error& e) {
      return e.what();
    }
    return {};
  }

 private:
  siao::util::ScratchDir scratch_{"siao-schemas"};
};

}  // namespace

TEST_CASE("json schema: every schema file loads - named by its file name") {
  // Every file of the directory, by the name it gives: nothing skipped, nothing invented.
  std::vector<std::string> expected;
  for (const auto& entry : std::filesystem::directory_iterator(kSchemaDir)) {
    auto file = entry.path().filename().string();
    const std::string suffix = ".schema.json";
    if (file.size() > suffix.size() && file.compare(file.size() - suffix.size(), suffix.size(), suffix) == 0)
      expected.push_back(file.substr(0, file.size() - suffix.size()));
  }
  std::sort(expected.begin(), expected.end());
  CHECK(schemas().names() == expected);
  for (const char* api : {"common", "household", "household-create", "household-patch", "member-add", "person",
                          "person-create", "person-patch", "problem", "request", "request-create",
                          "request-transition", "contract", "mapping", "code-list"})
    CHECK(std::find(expected.begin(), expected.end(), api) != expected.end());
  for (const auto& name : expected) {
    CAPTURE(name);
    CHECK(schemas().has(name));
    CHECK(schemas().document(name).IsObject());
  }
  CHECK_FALSE(schemas().has("nope"));
  CHECK_FALSE(schemas().has("common.schema.json"));
  CHECK_THROWS_AS(schemas().validate("nope", parse_body("{}")), std::invalid_argument);
  CHECK_THROWS_AS(schemas().document("nope"), std::invalid_argument);
  // The raw document, references as written: what the OpenAPI document embeds.
  const auto& create = schemas().document("household-create");
  CHECK(std::string(create["properties"]["territory"]["$ref"].GetString()) == "common.schema.json#/definitions/territory");
  CHECK_FALSE(create.HasMember("definitions"));
  CHECK(schemas().document("common")["definitions"]["territory"]["enum"].Size() == 101);
}

TEST_CASE("json schema: a valid household passes") {
  CHECK(violations("household-create", household("")).empty());
  CHECK(violations("household-create",
                   household(R"(,"birthName":"MARTIN","birthDate":"1985-03-14","nationality":"FRA",)"
                             R"("phone":"+33612345678","email":"marie@example.org")",
                             R"(,{"lastName":"DUPONT","birthName":null,"firstNames":["Léa","Zoé"],"sex":"unknown",)"
                             R"("birthDate":"2019","nationality":"unknown","phone":null,"email":null,"role":"child"},)"
                             R"({"lastName":"X","firstNames":["Y"],"sex":"male","birthDate":"2001-07","role":"other_adult"})"))
            .empty());
  for (const char* territory : {"01", "19", "2A", "2B", "21", "95", "971", "974", "976"}) {
    CAPTURE(territory);
    CHECK(violations("household-create", R"({"territory":")" + std::string(territory) + R"(","members":[)" + kPerson + "]}")
              .empty());
  }
}

TEST_CASE("json schema: a missing member points where it should be") {
  CHECK(violations("household-create", household("", R"(,{"firstNames":["A"],"sex":"male","role":"child"})")) ==
        Lines{"/members/1/lastName: is required"});
  CHECK(violations("household-create", R"({"members":[)" + std::string(kPerson) + "]}") ==
        Lines{"/territory: is required"});
}

TEST_CASE("json schema: an unknown member is pointed at - a read-only one is set by SIAO") {
  CHECK(violations("household-create", household(R"(,"foo":1)")) == Lines{"/members/0/foo: unknown member"});
  CHECK(violations("household-create", R"({"id":"90512191","territory":"75","members":[)" + std::string(kPerson) + "]}") ==
        Lines{"/id: is set by SIAO and may not be written"});
  CHECK(violations("household-create", household(R"(,"householdId":"90512191","version":2)")) ==
        Lines{"/members/0/householdId: is set by SIAO and may not be written",
              "/members/0/version: is set by SIAO and may not be written"});
  CHECK(violations("request-create", R"({"householdId":"90512191","kind":"emergency","requestedServices":["CHU"],)"
                                     R"("status":"received","extra":true})") ==
        Lines{"/status: is set by SIAO and may not be written", "/extra: unknown member"});
}

TEST_CASE("json schema: enums list their values - x-message replaces the words") {
  CHECK(violations("household-create", household("").replace(household("").find("female"), 6, "f")) ==
        Lines{"/members/0/sex: must be one of: female, male, unknown"});
  CHECK(violations("household-create", R"({"territory":"20","members":[)" + std::string(kPerson) + "]}") ==
        Lines{"/territory: must be a French département code: 01 to 19, 2A, 2B, 21 to 95, 971 to 974 or 976"});
  CHECK(violations("request-create", R"({"householdId":"90512191","kind":"urgent","requestedServices":["CHU"]})") ==
        Lines{"/kind: must be one of: emergency, insertion"});
}

TEST_CASE("json schema: patterns answer with their x-message - a nullable field says so") {
  CHECK(violations("household-create", household(R"(,"birthDate":"14/03/1985")")) ==
        Lines{"/members/0/birthDate: must match the format YYYY, YYYY-MM or YYYY-MM-DD"});
  CHECK(violations("household-create", household(R"(,"birthDate":1985)")) ==
        Lines{"/members/0/birthDate: must be a string or null"});
  CHECK(violations("household-create", household(R"(,"birthDate":null,"nationality":null)")).empty());
  CHECK(violations("household-create", household(R"(,"nationality":"fr")")) ==
        Lines{"/members/0/nationality: must be an ISO 3166-1 alpha-3 code such as FRA, or unknown"});
  CHECK(violations("household-create", household(R"(,"phone":"0612345678","email":"nobody")")) ==
        Lines{"/members/0/phone: must be a phone number in E.164 format, such as +33612345678",
              "/members/0/email: must be an email address"});
  CHECK(violations("household-create", household(R"(,"lastName":"")").replace(household("").find(R"("lastName":"DUPONT",)"), 20, "")) ==
        Lines{"/members/0/lastName: must not be empty"});
}

TEST_CASE("json schema: wrong types and array bounds") {
  CHECK(violations("household-create", R"({"territory":75,"members":[]})") ==
        Lines{"/territory: must be a string", "/members: must have at least 1 item"});
  CHECK(violations("household-create", R"({"territory":"75","members":{}})") == Lines{"/members: must be an array"});
  CHECK(violations("household-create", household("").replace(household("").find(R"(["Marie"])"), 9, "[]")) ==
        Lines{"/members/0/firstNames: must have at least 1 item"});
  CHECK(violations("household-create", household("").replace(household("").find(R"(["Marie"])"), 9, R"(["A",2])")) ==
        Lines{"/members/0/firstNames/1: must be a string"});
  std::string many;
  for (int i = 0; i < 21; ++i) many += std::string(i ? "," : "") + kPerson;
  CHECK(violations("household-create", R"({"territory":"75","members":[)" + many + "]}") ==
        Lines{"/members: must have at most 20 items"});
}

TEST_CASE("json schema: a string with NUL is a violation") {
  CHECK(violations("household-create", household("").replace(household("").find("DUPONT"), 6, R"(DU\u0000PONT)")) ==
        Lines{"/members/0/lastName: must not contain NUL characters"});
  CHECK(violations("request-transition", R"({"to":"closed","reason":"\u0000"})") ==
        Lines{"/reason: must not contain NUL characters"});
  // Before the NUL, valijson would count 1 character and run the pattern on the rest: never reached.
  const std::string tail(100000, 'a');
  CHECK(violations("household-create", household(R"(,"email":"a\u0000)" + tail + "@" + tail + "\"")) ==
        Lines{"/members/0/email: must not contain NUL characters"});
}

TEST_CASE("json schema: a member named \"0\" and index 0 get the pointers they deserve") {
  CHECK(violations("person-create", R"({"0":1,"lastName":"A","firstNames":["B"],"sex":"male","role":"head"})") ==
        Lines{"/0: unknown member"});
  CHECK(violations("household-create", household(R"(,"0":{"1":2})")) == Lines{"/members/0/0: unknown member"});
  CHECK(violations("household-create", R"({"territory":"75","members":[{"0":"x","lastName":"A","firstNames":["B"],)"
                                       R"("sex":"male","role":"head","a/b~c":1}]})") ==
        Lines{"/members/0/0: unknown member", "/members/0/a~1b~0c: unknown member"});
}

TEST_CASE("json valijson context: tokens are read against the document") {
  const auto array = parse_body(R"({"members":[{"birthDate":1}]})");
  const auto object = parse_body(R"({"members":{"0":{"birthDate":1}}})");
  const std::vector<std::string> context = {"<root>", "[members]", "[0]", "[birthDate]"};
  CHECK(siao::json::pointer_from_context(context, array) == "/members/0/birthDate");
  CHECK(siao::json::pointer_from_context(context, object) == "/members/0/birthDate");
  const auto slash = parse_body(R"({"a/b":{"~":1}})");
  CHECK(siao::json::pointer_from_context({"<root>", "[a/b]", "[~]"}, slash) == "/a~1b/~0");

  valijson::ValidationResults results;
  results.pushError({"<root>", "[members]", "[1]"}, "Missing required property 'lastName'.");
  results.pushError({"<root>", "[members]"}, "Failed to validate item #1 in array.");
  results.pushError({"<root>", "[members]", "[0]"},
                    "Object contains a property that could not be validated using 'properties' or "
                    "'additionalProperties' constraints: 'foo'.");
  results.pushError({"<root>", "[territory]"}, "Failed to match against any enum values.");
  results.pushError({"<root>"}, "Failed to validate against schema associated with property name 'members'.");
  const auto doc = parse_body(R"({"territory":"00","members":[{"foo":1},{}]})");
  const auto errors = siao::json::from_valijson(results, doc);
  REQUIRE(errors.size() == 3);
  CHECK(errors[0].pointer == "/members/1/lastName");
  CHECK(errors[0].message == "is required");
  CHECK(errors[1].pointer == "/members/0/foo");
  CHECK(errors[1].message == "unknown member");
  CHECK(errors[2].pointer == "/territory");
  CHECK(errors[2].message == "is not one of the allowed values");
}

TEST_CASE("json schema: several violations - deepest only - in document order") {
  const auto found = violations(
      "household-create",
      R"({"members":[{"foo":1,"lastName":"A","firstNames":["B",""],"birthDate":"1985/03","role":"boss"},)"
      R"({"lastName":"C","firstNames":["D"],"sex":"male","role":"child","email":"x"}],"territory":"XX","id":"1"})");
  CHECK(found == Lines{"/members/0/foo: unknown member",
                       "/members/0/firstNames/1: must not be empty",
                       "/members/0/birthDate: must match the format YYYY, YYYY-MM or YYYY-MM-DD",
                       "/members/0/role: must be one of: head, spouse, child, other_adult, other_minor",
                       "/members/0/sex: is required",
                       "/members/1/email: must be an email address",
                       "/territory: must be a French département code: 01 to 19, 2A, 2B, 21 to 95, 971 to 974 or 976",
                       "/id: is set by SIAO and may not be written"});
  for (const auto& line : found) CHECK(line.find("Failed to validate") == std::string::npos);
}

TEST_CASE("json schema: member-add is a move with personId - a new person without") {
  CHECK(violations("member-add", R"({"personId":"40000123","role":"spouse"})").empty());
  CHECK(violations("member-add", kPerson).empty());
  CHECK(violations("member-add", R"({"personId":"123"})") ==
        Lines{"/personId: must be a SIAO identifier of 8 digits", "/role: is required"});
  CHECK(violations("member-add", R"({"personId":"40000123","role":"head","lastName":"X"})") ==
        Lines{"/lastName: unknown member"});
  CHECK(violations("member-add", R"({"lastName":"X","id":"40000123"})") ==
        Lines{"/id: is set by SIAO and may not be written", "/firstNames: is required", "/sex: is required",
              "/role: is required"});
}

TEST_CASE("json schema: patches - requests and transitions") {
  CHECK(violations("person-patch", "{}") == Lines{": must have at least 1 member"});
  CHECK(violations("person-patch", R"({"lastName":null})") == Lines{"/lastName: must be a string"});
  CHECK(violations("person-patch", R"({"birthName":null,"role":"head"})").empty());
  CHECK(violations("person-patch", R"({"status":"merged"})") == Lines{"/status: is set by SIAO and may not be written"});
  CHECK(violations("household-patch", R"({"territory":"2A"})").empty());
  CHECK(violations("household-patch", R"({"members":[]})") ==
        Lines{"/members: unknown member", "/territory: is required"});

  CHECK(violations("request-create", R"({"householdId":"90512191","kind":"insertion","territory":"13",)"
                                     R"("requestedServices":["CHRS","LOGEMENT_ORDINAIRE"]})")
            .empty());
  CHECK(violations("request-create",
                   R"({"householdId":"9051219","kind":"insertion","requestedServices":["CHU","HOTEL","CHU","SPA"]})") ==
        Lines{"/householdId: must be a SIAO identifier of 8 digits", "/requestedServices/2: repeats item 0",
              "/requestedServices/3: must be one of: CHU, CHRS, HOTEL, RHVS, HALTE_DE_NUIT, LHSS, ALT, IML, "
              "PENSION_DE_FAMILLE, RESIDENCE_SOCIALE, FJT, FTM, LOGEMENT_ORDINAIRE"});
  CHECK(violations("request-create", R"({"householdId":"90512191","kind":"insertion","requestedServices":[]})") ==
        Lines{"/requestedServices: must have at least 1 item"});

  CHECK(violations("request-transition", R"({"to":"no-such-status"})").empty());  // the domain's 422
  CHECK(violations("request-transition", R"({"to":"provided","placement":{"structure":"CHU Paris","startDate":"2024-05-01"}})")
            .empty());
  CHECK(violations("request-transition", R"({"to":"provided","placement":{"startDate":"2024-5-1","room":"12"}})") ==
        Lines{"/placement/startDate: must match the format YYYY-MM-DD", "/placement/room: unknown member"});
  CHECK(violations("request-transition", R"({"to":"oriented","orientation":{}})") ==
        Lines{"/orientation/service: is required"});
  CHECK(violations("request-transition", R"({"reason":"x"})") == Lines{"/to: is required"});
  CHECK(violations("request-transition", R"({"to":")" + std::string(33, 'a') + "\"}") ==
        Lines{"/to: must be at most 32 characters long"});
}

TEST_CASE("json schema: a 10 000-character string on a pattern field is refused by maxLength - quickly") {
  const auto start = std::chrono::steady_clock::now();
  const std::string long_text(10000, 'a');
  CHECK(violations("household-create", household(R"(,"email":")" + long_text + "@" + long_text + "\"")) ==
        Lines{"/members/0/email: must be at most 254 characters long"});
  CHECK(violations("household-create", household(R"(,"birthDate":")" + long_text + "\"")) ==
        Lines{"/members/0/birthDate: must be at most 10 characters long"});
  CHECK(violations("household-create", household(R"(,"phone":"+)" + std::string(500000, '1') + "\"")) ==
        Lines{"/members/0/phone: must be at most 16 characters long"});
  CHECK(violations("household-create", household(R"(,"lastName2":")" + long_text + "\"")) ==
        Lines{"/members/0/lastName2: unknown member"});
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
}

TEST_CASE("json schema: the response schemas accept the spec's examples") {
  const std::string meta = R"("version":1,"createdAt":"2024-05-01T12:00:00Z","updatedAt":"2024-05-01T12:00:00.123Z",)"
                           R"("updatedBy":"rosalie")";
  const std::string person =
      R"({"id":"40000123","householdId":"90512191","role":"head","lastName":"DUPONT","birthName":"MARTIN",)"
      R"("firstNames":["Marie","Claire"],"sex":"female","birthDate":"1985-03-14","nationality":"FRA",)"
      R"("phone":"+33612345678","email":null,"status":"active","mergedInto":null,)" + meta + "}";
  CHECK(violations("person", person).empty());
  CHECK(violations("household", R"({"id":"90512191","territory":"75","status":"active","composition":"single_woman",)"
                                R"("adults":1,"minors":0,"members":[)" + person +
                                    R"(],"partnerKeys":[{"partner":"rosalie","key":"F-2023-000123"}],"mergedInto":null,)" +
                                    meta + "}")
            .empty());
  CHECK(violations("request", R"({"id":"70001234","householdId":"90512191","kind":"emergency","territory":"75",)"
                              R"("status":"received","requestedServices":["CHU","HOTEL"],)"
                              R"("submittedAt":"2024-05-01T12:00:00Z","orientation":null,"proposal":null,"placement":null,)"
                              R"("history":[{"status":"received","at":"2024-05-01T12:00:00Z","by":"rosalie","reason":null}],)" +
                                  meta + "}")
            .empty());
  CHECK(violations("history-entry", R"({"version":1,"at":"2024-05-01T12:00:00Z","by":"rosalie","change":"created",)"
                                    R"("snapshot":)" + person + "}")
            .empty());
  CHECK(violations("problem", R"({"type":"/problems/validation","title":"Unprocessable Content","status":422,)"
                              R"("detail":"The body does not match the schema.",)"
                              R"("errors":[{"pointer":"/members/0/birthDate","message":"is required"}],)"
                              R"("traceId":"4bf92f3577b34da6a3ce929d0e0e4736"})")
            .empty());
  CHECK(violations("person", R"({"id":"40000123"})").size() == 16);
  std::string unversioned = person;
  unversioned.replace(unversioned.find(R"("version":1)"), 11, R"("version":0)");
  CHECK(violations("person", unversioned) == Lines{"/version: must be at least 1"});
}

TEST_CASE("json schema: validation is safe from several threads at once") {
  const auto bad = parse_body(household(R"(,"birthDate":"x","foo":1)"));
  const auto good = parse_body(household(R"(,"email":"a@b.c")"));
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        if (schemas().validate("household-create", bad).size() != 2) ++wrong;
        if (!schemas().validate("household-create", good).empty()) ++wrong;
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(wrong == 0);
}

TEST_CASE("json schema: a bad schema directory is refused - naming the file") {
  const std::string ok = R"({"type":"object","properties":{"a":{"type":"string","maxLength":5}}})";
  CHECK(Scratch({{"a.schema.json", ok}}).load_error().empty());
  CHECK(Scratch({{"a.schema.json", "{"}}).load_error().find("a.schema.json") != std::string::npos);
  CHECK(Scratch({{"a.schema.json", R"({"type":"object","type":"array"})"}}).load_error().find("a.schema.json") !=
        std::string::npos);
  CHECK(Scratch({}).load_error().find("has no *.schema.json") != std::string::npos);
  CHECK_THROWS_AS(SchemaSet::load(kSchemaDir / "no-such-directory"), std::runtime_error);

  const std::map<std::string, std::string> refused = {
      {"pattern without maxLength", R"({"properties":{"a":{"type":"string","pattern":"^a$"}}})"},
      {"pattern on a long string", R"({"properties":{"a":{"type":"string","maxLength":100000,"pattern":"^a$"}}})"},
      {"pattern that does not compile", R"({"properties":{"a":{"type":"string","maxLength":5,"pattern":"(a"}}})"},
      {"string without maxLength", R"({"properties":{"a":{"type":"string"}}})"},
      {"format", R"({"properties":{"a":{"type":"string","maxLength":30,"format":"date-time"}}})"},
      {"unknown keyword", R"({"properties":{"a":{"type":"string","maxlength":5}}})"},
      {"patternProperties", R"({"patternProperties":{"^a":{"type":"integer"}}})"},
      {"items as an array", R"({"items":[{"type":"integer"}]})"},
      {"keyword beside $ref", R"({"definitions":{"x":{"type":"integer"}},"properties":{"a":{"$ref":"#/definitions/x","minimum":1}}})"},
      {"unresolvable $ref", R"({"properties":{"a":{"$ref":"#/definitions/missing"}}})"},
      {"$ref to a missing file", R"({"properties":{"a":{"$ref":"other.schema.json#/definitions/x"}}})"},
      {"$ref outside the directory", R"({"properties":{"a":{"$ref":"../x.schema.json"}}})"},
      {"$ref loop", R"({"definitions":{"x":{"$ref":"#/definitions/y"},"y":{"$ref":"#/definitions/x"}},"properties":{"a":{"$ref":"#/definitions/x"}}})"},
      {"allOf loop", R"({"definitions":{"x":{"allOf":[{"$ref":"#/definitions/x"}]}},"properties":{"a":{"$ref":"#/definitions/x"}}})"},
      {"x-readOnly without additionalProperties false", R"({"x-readOnly":["id"],"properties":{}})"},
      {"uniqueItems without maxItems", R"({"type":"array","uniqueItems":true})"},
      {"draft 2020-12", R"({"$schema":"https://json-schema.org/draft/2020-12/schema"})"},
      {"not a schema", R"({"properties":{"a":3}})"},
  };
  for (const auto& [refusal, text] : refused) {
    const std::string& what = refusal;  // not a structured binding: CAPTURE's lambda reads it (clang < 16)
    CAPTURE(what);
    const std::string error = Scratch({{"ok.schema.json", ok}, {"bad.schema.json", text}}).load_error();
    CHECK(error.find("bad.schema.json") != std::string::npos);
  }
}

TEST_CASE("json schema: references between files resolve - whatever paths the files share") {
  // Both files have a node at /properties/a: valijson 1.0 would cache them as one subschema.
  Scratch scratch({{"outer.schema.json",
                    R"({"type":"object","additionalProperties":false,"properties":{"a":{"type":"integer"},)"
                    R"("b":{"$ref":"inner.schema.json"}}})"},
                   {"inner.schema.json",
                    R"({"type":"object","additionalProperties":false,"required":["a"],"properties":{"a":{"type":"string","maxLength":3}}})"}});
  const auto set = SchemaSet::load(scratch.dir());
  CHECK(set->validate("outer", parse_body(R"({"a":1,"b":{"a":"xyz"}})")).empty());
  const auto errors = set->validate("outer", parse_body(R"({"a":"1","b":{"a":2}})"));
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].pointer == "/a");
  CHECK(errors[0].message == "must be an integer");
  CHECK(errors[1].pointer == "/b/a");
  CHECK(errors[1].message == "must be a string");
}

TEST_CASE("json schema: documents built without parse_body are checked for bad strings too") {
  rapidjson::Document doc;
  doc.SetObject();
  auto& a = doc.GetAllocator();
  doc.AddMember("lastName", rapidjson::Value("\xC3(", a), a);  // not UTF-8: valijson would read past its tables
  doc.AddMember("firstNames", rapidjson::Value(rapidjson::kArrayType).PushBack(rapidjson::Value("A", a), a), a);
  doc.AddMember("sex", "male", a);
  doc.AddMember("role", "head", a);
  const auto errors = schemas().validate("person-create", doc);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].pointer == "/lastName");
  CHECK(errors[0].message == "must be valid UTF-8");
}

TEST_CASE("json schema: at most 100 violations are reported") {
  std::string body = R"({"lastName":"A","firstNames":["B"],"sex":"male","role":"head")";
  for (int i = 0; i < 150; ++i) body += ",\"extra" + std::to_string(i) + "\":1";
  const auto found = violations("person-create", body + "}");
  REQUIRE(found.size() == 100);
  CHECK(found.front() == "/extra0: unknown member");
  CHECK(found.back() == "/extra99: unknown member");
}
