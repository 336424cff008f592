#pragma once
// Canonical commands run for Rosalie, and their refusals told in Rosalie's terms: the same status and
// problem, with every pointer moved from the canonical body into the Rosalie body it was translated from,
// and the statuses a refused transition allows written as Rosalie codes.
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "adapters/rosalie/support.hpp"

namespace siao::adapters::rosalie {

// Canonical pointer (or the start of one) -> its place in Rosalie's body.
using PointerPair = std::pair<std::string_view, std::string_view>;

// Where a command's body came from in Rosalie's body.
struct Origin {
  std::string_view document;            // the mapping document that translated it ("famille"); empty: none
  std::string prefix;                   // where that document sits in Rosalie's body ("/personnes/2"); "" for the body
  std::span<const PointerPair> fixed;   // checked first: pointers the adapter placed itself
  std::string_view statuses;            // the code list of a refused transition's `allowed` ("statutDemande-URG")
};

// The Rosalie pointer of a canonical one: `fixed` (exact, or the longest start of it), else the mapping's
// trace through `document` under `prefix`, else the prefix itself (the whole object).
std::string rosalie_pointer(const mapping::Mapping& m, const Origin& origin, std::string_view canonical);

// The canonical refusal `p` as Rosalie is told it.
http::Problem translated(const http::Problem& p, const mapping::Mapping& m, const Origin& origin);

// Runs `command` in the exchange; a refusal is rethrown translated.
http::Response execute(const Services& s, pqxx::transaction_base& tx, audit::Exchange& ex, api::Command command,
                       const mapping::Mapping& m, const Origin& origin);

// The same, but a 404 (absent, or outside the caller's territories) is nullopt: the caller says what is missing.
std::optional<http::Response> execute_if_found(const Services& s, pqxx::transaction_base& tx, audit::Exchange& ex,
                                               api::Command command, const mapping::Mapping& m,
                                               const Origin& origin);

}  // namespace siao::adapters::rosalie
