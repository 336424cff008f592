#pragma once
// Data minimisation: which fields of each resource a contract may read and
// write. Reads are minimised on the way out (a field the contract may not read
// is absent, not null); writes touching a field it may not write are refused
// whole, each such field named by its pointer into the body.
#include <rapidjson/document.h>

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/domain/identifiers.hpp"
#include "gateway/http/problem.hpp"

namespace siao::auth {

// A resource's fields a contract may read or write; nullopt: all of them.
// `id`, `version`, `createdAt`, `updatedAt` and `updatedBy` are always readable.
struct FieldRules {
  std::optional<std::vector<std::string>> readable;
  std::optional<std::vector<std::string>> writable;
};

class FieldPolicy {
 public:
  FieldPolicy() = default;  // every field, both ways
  FieldPolicy(FieldRules household, FieldRules person, FieldRules request);

  bool restricts_reads() const { return restricts_reads_; }
  bool restricts_writes() const { return restricts_writes_; }
  bool may_read(domain::ResourceKind kind, std::string_view field) const;
  bool may_write(domain::ResourceKind kind, std::string_view field) const;

  // `json` with every field this policy may not read removed from each resource object in it, at any
  // depth (a list's items, a household's members, a history entry's snapshot...). A resource object is
  // one whose "id" is a SIAO id (its first digit says its kind) and that has "updatedAt", which every
  // resource carries and events or references do not. Other objects keep their members and are searched
  // further. `json` unchanged when reads are not restricted or it is not JSON.
  std::string minimise(std::string json) const;

  // The fields of `body`, a valid body of the canonical schema `schema`
  // ("household-create", "person-patch", "request-transition"...), that this policy may not write: one
  // entry per field, its pointer into the body and a message. Empty when all may be written, or when
  // the schema is not one of the canonical write bodies.
  std::vector<http::FieldError> unwritable(std::string_view schema, const rapidjson::Value& body) const;

 private:
  const FieldRules& rules(domain::ResourceKind kind) const;
  std::array<FieldRules, 3> rules_{};
  bool restricts_reads_ = false;
  bool restricts_writes_ = false;
};

}  // namespace siao::auth
