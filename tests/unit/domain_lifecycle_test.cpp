#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <string>
#include <string_view>
#include <vector>

#include "gateway/domain/lifecycle.hpp"

using siao::domain::allowed_targets;
using siao::domain::CurrentRequest;
using siao::domain::effects_of;
using siao::domain::initial_status;
using siao::domain::is_allowed;
using siao::domain::is_any_status;
using siao::domain::is_open;
using siao::domain::is_status;
using siao::domain::missing_for_transition;
using siao::domain::parse_kind;
using siao::domain::RequestKind;
using siao::domain::TransitionEffects;

namespace {

constexpr RequestKind E = RequestKind::emergency;
constexpr RequestKind I = RequestKind::insertion;

using Views = std::vector<std::string_view>;

rapidjson::Document json(std::string_view text) {
  rapidjson::Document doc;
  doc.Parse(text.data(), text.size());
  REQUIRE_FALSE(doc.HasParseError());
  return doc;
}

std::vector<std::string> pointers(const CurrentRequest& current, std::string_view to, std::string_view body) {
  std::vector<std::string> out;
  for (const auto& error : missing_for_transition(current, to, json(body))) {
    CHECK_FALSE(error.message.empty());
    out.push_back(error.pointer);
  }
  return out;
}

using Strings = std::vector<std::string>;

}  // namespace

TEST_CASE("kinds - initial statuses and which statuses belong to which lifecycle") {
  CHECK(parse_kind("emergency") == E);
  CHECK(parse_kind("insertion") == I);
  CHECK_FALSE(parse_kind("Emergency").has_value());
  CHECK_FALSE(parse_kind("").has_value());
  CHECK(name(E) == "emergency");
  CHECK(name(I) == "insertion");
  CHECK(initial_status(E) == "received");
  CHECK(initial_status(I) == "submitted");
  CHECK(statuses(E) == Views{"received", "provided", "not_provided", "closed", "cancelled"});
  CHECK(statuses(I) == Views{"submitted", "oriented", "proposed", "admitted", "to_update", "closed", "cancelled"});

  for (auto s : statuses(E)) CHECK(is_status(E, s));
  for (auto s : statuses(I)) CHECK(is_status(I, s));
  CHECK_FALSE(is_status(E, "submitted"));
  CHECK_FALSE(is_status(E, "to_update"));
  CHECK_FALSE(is_status(I, "received"));
  CHECK_FALSE(is_status(I, "not_provided"));
  for (const auto* s : {"received", "provided", "not_provided", "submitted", "oriented", "proposed", "admitted",
                 "to_update", "closed", "cancelled"})
    CHECK(is_any_status(s));
  for (const auto* s : {"", "open", "CLOSED", "merged", "cancelled "}) CHECK_FALSE(is_any_status(s));
}

TEST_CASE("open means not closed - not_provided or cancelled") {
  for (const auto* s : {"received", "provided", "submitted", "oriented", "proposed", "admitted", "to_update"})
    CHECK(is_open(s));
  for (const auto* s : {"closed", "not_provided", "cancelled", "", "unknown"}) CHECK_FALSE(is_open(s));
}

TEST_CASE("allowed_targets lists the spec's table - in its order - cancelled last") {
  struct Row {
    RequestKind kind;
    std::string_view from;
    Views targets;
  };
  const Row rows[] = {
      {E, "received", {"provided", "not_provided", "cancelled"}},
      {E, "provided", {"closed", "cancelled"}},
      {E, "not_provided", {"closed"}},
      {E, "closed", {}},
      {E, "cancelled", {}},
      {I, "submitted", {"oriented", "to_update", "cancelled"}},
      {I, "oriented", {"proposed", "to_update", "cancelled"}},
      {I, "proposed", {"admitted", "to_update", "cancelled"}},
      {I, "admitted", {"closed", "cancelled"}},
      {I, "to_update", {"submitted", "cancelled"}},
      {I, "closed", {}},
      {I, "cancelled", {"to_update"}},
      {E, "submitted", {}},  // not an emergency status
      {I, "received", {}},
      {I, "nonsense", {}},
  };
  for (const auto& row : rows) {
    CAPTURE(name(row.kind));
    CAPTURE(row.from);
    CHECK(allowed_targets(row.kind, row.from) == row.targets);
    for (auto to : row.targets) CHECK(is_allowed(row.kind, row.from, to));
  }
}

