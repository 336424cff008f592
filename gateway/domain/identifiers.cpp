#include "gateway/domain/identifiers.hpp"

#include <algorithm>
#include <array>

namespace siao::domain {

namespace {

constexpr std::array<std::string_view, 13> kServices{
    "CHU", "CHRS", "HOTEL", "RHVS", "HALTE_DE_NUIT", "LHSS", "ALT", "IML", "PENSION_DE_FAMILLE",
    "RESIDENCE_SOCIALE", "FJT", "FTM", "LOGEMENT_ORDINAIRE"};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

char first_digit(ResourceKind kind) {
  switch (kind) {
    case ResourceKind::household: return '9';
    case ResourceKind::person: return '4';
    case ResourceKind::request: return '7';
  }
  return '\0';
}

}  // namespace

std::string_view name(ResourceKind kind) {
  switch (kind) {
    case ResourceKind::household: return "household";
    case ResourceKind::person: return "person";
    case ResourceKind::request: return "request";
  }
  return {};
}

std::optional<ResourceKind> parse_resource_kind(std::string_view text) {
  for (auto kind : {ResourceKind::household, ResourceKind::person, ResourceKind::request})
    if (name(kind) == text) return kind;
  return std::nullopt;
}

bool is_siao_id(std::string_view id, ResourceKind kind) {
  return id.size() == 8 && id.front() == first_digit(kind) && std::all_of(id.begin(), id.end(), is_digit);
}

bool is_territory(std::string_view code) {
  if (code == "2A" || code == "2B") return true;
  if (!std::all_of(code.begin(), code.end(), is_digit)) return false;
  if (code.size() == 2) {
    const int n = (code[0] - '0') * 10 + (code[1] - '0');
    // "20" has not existed since Corsica was split in 1976.
    return n >= 1 && n <= 95 && n != 20;
  }
  if (code.size() == 3) {
    // Mayotte is 976; 975 (Saint-Pierre-et-Miquelon) is a collectivity, not a département.
    const int n = (code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0');
    return (n >= 971 && n <= 974) || n == 976;
  }
  return false;
}

bool is_service(std::string_view code) {
  return std::find(kServices.begin(), kServices.end(), code) != kServices.end();
}

}  // namespace siao::domain
