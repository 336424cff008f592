#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/auth/field_policy.hpp"

using siao::auth::FieldPolicy;
using siao::auth::FieldRules;
using siao::domain::ResourceKind;

namespace {

// Every person field but the ones that reach a person directly.
FieldPolicy without_contact_details() {
  FieldRules person;
  person.readable = {
      {"householdId", "role", "lastName", "birthName", "firstNames", "sex", "birthDate", "status", "mergedInto"}};
  return FieldPolicy({}, std::move(person), {});
}

const std::string kPerson =
    R"({"id":"40000123","householdId":"90512191","role":"head","lastName":"DUPONT","birthName":"MARTIN",)"
    R"("firstNames":["Marie","Claire"],"sex":"female","birthDate":"1985-03-14","nationality":"FRA",)"
    R"("phone":"+33612345678","email":null,"status":"active","mergedInto":null,)"
    R"("version":1,"createdAt":"2024-01-02T03:04:05Z","updatedAt":"2024-01-02T03:04:05Z","updatedBy":"rosalie"})";

const std::string kPersonMinimised =
    R"({"id":"40000123","householdId":"90512191","role":"head","lastName":"DUPONT","birthName":"MARTIN",)"
    R"("firstNames":["Marie","Claire"],"sex":"female","birthDate":"1985-03-14",)"
    R"("status":"active","mergedInto":null,)"
    R"("version":1,"createdAt":"2024-01-02T03:04:05Z","updatedAt":"2024-01-02T03:04:05Z","updatedBy":"rosalie"})";

// A second member whose contact fields come first, so that the cut reaches the comma after the id.
const std::string kChild =
    R"({"id":"40000124","phone":null,"email":"a@b.fr","nationality":"unknown","role":"child","lastName":"DUPONT",)"
    R"("updatedAt":"2026-01-05T10:00:00.000Z"})";
const std::string kChildMinimised =
    R"({"id":"40000124","role":"child","lastName":"DUPONT","updatedAt":"2026-01-05T10:00:00.000Z"})";

std::string household(const std::string& members) {
  return R"({"id":"90512191","territory":"75","status":"active","composition":"single_woman_with_children",)"
         R"("adults":1,"minors":1,"members":[)" +
         members + R"(],"partnerKeys":[{"partner":"rosalie","key":"F-2023-000123"}],"mergedInto":null,"version":2,)"
         R"("updatedAt":"2026-01-05T10:00:00.000Z"})";
}

std::string history_entry(const std::string& snapshot) {
  return R"({"version":1,"at":"2024-01-02T03:04:05Z","by":"rosalie","change":"created","snapshot":)" + snapshot + "}";
}

const std::string kRequest =
    R"({"id":"70001234","householdId":"90512191","kind":"emergency","territory":"75","status":"received",)"
    R"("requestedServices":["CHU","HOTEL"],"submittedAt":"2024-01-02T03:04:05Z","orientation":null,)"
    R"("proposal":null,"placement":{"structure":"CHU Nord","startDate":"2024-01-03"},)"
    R"("history":[{"status":"received","at":"2024-01-02T03:04:05Z","by":"rosalie","reason":null}],"version":1,)"
    R"("updatedAt":"2026-01-05T10:00:00.000Z"})";

rapidjson::Document parse(std::string_view text) {
  rapidjson::Document doc;
  doc.Parse(text.data(), text.size());
  REQUIRE_FALSE(doc.HasParseError());
  return doc;
}

struct Expected {
  std::string pointer;
  std::string message;
};

std::vector<Expected> refused(const FieldPolicy& policy, std::string_view schema, std::string_view body) {
  std::vector<Expected> out;
  for (auto& e : policy.unwritable(schema, parse(body))) out.push_back({e.pointer, e.message});
  return out;
}

bool operator==(const Expected& a, const Expected& b) { return a.pointer == b.pointer && a.message == b.message; }

doctest::String toString(const std::vector<Expected>& errors) {
  std::string out;
  for (const auto& e : errors) out += "[" + e.pointer + " " + e.message + "]";
  return out.c_str();
}

}  // namespace

TEST_CASE("field policy: the default policy reads and writes every field") {
  const FieldPolicy policy;
  CHECK_FALSE(policy.restricts_reads());
  CHECK_FALSE(policy.restricts_writes());
  CHECK(policy.may_read(ResourceKind::person, "phone"));
  CHECK(policy.may_write(ResourceKind::request, "status"));
  const std::string text = household(kPerson);
  CHECK(policy.minimise(text) == text);
  CHECK(policy.minimise("not json") == "not json");
  CHECK(policy.unwritable("person-create", parse(R"({"lastName":"DUPONT","phone":"+33612345678"})")).empty());
}

