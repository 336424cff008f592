#pragma once
// The lifecycle of requests (demandes): statuses, allowed transitions, what each
// transition needs from its body and what of the body it applies.
#include <rapidjson/document.h>

#include <optional>
#include <string_view>
#include <vector>

#include "gateway/http/problem.hpp"

namespace siao::domain {

enum class RequestKind { emergency, insertion };

std::optional<RequestKind> parse_kind(std::string_view text);
std::string_view name(RequestKind kind);  // "emergency" | "insertion"

std::string_view initial_status(RequestKind kind);  // received | submitted
// Every status of the kind's lifecycle, initial status first.
std::vector<std::string_view> statuses(RequestKind kind);
bool is_status(RequestKind kind, std::string_view status);
bool is_any_status(std::string_view status);  // of either kind
// Not closed, not_provided or cancelled. A string that is no status is not open.
bool is_open(std::string_view status);

// Statuses reachable in one step, in the order of the spec's table, `cancelled` last.
// Empty for a terminal status, or a status that is not the kind's.
std::vector<std::string_view> allowed_targets(RequestKind kind, std::string_view from);
bool is_allowed(RequestKind kind, std::string_view from, std::string_view to);

struct CurrentRequest {
  RequestKind kind;
  std::string_view status;
  bool has_placement_end_date = false;
};

// What `body` (a schema-valid transition object) lacks for the transition from the
// request's status to `to`: one FieldError per missing thing, pointing where it should
// be: "/reason", "/placement" when the whole object is absent (or null), else
// "/placement/structure"... A member that is null or an empty string is missing.
// Empty when nothing is missing, and for a transition that is not allowed at all
// (callers check is_allowed first: that refusal is a 409, not a 422).
std::vector<http::FieldError> missing_for_transition(const CurrentRequest& request, std::string_view to,
                                                     const rapidjson::Value& body);

// Which members of the body a transition writes onto the request, when the body has
// them (missing_for_transition guarantees the needed ones). Whatever a transition does
// not list is ignored, not stored. Every transition also appends to `history`, with
// the body's `reason` when there is one.
struct TransitionEffects {
  bool set_placement_structure_start = false;  // placement.structure and placement.startDate
  bool set_placement_end = false;              // placement.endDate (replaces one already set)
  bool set_exit_reason = false;                // placement.exitReason
  bool set_orientation = false;                // orientation (the whole object)
  bool set_proposal = false;                   // proposal (the whole object)
  bool reset_submitted_at = false;             // submittedAt = the transition's time
  friend bool operator==(const TransitionEffects&, const TransitionEffects&) = default;
};

// All false for a transition that is not allowed.
TransitionEffects effects_of(RequestKind kind, std::string_view from, std::string_view to);

}  // namespace siao::domain