TEST_CASE("every transition of the table is allowed - and only those") {
  struct Row {
    RequestKind kind;
    std::string_view from;
    std::string_view to;
  };
  const Row allowed[] = {
      {E, "received", "provided"},   {E, "received", "not_provided"}, {E, "provided", "closed"},
      {E, "not_provided", "closed"}, {E, "received", "cancelled"},    {E, "provided", "cancelled"},
      {I, "submitted", "oriented"},  {I, "oriented", "proposed"},     {I, "proposed", "admitted"},
      {I, "proposed", "to_update"},  {I, "submitted", "to_update"},   {I, "oriented", "to_update"},
      {I, "to_update", "submitted"}, {I, "admitted", "closed"},       {I, "submitted", "cancelled"},
      {I, "oriented", "cancelled"},  {I, "proposed", "cancelled"},    {I, "admitted", "cancelled"},
      {I, "to_update", "cancelled"}, {I, "cancelled", "to_update"},
  };
  int count = 0;
  for (const auto& row : allowed) {
    CAPTURE(row.from);
    CAPTURE(row.to);
    CHECK(is_allowed(row.kind, row.from, row.to));
  }
  // Nothing else: every (from, to) pair of each kind's statuses outside the list is refused.
  for (auto kind : {E, I})
    for (auto from : statuses(kind))
      for (auto to : statuses(kind)) {
        bool listed = false;
        for (const auto& row : allowed) listed = listed || (row.kind == kind && row.from == from && row.to == to);
        CAPTURE(from);
        CAPTURE(to);
        CHECK(is_allowed(kind, from, to) == listed);
        count += listed;
      }
  CHECK(count == 20);
}

TEST_CASE("a sample of refused transitions - with what the 409 would list as allowed") {
  struct Row {
    RequestKind kind;
    std::string_view from;
    std::string_view to;
    Views allowed;
  };
  const Row rows[] = {
      {E, "received", "closed", {"provided", "not_provided", "cancelled"}},
      {E, "received", "received", {"provided", "not_provided", "cancelled"}},
      {E, "provided", "not_provided", {"closed", "cancelled"}},
      {E, "not_provided", "cancelled", {"closed"}},  // not open
      {E, "cancelled", "to_update", {}},             // reactivation is for insertion only
      {E, "closed", "received", {}},
      {E, "received", "oriented", {"provided", "not_provided", "cancelled"}},  // another kind's status
      {I, "submitted", "admitted", {"oriented", "to_update", "cancelled"}},
      {I, "submitted", "provided", {"oriented", "to_update", "cancelled"}},
      {I, "admitted", "to_update", {"closed", "cancelled"}},
      {I, "to_update", "oriented", {"submitted", "cancelled"}},
      {I, "closed", "cancelled", {}},
      {I, "cancelled", "submitted", {"to_update"}},
      {I, "cancelled", "cancelled", {"to_update"}},
  };
  for (const auto& row : rows) {
    CAPTURE(row.from);
    CAPTURE(row.to);
    CHECK_FALSE(is_allowed(row.kind, row.from, row.to));
    CHECK(allowed_targets(row.kind, row.from) == row.allowed);
    CHECK(effects_of(row.kind, row.from, row.to) == TransitionEffects{});
    CHECK(missing_for_transition({row.kind, row.from, false}, row.to, json(R"({"to":"x"})")).empty());
  }
}