TEST_CASE("field policy: readable and writable lists restrict only their own kind and direction") {
  FieldRules person;
  person.readable = {{"lastName"}};
  FieldRules request;
  request.writable = {{"status"}};
  const FieldPolicy policy({}, person, request);
  CHECK(policy.restricts_reads());
  CHECK(policy.restricts_writes());
  CHECK(policy.may_read(ResourceKind::person, "lastName"));
  CHECK_FALSE(policy.may_read(ResourceKind::person, "phone"));
  CHECK(policy.may_read(ResourceKind::household, "territory"));
  CHECK(policy.may_read(ResourceKind::request, "placement"));
  CHECK(policy.may_write(ResourceKind::person, "phone"));
  CHECK(policy.may_write(ResourceKind::request, "status"));
  CHECK_FALSE(policy.may_write(ResourceKind::request, "placement"));
  for (std::string_view field : {"id", "version", "createdAt", "updatedAt", "updatedBy"}) {
    CAPTURE(field);
    CHECK(policy.may_read(ResourceKind::person, field));
    CHECK_FALSE(policy.may_write(ResourceKind::request, field));
  }

  FieldRules writes_only;
  writes_only.writable = std::vector<std::string>{};
  const FieldPolicy read_all({}, {}, writes_only);
  CHECK_FALSE(read_all.restricts_reads());
  CHECK(read_all.restricts_writes());
}

TEST_CASE("field policy: a person loses the fields the contract may not read") {
  CHECK(without_contact_details().minimise(kPerson) == kPersonMinimised);
}

TEST_CASE("field policy: household members are minimised and the household kept whole") {
  const auto policy = without_contact_details();
  CHECK(policy.minimise(household(kPerson + "," + kChild)) == household(kPersonMinimised + "," + kChildMinimised));
}

TEST_CASE("field policy: every item of a list is minimised") {
  const auto policy = without_contact_details();
  const std::string list = R"({"items":[)" + household(kPerson) + "," + household(kChild) + R"(],"next":"abc"})";
  CHECK(policy.minimise(list) ==
        R"({"items":[)" + household(kPersonMinimised) + "," + household(kChildMinimised) + R"(],"next":"abc"})");
}

TEST_CASE("field policy: history snapshots are minimised and the entries kept") {
  const auto policy = without_contact_details();
  const std::string history =
      R"({"items":[)" + history_entry(kPerson) + "," + history_entry(household(kChild)) + R"(],"next":null})";
  CHECK(policy.minimise(history) == R"({"items":[)" + history_entry(kPersonMinimised) + "," +
                                        history_entry(household(kChildMinimised)) + R"(],"next":null})");
}

TEST_CASE("field policy: other kinds and objects without a SIAO id keep every member") {
  const auto policy = without_contact_details();
  CHECK(policy.minimise(kRequest) == kRequest);
  // Each carries "updatedAt": only its id keeps it from being taken for a person.
  for (std::string_view text : {
           R"({"phone":"+33612345678","email":"a@b.fr","updatedAt":"2026-01-05T10:00:00.000Z"})",
           R"({"id":"4000012","phone":"+33612345678","updatedAt":"2026-01-05T10:00:00.000Z"})",
           R"({"id":"400001234","phone":"+33612345678","updatedAt":"2026-01-05T10:00:00.000Z"})",
           R"({"id":"10000123","phone":"+33612345678","updatedAt":"2026-01-05T10:00:00.000Z"})",
           R"({"id":40000123,"phone":"+33612345678","updatedAt":"2026-01-05T10:00:00.000Z"})",
           R"({"id":{"id":"90512191"},"phone":"+33612345678","updatedAt":"2026-01-05T10:00:00.000Z"})",
           R"({"updatedAt":"2026-01-05T10:00:00.000Z","id":null,"phone":"+33612345678"})",
           R"({"personId":"40000123","phone":"+33612345678","updatedAt":"2026-01-05T10:00:00.000Z"})",
           R"({"items":[{"personId":"40000123","householdId":"90512191","similarity":0.93,"matched":["lastName"]}]})",
           R"([1,"two",null,true,{"a":[]},[],{}])",
           R"("40000123")",
           "42",
       }) {
    CAPTURE(text);
    CHECK(policy.minimise(std::string(text)) == text);
  }
}

