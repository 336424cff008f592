#pragma once
// Shapes of the codes and identifiers the API accepts: SIAO ids, territories, services.
#include <optional>
#include <string_view>

namespace siao::domain {

enum class ResourceKind { household, person, request };

// "household", "person" or "request": the word the change feed and audit queries use.
std::string_view name(ResourceKind kind);
std::optional<ResourceKind> parse_resource_kind(std::string_view text);

// Exactly 8 ASCII digits, the first one the kind's range: households 9, persons 4, requests 7.
bool is_siao_id(std::string_view id, ResourceKind kind);

// A French département code (INSEE): "01"-"19", "2A", "2B", "21"-"95", "971"-"974", "976".
bool is_territory(std::string_view code);

// A code of the service nomenclature (CHU, CHRS, HOTEL, ... LOGEMENT_ORDINAIRE).
bool is_service(std::string_view code);

}  // namespace siao::domain