TEST_CASE("missing_for_transition: each need - pointed where it should be") {
  struct Row {
    const char* what;
    CurrentRequest current;
    std::string_view to;
    std::string_view body;
    Strings expected;
  };
  const Row rows[] = {
      // emergency received -> provided: placement {structure, startDate, endDate?}
      {"provided, complete", {E, "received"}, "provided",
       R"({"to":"provided","placement":{"structure":"S1","startDate":"2026-11-28"}})", {}},
      {"provided, with endDate", {E, "received"}, "provided",
       R"({"to":"provided","placement":{"structure":"S1","startDate":"2026-11-28","endDate":"2026-11-29"}})", {}},
      {"provided, no placement", {E, "received"}, "provided", R"({"to":"provided"})", {"/placement"}},
      {"provided, placement null", {E, "received"}, "provided", R"({"to":"provided","placement":null})",
       {"/placement"}},
      {"provided, empty placement", {E, "received"}, "provided", R"({"to":"provided","placement":{}})",
       {"/placement/structure", "/placement/startDate"}},
      {"provided, no startDate", {E, "received"}, "provided",
       R"({"to":"provided","placement":{"structure":"S1","endDate":"2026-11-29"}})", {"/placement/startDate"}},
      {"provided, empty structure", {E, "received"}, "provided",
       R"({"to":"provided","placement":{"structure":"","startDate":"2026-11-28"}})", {"/placement/structure"}},
      // emergency received -> not_provided: reason
      {"not_provided, reason", {E, "received"}, "not_provided", R"({"to":"not_provided","reason":"no place"})", {}},
      {"not_provided, no reason", {E, "received"}, "not_provided", R"({"to":"not_provided"})", {"/reason"}},
      {"not_provided, null reason", {E, "received"}, "not_provided", R"({"to":"not_provided","reason":null})",
       {"/reason"}},
      {"not_provided, empty reason", {E, "received"}, "not_provided", R"({"to":"not_provided","reason":""})",
       {"/reason"}},
      // emergency provided -> closed: placement {endDate} unless already set; not_provided -> closed: nothing
      {"close provided, end date in body", {E, "provided"}, "closed",
       R"({"to":"closed","placement":{"endDate":"2026-11-29"}})", {}},
      {"close provided, no end date anywhere", {E, "provided"}, "closed", R"({"to":"closed"})", {"/placement"}},
      {"close provided, placement without endDate", {E, "provided"}, "closed",
       R"({"to":"closed","placement":{"exitReason":"left"}})", {"/placement/endDate"}},
      {"close provided, end date already set", {E, "provided", true}, "closed", R"({"to":"closed"})", {}},
      {"close not_provided", {E, "not_provided"}, "closed", R"({"to":"closed"})", {}},
      // insertion submitted -> oriented: orientation {service}
      {"oriented", {I, "submitted"}, "oriented", R"({"to":"oriented","orientation":{"service":"CHRS"}})", {}},
      {"oriented, no orientation", {I, "submitted"}, "oriented", R"({"to":"oriented"})", {"/orientation"}},
      {"oriented, no service", {I, "submitted"}, "oriented", R"({"to":"oriented","orientation":{}})",
       {"/orientation/service"}},
      // oriented -> proposed: proposal {structure}
      {"proposed", {I, "oriented"}, "proposed", R"({"to":"proposed","proposal":{"structure":"S2"}})", {}},
      {"proposed, no proposal", {I, "oriented"}, "proposed", R"({"to":"proposed"})", {"/proposal"}},
      {"proposed, no structure", {I, "oriented"}, "proposed", R"({"to":"proposed","proposal":{}})",
       {"/proposal/structure"}},
      // proposed -> admitted: placement {structure, startDate}
      {"admitted", {I, "proposed"}, "admitted",
       R"({"to":"admitted","placement":{"structure":"S2","startDate":"2026-12-01"}})", {}},
      {"admitted, no placement", {I, "proposed"}, "admitted", R"({"to":"admitted"})", {"/placement"}},
      {"admitted, no structure", {I, "proposed"}, "admitted",
       R"({"to":"admitted","placement":{"startDate":"2026-12-01"}})", {"/placement/structure"}},
      // -> to_update: reason from proposed, submitted, oriented; nothing from cancelled
      {"refused place", {I, "proposed"}, "to_update", R"({"to":"to_update","reason":"refused"})", {}},
      {"refused place, no reason", {I, "proposed"}, "to_update", R"({"to":"to_update"})", {"/reason"}},
      {"stale evaluation (submitted), no reason", {I, "submitted"}, "to_update", R"({"to":"to_update"})",
       {"/reason"}},
      {"stale evaluation (oriented), no reason", {I, "oriented"}, "to_update", R"({"to":"to_update"})",
       {"/reason"}},
      {"reactivation", {I, "cancelled"}, "to_update", R"({"to":"to_update"})", {}},
      // to_update -> submitted: nothing
      {"resubmitted", {I, "to_update"}, "submitted", R"({"to":"submitted"})", {}},
      // admitted -> closed: placement {endDate, exitReason}, even when an end date is known
      {"exit", {I, "admitted"}, "closed",
       R"({"to":"closed","placement":{"endDate":"2027-01-31","exitReason":"housing"}})", {}},
      {"exit, no placement", {I, "admitted"}, "closed", R"({"to":"closed"})", {"/placement"}},
      {"exit, no placement, end date known", {I, "admitted", true}, "closed", R"({"to":"closed"})", {"/placement"}},
      {"exit, empty placement", {I, "admitted"}, "closed", R"({"to":"closed","placement":{}})",
       {"/placement/endDate", "/placement/exitReason"}},
      {"exit, no exitReason", {I, "admitted"}, "closed",
       R"({"to":"closed","placement":{"endDate":"2027-01-31"}})", {"/placement/exitReason"}},
      // any open status -> cancelled: reason
      {"cancel received", {E, "received"}, "cancelled", R"({"to":"cancelled","reason":"duplicate"})", {}},
      {"cancel received, no reason", {E, "received"}, "cancelled", R"({"to":"cancelled"})", {"/reason"}},
      {"cancel provided, no reason", {E, "provided"}, "cancelled", R"({"to":"cancelled"})", {"/reason"}},
      {"cancel admitted, no reason", {I, "admitted"}, "cancelled", R"({"to":"cancelled"})", {"/reason"}},
      {"cancel to_update, no reason", {I, "to_update"}, "cancelled", R"({"to":"cancelled"})", {"/reason"}},
      // Needs are independent: several can be missing at once and are all reported.
      {"reason is not enough for provided", {E, "received"}, "provided", R"({"to":"provided","reason":"x"})",
       {"/placement"}},
  };
  for (const auto& row : rows) {
    CAPTURE(row.what);
    CHECK(pointers(row.current, row.to, row.body) == row.expected);
  }
}