TEST_CASE("field policy: a resource nested in a non-resource object is still found") {
  const auto policy = without_contact_details();
  CHECK(policy.minimise(R"({"data":{"x":[[)" + kChild + R"(]]},"phone":"kept"})") ==
        R"({"data":{"x":[[)" + kChildMinimised + R"(]]},"phone":"kept"})");
}

TEST_CASE("field policy: a change-feed page is returned unchanged") {
  const std::string page =
      R"({"items":[{"seq":"1","type":"person.updated","resource":"person","id":"40000001","version":2,)"
      R"("at":"2026-01-05T10:00:00.000Z"}],"next":"c1"})";
  const auto policy = without_contact_details();
  CHECK_FALSE(policy.may_read(ResourceKind::person, "phone"));
  CHECK(policy.minimise(page) == page);

  // The event's own keys are person fields this contract may not read: an event is still no person.
  for (std::string_view key : {"seq", "type", "resource", "at"}) {
    CAPTURE(key);
    CHECK_FALSE(policy.may_read(ResourceKind::person, key));
  }
  // Nor is it one when a key is named like a hidden field, whatever the order of its keys or its kind.
  FieldRules none;
  none.readable = std::vector<std::string>{};
  const FieldPolicy reads_nothing(none, none, none);
  for (std::string_view text : std::initializer_list<std::string_view>{
           page,
           R"({"items":[{"seq":"2","type":"person.updated","resource":"person","id":"40000001","version":3,)"
           R"("at":"2026-01-05T10:00:00.000Z","phone":"+33612345678"}],"next":"c2"})",
           R"({"items":[{"at":"2026-01-05T10:00:00.000Z","version":1,"id":"90512191","resource":"household",)"
           R"("type":"household.created","seq":"3"},{"seq":"4","type":"request.transitioned","resource":"request",)"
           R"("id":"70001234","version":5,"at":"2026-01-05T10:00:00.000Z"}],"next":null})",
       }) {
    CAPTURE(text);
    CHECK(policy.minimise(std::string(text)) == text);
    CHECK(reads_nothing.minimise(std::string(text)) == text);
  }
}

TEST_CASE("field policy: an object with a SIAO id but no updatedAt is no resource") {
  const auto policy = without_contact_details();
  // Kept whole: its hidden-looking members stay but the person it holds is minimised.
  CHECK(policy.minimise(R"({"id":"40000123","phone":"+33612345678","email":"a@b.fr","duplicate":)" + kChild + "}") ==
        R"({"id":"40000123","phone":"+33612345678","email":"a@b.fr","duplicate":)" + kChildMinimised + "}");
  CHECK(policy.minimise(R"({"phone":"+33612345678","id":"40000123","members":[)" + kPerson + "," + kChild +
                        R"(],"email":null})") ==
        R"({"phone":"+33612345678","id":"40000123","members":[)" + kPersonMinimised + "," + kChildMinimised +
            R"(],"email":null})");
  // An "updatedAt" that is not one of its own members does not make it a resource.
  for (std::string_view text : {
           R"({"id":"40000123","phone":"+33612345678","meta":{"updatedAt":"2026-01-05T10:00:00.000Z"}})",
           R"({"id":"40000123","phone":"+33612345678","field":"updatedAt"})",
           R"({"id":"40000123","phone":"+33612345678","updatedat":"2026-01-05T10:00:00.000Z"})",
       }) {
    CAPTURE(text);
    CHECK(policy.minimise(std::string(text)) == text);
  }
}

TEST_CASE("field policy: always-readable fields stay even when the list omits them") {
  FieldRules person;
  person.readable = {{"lastName"}};
  const FieldPolicy policy({}, person, {});
  CHECK(policy.minimise(kPerson) ==
        R"({"id":"40000123","lastName":"DUPONT","version":1,"createdAt":"2024-01-02T03:04:05Z",)"
        R"("updatedAt":"2024-01-02T03:04:05Z","updatedBy":"rosalie"})");

  person.readable = std::vector<std::string>{};
  CHECK(FieldPolicy({}, person, {}).minimise(kChild) == R"({"id":"40000124","updatedAt":"2026-01-05T10:00:00.000Z"})");
}

