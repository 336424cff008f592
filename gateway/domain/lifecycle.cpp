#include "gateway/domain/lifecycle.hpp"

#include <algorithm>
#include <array>
#include <string>

namespace siao::domain {

namespace {

constexpr std::array<std::string_view, 5> kEmergencyStatuses{"received", "provided", "not_provided", "closed",
                                                             "cancelled"};
constexpr std::array<std::string_view, 7> kInsertionStatuses{"submitted", "oriented", "proposed", "admitted",
                                                             "to_update", "closed", "cancelled"};

// What the body must carry. Placement fields are listed in the order their errors are reported.
struct Needs {
  bool reason = false;
  bool placement_structure = false;
  bool placement_start = false;
  bool placement_end = false;
  bool placement_end_unless_set = false;  // only when the request has no end date yet
  bool placement_exit_reason = false;
  bool orientation_service = false;
  bool proposal_structure = false;
};

struct Rule {
  RequestKind kind;
  std::string_view from;
  std::string_view to;
  Needs needs;
  TransitionEffects effects;
};

// The spec's table, row by row, but for "any open status -> cancelled", which
// find_rule derives so that it cannot drift from is_open. The order of the rows
// is the order of allowed_targets.
constexpr RequestKind E = RequestKind::emergency;
constexpr RequestKind I = RequestKind::insertion;
constexpr std::array<Rule, 13> kRules{{
    {E, "received", "provided", {.placement_structure = true, .placement_start = true},
     // endDate is optional here: a 115 night often has its end known from the start.
     {.set_placement_structure_start = true, .set_placement_end = true}},
    {E, "received", "not_provided", {.reason = true}, {}},
    {E, "provided", "closed", {.placement_end_unless_set = true},
     {.set_placement_end = true, .set_exit_reason = true}},
    {E, "not_provided", "closed", {}, {}},
    {I, "submitted", "oriented", {.orientation_service = true}, {.set_orientation = true}},
    {I, "oriented", "proposed", {.proposal_structure = true}, {.set_proposal = true}},
    // An insertion placement's end is only known at the exit, where it is required:
    // an endDate sent on admission is not applied.
    {I, "proposed", "admitted", {.placement_structure = true, .placement_start = true},
     {.set_placement_structure_start = true}},
    {I, "proposed", "to_update", {.reason = true}, {}},
    {I, "submitted", "to_update", {.reason = true}, {}},
    {I, "oriented", "to_update", {.reason = true}, {}},
    {I, "to_update", "submitted", {}, {.reset_submitted_at = true}},
    {I, "admitted", "closed", {.placement_end = true, .placement_exit_reason = true},
     {.set_placement_end = true, .set_exit_reason = true}},
    {I, "cancelled", "to_update", {}, {}},
}};

// Its kind and from are never read: find_rule checks them before handing it out.
constexpr Rule kCancel{E, "", "cancelled", {.reason = true}, {}};

const Rule* find_rule(RequestKind kind, std::string_view from, std::string_view to) {
  if (!is_status(kind, from)) return nullptr;
  if (to == "cancelled") return is_open(from) ? &kCancel : nullptr;
  for (const auto& rule : kRules)
    if (rule.kind == kind && rule.from == from && rule.to == to) return &rule;
  return nullptr;
}

// Present, not null, and not an empty string: a schema may let "" or null through.
bool carries(const rapidjson::Value& object, const char* member) {
  if (!object.IsObject()) return false;
  auto it = object.FindMember(member);
  if (it == object.MemberEnd() || it->value.IsNull()) return false;
  return !it->value.IsString() || it->value.GetStringLength() > 0;
}

const rapidjson::Value* member_object(const rapidjson::Value& object, const char* member) {
  if (!object.IsObject()) return nullptr;
  auto it = object.FindMember(member);
  return it != object.MemberEnd() && it->value.IsObject() ? &it->value : nullptr;
}

// Reports the listed fields of `object_name` that `body` lacks; the whole object once when it is absent.
void require_fields(const rapidjson::Value& body, const char* object_name,
                    const std::vector<const char*>& fields, std::string_view to,
                    std::vector<http::FieldError>& errors) {
  if (fields.empty()) return;
  const std::string suffix = " is required to move to " + std::string(to);
  const rapidjson::Value* object = member_object(body, object_name);
  if (!object) {
    std::string list;
    for (const char* field : fields) list += (list.empty() ? "" : ", ") + std::string(field);
    errors.push_back({"/" + std::string(object_name), std::string(object_name) + " {" + list + "}" + suffix});
    return;
  }
  for (const char* field : fields)
    if (!carries(*object, field))
      errors.push_back({"/" + std::string(object_name) + "/" + field,
                        std::string(object_name) + "." + field + suffix});
}

}  // namespace

std::optional<RequestKind> parse_kind(std::string_view text) {
  if (text == "emergency") return RequestKind::emergency;
  if (text == "insertion") return RequestKind::insertion;
  return std::nullopt;
}

std::string_view name(RequestKind kind) {
  return kind == RequestKind::emergency ? "emergency" : "insertion";
}

std::string_view initial_status(RequestKind kind) {
  return kind == RequestKind::emergency ? kEmergencyStatuses.front() : kInsertionStatuses.front();
}

std::vector<std::string_view> statuses(RequestKind kind) {
  if (kind == RequestKind::emergency) return {kEmergencyStatuses.begin(), kEmergencyStatuses.end()};
  return {kInsertionStatuses.begin(), kInsertionStatuses.end()};
}

bool is_status(RequestKind kind, std::string_view status) {
  const auto all = statuses(kind);
  return std::find(all.begin(), all.end(), status) != all.end();
}

bool is_any_status(std::string_view status) {
  return is_status(RequestKind::emergency, status) || is_status(RequestKind::insertion, status);
}

bool is_open(std::string_view status) {
  return is_any_status(status) && status != "closed" && status != "not_provided" && status != "cancelled";
}

std::vector<std::string_view> allowed_targets(RequestKind kind, std::string_view from) {
  std::vector<std::string_view> targets;
  if (!is_status(kind, from)) return targets;
  for (const auto& rule : kRules)
    if (rule.kind == kind && rule.from == from) targets.push_back(rule.to);
  if (is_open(from)) targets.emplace_back("cancelled");
  return targets;
}

bool is_allowed(RequestKind kind, std::string_view from, std::string_view to) {
  return find_rule(kind, from, to) != nullptr;
}

std::vector<http::FieldError> missing_for_transition(const CurrentRequest& request, std::string_view to,
                                                     const rapidjson::Value& body) {
  std::vector<http::FieldError> errors;
  const Rule* rule = find_rule(request.kind, request.status, to);
  if (!rule) return errors;
  const Needs& needs = rule->needs;

  if (needs.reason && !carries(body, "reason"))
    errors.push_back({"/reason", "reason is required to move to " + std::string(to)});

  std::vector<const char*> placement;
  if (needs.placement_structure) placement.push_back("structure");
  if (needs.placement_start) placement.push_back("startDate");
  if (needs.placement_end || (needs.placement_end_unless_set && !request.has_placement_end_date))
    placement.push_back("endDate");
  if (needs.placement_exit_reason) placement.push_back("exitReason");
  require_fields(body, "placement", placement, to, errors);

  if (needs.orientation_service) require_fields(body, "orientation", {"service"}, to, errors);
  if (needs.proposal_structure) require_fields(body, "proposal", {"structure"}, to, errors);
  return errors;
}

TransitionEffects effects_of(RequestKind kind, std::string_view from, std::string_view to) {
  const Rule* rule = find_rule(kind, from, to);
  return rule ? rule->effects : TransitionEffects{};
}

}  // namespace siao::domain
