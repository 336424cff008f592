// GET /api/v1.1/familles/{cleFamille}: the household as v2 reads it, translated to Rosalie's format, with
// Rosalie's keys put back: the key asked for, each person's, and every key of the household.
#include <algorithm>

#include "adapters/rosalie/family.hpp"
#include "adapters/rosalie/rosalie_store.hpp"
#include "gateway/resources/json_out.hpp"
#include "gateway/storage/partner_keys.hpp"

namespace siao::adapters::rosalie {

namespace {

// Every key of the caller's naming the household: from the household as read, or the store when the
// contract's read rules left partnerKeys out.
std::vector<std::string> family_keys(pqxx::transaction_base& tx, const audit::Exchange& ex, const FamilyRead& family) {
  std::vector<std::string> keys;
  const auto partner = partner_of(ex);
  auto it = family.household.FindMember("partnerKeys");
  if (it != family.household.MemberEnd() && it->value.IsArray()) {
    for (const auto& k : it->value.GetArray())
      if (string_at(k, "partner") == partner) keys.emplace_back(string_at(k, "key"));
    return keys;
  }
  for (auto& k : storage::partner_keys_of(tx, "household", family.id))
    if (k.partner == partner) keys.push_back(std::move(k.key));
  return keys;
}

}  // namespace

http::Response get_family(const Services& s, pqxx::transaction_base& tx, audit::Exchange& ex) {
  const auto& m = mapping_of(ex);
  const std::string_view cle = ex.request().path_param("cleFamille");
  const auto family = read_family(s, tx, ex, m, cle, false);
  const auto out = translate_out(m, "famille", family.household);

  const auto& members = member_at(family.household, "members");
  std::vector<std::int64_t> member_ids;
  if (members.IsArray())
    for (const auto& member : members.GetArray()) member_ids.push_back(id_at(member, "id"));
  // Several keys for one person (after a merge): the first, in key order.
  const auto person_keys = keys_of(tx, partner_of(ex), "person", member_ids);
  const auto key_of = [&](std::int64_t id) -> std::string_view {
    auto it = std::lower_bound(person_keys.begin(), person_keys.end(), id,
                               [](const auto& pair, std::int64_t value) { return pair.first < value; });
    return it != person_keys.end() && it->first == id ? std::string_view(it->second) : std::string_view();
  };
  // The key asked for resolves to this household too (the household it named may have been merged into it).
  auto keys = family_keys(tx, ex, family);
  if (std::find(keys.begin(), keys.end(), cle) == keys.end())
    keys.insert(std::lower_bound(keys.begin(), keys.end(), cle), std::string(cle));

  return json_answer(200, resources::json_text([&](resources::JsonWriter& w) {
    w.StartObject();
    resources::put(w, "cleFamille", cle);
    for (const auto& member : out.GetObject()) {
      if (std::string_view(member.name.GetString(), member.name.GetStringLength()) != "personnes") {
        w.Key(member.name.GetString(), member.name.GetStringLength());
        member.value.Accept(w);
        continue;
      }
      resources::put(w, "personnes");
      w.StartArray();
      const auto& personnes = member.value;
      for (rapidjson::SizeType i = 0; i < personnes.Size(); ++i) {
        w.StartObject();
        if (auto key = i < member_ids.size() ? key_of(member_ids[i]) : std::string_view(); !key.empty())
          resources::put(w, "idPersonneRosalie", key);
        for (const auto& field : personnes[i].GetObject()) {
          w.Key(field.name.GetString(), field.name.GetStringLength());
          field.value.Accept(w);
        }
        w.EndObject();
      }
      w.EndArray();
    }
    resources::put(w, "clesFamilleAssociees");
    w.StartArray();
    for (const auto& k : keys) resources::put(w, k);
    w.EndArray();
    w.EndObject();
  }));
}

}  // namespace siao::adapters::rosalie