TEST_CASE("field policy: a request readable list hides the request's other fields") {
  FieldRules request;
  request.readable = {{"householdId", "status", "placement"}};
  const FieldPolicy policy({}, {}, request);
  const std::string minimised = R"({"id":"70001234","householdId":"90512191","status":"received",)"
                                R"("placement":{"structure":"CHU Nord","startDate":"2024-01-03"},"version":1,)"
                                R"("updatedAt":"2026-01-05T10:00:00.000Z"})";
  CHECK(policy.minimise(kRequest) == minimised);
  CHECK(policy.minimise(kPerson) == kPerson);
  CHECK(policy.minimise(R"({"items":[)" + kRequest + "," + kRequest + R"(],"next":null})") ==
        R"({"items":[)" + minimised + "," + minimised + R"(],"next":null})");
}

TEST_CASE("field policy: the id and updatedAt may come after the hidden fields") {
  const auto policy = without_contact_details();
  CHECK(policy.minimise(R"({"phone":"1","email":"2","id":"40000125","lastName":"X","nationality":"FRA",)"
                        R"("updatedAt":"2026-01-05T10:00:00.000Z"})") ==
        R"({"id":"40000125","lastName":"X","updatedAt":"2026-01-05T10:00:00.000Z"})");
  CHECK(policy.minimise(R"({"phone":"1","lastName":"X","email":"2","updatedAt":"2026-01-05T10:00:00.000Z",)"
                        R"("id":"40000125"})") ==
        R"({"lastName":"X","updatedAt":"2026-01-05T10:00:00.000Z","id":"40000125"})");
  CHECK(policy.minimise(R"({"phone":"1","email":"2","updatedAt":"2026-01-05T10:00:00.000Z","id":"40000125"})") ==
        R"({"updatedAt":"2026-01-05T10:00:00.000Z","id":"40000125"})");
  // A hidden member holding a resource of its own: the inner cut lies inside the outer one.
  CHECK(policy.minimise(R"({"phone":{"id":"40000126","email":"x","updatedAt":"2026-01-05T10:00:00.000Z"},)"
                        R"("id":"40000125","updatedAt":"2026-01-05T10:00:00.000Z"})") ==
        R"({"id":"40000125","updatedAt":"2026-01-05T10:00:00.000Z"})");
}

TEST_CASE("field policy: whitespace and escapes in the text are handled") {
  const auto policy = without_contact_details();
  const std::string text =
      "{ \"items\" : [ {\n  \"phone\" : \"1\" ,\n  \"id\" : \"40000125\" ,\n  \"ph\\u006fne\" : 2 "
      ",\n  \"lastName\" : \"A\\\"B\" , \"email\":[ ] ,\t\"upd\\u0061tedAt\"\r\n:\"2026-01-05T10:00:00.000Z\"\n} ] }\n";
  const std::string out = policy.minimise(text);
  CAPTURE(out);
  const auto doc = parse(out);
  const auto& person = doc["items"][0];
  CHECK(person.MemberCount() == 3);
  CHECK(std::string(person["id"].GetString()) == "40000125");
  CHECK(std::string(person["lastName"].GetString()) == "A\"B");
  CHECK(std::string(person["updatedAt"].GetString()) == "2026-01-05T10:00:00.000Z");
}

TEST_CASE("field policy: text that is not JSON is returned unchanged") {
  const auto policy = without_contact_details();
  using namespace std::string_literals;
  for (const std::string& text : {
           ""s,
           "not json"s,
           kPerson.substr(0, kPerson.size() - 1),
           kPerson + "}"s,
           kPerson + " x"s,
           "{\"id\":\"40000123\",\"updatedAt\":\"2026-01-05T10:00:00.000Z\",\"phone\":\"\xff\"}"s,
           "{\"id\":\"40000123\",\"updatedAt\":\"2026-01-05T10:00:00.000Z\",\"phone\":\"1\"}\0"
           "{\"id\":\"40000124\",\"updatedAt\":\"2026-01-05T10:00:00.000Z\",\"phone\":\"2\"}"s,
           "{\"id\":\"40000123\",\"updatedAt\":\"2026-01-05T10:00:00.000Z\",\"phone\":\"1\0\"}"s,
       }) {
    CAPTURE(text);
    CHECK(policy.minimise(text) == text);
  }
}

TEST_CASE("field policy: deep nesting is walked without recursion") {
  const auto policy = without_contact_details();
  const std::size_t depth = 100000;
  const std::string text = std::string(depth, '[') + kPerson + std::string(depth, ']');
  CHECK(policy.minimise(text) == std::string(depth, '[') + kPersonMinimised + std::string(depth, ']'));
}

