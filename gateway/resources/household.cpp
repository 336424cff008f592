#include "gateway/resources/household.hpp"

#include "gateway/domain/composition.hpp"

namespace siao::resources {

void write_json(JsonWriter& w, const Household& h, const domain::CivilDate& today) {
  std::vector<domain::MemberFacts> facts;
  facts.reserve(h.members.size());
  for (const auto& m : h.members)
    facts.push_back({m.role, m.sex, m.birth_date ? domain::parse_partial_date(*m.birth_date) : std::nullopt});
  auto composition = domain::derive_composition(facts, today);

  w.StartObject();
  put_id(w, "id", h.id);
  put(w, "territory", h.territory);
  put(w, "status", h.status);
  put(w, "composition");
  if (composition.code) put(w, *composition.code);
  else w.Null();
  put(w, "adults");
  w.Int(composition.adults);
  put(w, "minors");
  w.Int(composition.minors);
  put(w, "members");
  w.StartArray();
  for (const auto& m : h.members) write_json(w, m);
  w.EndArray();
  put(w, "partnerKeys");
  w.StartArray();
  for (const auto& k : h.partner_keys) {
    w.StartObject();
    put(w, "partner", k.partner);
    put(w, "key", k.key);
    w.EndObject();
  }
  w.EndArray();
  put_id(w, "mergedInto", h.merged_into);
  put_metadata(w, h.meta);
  w.EndObject();
}

std::string to_json(const Household& h, const domain::CivilDate& today) {
  return resources::json_text([&](JsonWriter& w) { write_json(w, h, today); });
}

}  // namespace siao::resources