TEST_CASE("a missing whole object names the fields it should carry") {
  const auto errors = missing_for_transition({I, "admitted", false}, "closed", json(R"({"to":"closed"})"));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].pointer == "/placement");
  CHECK(errors[0].message.find("endDate") != std::string::npos);
  CHECK(errors[0].message.find("exitReason") != std::string::npos);
}

TEST_CASE("effects_of: what each allowed transition writes from its body") {
  struct Row {
    RequestKind kind;
    std::string_view from;
    std::string_view to;
    TransitionEffects effects;
  };
  const Row rows[] = {
      {E, "received", "provided", {.set_placement_structure_start = true, .set_placement_end = true}},
      {E, "received", "not_provided", {}},
      {E, "provided", "closed", {.set_placement_end = true, .set_exit_reason = true}},
      {E, "not_provided", "closed", {}},
      {E, "received", "cancelled", {}},
      {E, "provided", "cancelled", {}},
      {I, "submitted", "oriented", {.set_orientation = true}},
      {I, "oriented", "proposed", {.set_proposal = true}},
      {I, "proposed", "admitted", {.set_placement_structure_start = true}},
      {I, "proposed", "to_update", {}},
      {I, "submitted", "to_update", {}},
      {I, "oriented", "to_update", {}},
      {I, "to_update", "submitted", {.reset_submitted_at = true}},
      {I, "admitted", "closed", {.set_placement_end = true, .set_exit_reason = true}},
      {I, "admitted", "cancelled", {}},
      {I, "cancelled", "to_update", {}},
  };
  for (const auto& row : rows) {
    CAPTURE(row.from);
    CAPTURE(row.to);
    REQUIRE(is_allowed(row.kind, row.from, row.to));
    const auto e = effects_of(row.kind, row.from, row.to);
    CHECK(e.set_placement_structure_start == row.effects.set_placement_structure_start);
    CHECK(e.set_placement_end == row.effects.set_placement_end);
    CHECK(e.set_exit_reason == row.effects.set_exit_reason);
    CHECK(e.set_orientation == row.effects.set_orientation);
    CHECK(e.set_proposal == row.effects.set_proposal);
    CHECK(e.reset_submitted_at == row.effects.reset_submitted_at);
  }
}