TEST_CASE("field policy: unwritable person fields are pointed at in every person body") {
  FieldRules person;
  person.writable = {{"lastName", "firstNames", "sex", "role", "birthDate"}};
  const FieldPolicy policy({}, person, {});
  const std::string body = R"({"lastName":"DUPONT","phone":"+33612345678","sex":"female","email":null,"role":"head"})";
  const std::vector<Expected> expected{{"/phone", "this contract may not write person.phone"},
                                       {"/email", "this contract may not write person.email"}};
  CHECK(refused(policy, "person-create", body) == expected);
  CHECK(refused(policy, "person-patch", R"({"phone":"+33612345678","email":null})") == expected);
  CHECK(refused(policy, "member-add", body) == expected);
  CHECK(refused(policy, "person-patch", R"({"lastName":"MARTIN"})").empty());
  CHECK(refused(policy, "person-patch", R"({"a/b~c":1})") ==
        std::vector<Expected>{{"/a~1b~0c", "this contract may not write person.a/b~c"}});
}

TEST_CASE("field policy: a move into a household writes the person's householdId") {
  FieldRules person;
  person.writable = {{"role"}};
  const FieldPolicy policy({}, person, {});
  CHECK(refused(policy, "member-add", R"({"personId":"40000123","role":"spouse"})") ==
        std::vector<Expected>{{"/personId", "this contract may not write person.householdId"}});
  person.writable = {{"role", "householdId"}};
  CHECK(refused(FieldPolicy({}, person, {}), "member-add", R"({"personId":"40000123","role":"spouse"})").empty());
}

TEST_CASE("field policy: a new household is checked as a household and each member as a person") {
  FieldRules household;
  household.writable = {{"members"}};
  FieldRules person;
  person.writable = {{"lastName", "firstNames", "sex", "role"}};
  const FieldPolicy policy(household, person, {});
  const std::string body =
      R"({"territory":"75","members":[{"lastName":"A","firstNames":["B"],"sex":"male","role":"head"},)"
      R"({"lastName":"C","phone":"+33612345678","firstNames":["D"],"sex":"female","role":"spouse","email":null}]})";
  CHECK(refused(policy, "household-create", body) ==
        std::vector<Expected>{{"/territory", "this contract may not write household.territory"},
                              {"/members/1/phone", "this contract may not write person.phone"},
                              {"/members/1/email", "this contract may not write person.email"}});
  CHECK(refused(policy, "household-patch", R"({"territory":"75"})") ==
        std::vector<Expected>{{"/territory", "this contract may not write household.territory"}});

  household.writable = {{"territory"}};
  CHECK(refused(FieldPolicy(household, {}, {}), "household-create", body) ==
        std::vector<Expected>{{"/members", "this contract may not write household.members"}});
}

TEST_CASE("field policy: a transition writes the request's status and what it names") {
  FieldRules request;
  request.writable = {{"placement"}};
  const FieldPolicy policy({}, {}, request);
  CHECK(refused(policy, "request-transition", R"({"to":"provided","placement":{"structure":"CHU"}})") ==
        std::vector<Expected>{{"/to", "this contract may not write request.status"}});
  CHECK(refused(policy, "request-transition", R"({"to":"to_update","reason":"no","proposal":{"structure":"X"}})") ==
        std::vector<Expected>{{"/to", "this contract may not write request.status"},
                              {"/reason", "this contract may not write request.status"},
                              {"/proposal", "this contract may not write request.proposal"}});
  request.writable = {{"status", "orientation"}};
  CHECK(refused(FieldPolicy({}, {}, request), "request-transition",
                R"({"to":"oriented","reason":"x","orientation":{"service":"CHRS"}})")
            .empty());
}

TEST_CASE("field policy: a new request is checked against the request fields") {
  FieldRules request;
  request.writable = {{"householdId", "kind", "requestedServices"}};
  const FieldPolicy policy({}, {}, request);
  CHECK(refused(policy, "request-create",
                R"({"householdId":"90512191","kind":"emergency","territory":"75","requestedServices":["CHU"]})") ==
        std::vector<Expected>{{"/territory", "this contract may not write request.territory"}});
}

TEST_CASE("field policy: a body of another schema has nothing unwritable") {
  FieldRules none;
  none.writable = std::vector<std::string>{};
  const FieldPolicy policy(none, none, none);
  CHECK(refused(policy, "person-create", R"({"lastName":"A"})").size() == 1);
  for (std::string_view schema : {"person-merge", "household-merge", "", "person", "Person-Create"}) {
    CAPTURE(schema);
    CHECK(refused(policy, schema, R"({"lastName":"A","duplicateId":"40000123"})").empty());
  }
}
