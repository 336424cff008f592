// PUT /api/v1.1/familles/{cleFamille}: the family as Rosalie now sees it. Persons are matched by
// idPersonneRosalie: new ones join the household (POST /households/{id}/members), the others' changed
// fields are applied (PATCH /persons/{id}), persons Rosalie left out stay. Identity fields are SIAO's: a
// value that differs from the one SIAO holds refuses the whole PUT (409, one pointer per field) before
// anything is written; a value SIAO lacks, or a partial birth date completed consistently, is taken.
#include <algorithm>
#include <unordered_map>

#include "adapters/rosalie/errors.hpp"
#include "adapters/rosalie/family.hpp"
#include "adapters/rosalie/rosalie_store.hpp"
#include "gateway/json/pointer.hpp"
#include "gateway/mapping/text_case.hpp"
#include "gateway/resources/json_out.hpp"
#include "gateway/storage/partner_keys.hpp"

namespace siao::adapters::rosalie {

namespace {

using Value = rapidjson::Value;
using resources::JsonWriter;

// The member `name`, unless absent or null.
const Value* present(const Value& object, const char* name) {
  auto it = object.FindMember(name);
  return it == object.MemberEnd() || it->value.IsNull() ? nullptr : &it->value;
}

// Names that differ only by case are the same name.
bool same_name(std::string_view a, std::string_view b) {
  if (a == b) return true;
  std::string upper_a, upper_b;
  mapping::append_upper(a, upper_a);
  mapping::append_upper(b, upper_b);
  return upper_a == upper_b;
}

bool same_names(const Value& a, const Value& b) {
  if (a.IsString() && b.IsString()) return same_name(view(a), view(b));
  if (!a.IsArray() || !b.IsArray() || a.Size() != b.Size()) return false;
  for (rapidjson::SizeType i = 0; i < a.Size(); ++i)
    if (!same_names(a[i], b[i])) return false;
  return true;
}

// Partial dates (YYYY, YYYY-MM, YYYY-MM-DD) agree when one is the other, completed.
bool consistent_dates(std::string_view a, std::string_view b) {
  return a.size() <= b.size() ? b.substr(0, a.size()) == a : a.substr(0, b.size()) == b;
}

struct Patch {
  rapidjson::SizeType index;  // in Rosalie's personnes
  std::int64_t person = 0;    // filled for a new person once created
  std::string body;           // a merge patch
  bool to_head = false;       // makes the person head: runs before the others
};

// What one person of the body changes, compared with the person SIAO holds.
class PersonChanges {
 public:
  PersonChanges(const mapping::Mapping& m, rapidjson::SizeType index, const Value& wanted, const Value& held)
      : m_(m), index_(index), wanted_(wanted), held_(held), w_(buffer_) {
    w_.StartObject();
  }

  // Identity fields: a differing value is a conflict; a value SIAO lacks is taken.
  void identity(std::vector<http::FieldError>& conflicts) {
    name("lastName", conflicts);
    name("birthName", conflicts);
    name("firstNames", conflicts);
    if (view(wanted_["sex"]) != string_at(held_, "sex")) conflict("sex", conflicts);
    const Value* date = present(wanted_, "birthDate");
    const Value* held_date = present(held_, "birthDate");
    if (date && held_date && !consistent_dates(view(*date), view(*held_date))) conflict("birthDate", conflicts);
    else if (date && (!held_date || date->GetStringLength() > held_date->GetStringLength())) put("birthDate", *date);
  }

  // The other fields: applied when Rosalie has a value SIAO does not hold. A new head is made so first.
  void others() {
    if (view(wanted_["role"]) != string_at(held_, "role")) {
      put("role", wanted_["role"]);
      to_head_ = view(wanted_["role"]) == "head";
    }
    for (const char* field : {"nationality", "phone"}) {
      const Value* value = present(wanted_, field);
      const Value* held = present(held_, field);
      // Rosalie's XX says it does not know: no reason to forget what SIAO knows.
      if (value && held && std::string_view(field) == "nationality" && view(*value) == "unknown") continue;
      if (value && (!held || *value != *held)) put(field, *value);
    }
  }

  std::optional<Patch> patch(std::int64_t person) {
    if (fields_ == 0) return std::nullopt;
    w_.EndObject();
    return Patch{index_, person, std::string(buffer_.GetString(), buffer_.GetSize()), to_head_};
  }

 private:
  void name(const char* field, std::vector<http::FieldError>& conflicts) {
    const Value* value = present(wanted_, field);
    const Value* held = present(held_, field);
    if (value && held && !same_names(*value, *held)) conflict(field, conflicts);
    else if (value && !held) put(field, *value);
  }

  void put(const char* field, const Value& value) {
    w_.Key(field);
    value.Accept(w_);
    ++fields_;
  }

  // Pointed at in Rosalie's body, with the value SIAO holds written as Rosalie reads it.
  void conflict(const char* field, std::vector<http::FieldError>& conflicts) {
    const std::string canonical = json::pointer_append("/members", index_) + "/" + field;
    const std::string pointer = m_.source_pointer("famille", canonical).value_or(json::pointer_append("/personnes", index_));
    if (!rosalie_) rosalie_ = translate_out(m_, "personne", held_);
    const std::string rosalie_field = pointer.substr(pointer.rfind('/') + 1);
    auto held = rosalie_->FindMember(rosalie_field.c_str());
    conflicts.push_back({pointer, (held != rosalie_->MemberEnd() ? "SIAO holds " + text_of(held->value) + ": "
                                                                  : std::string("differs from what SIAO holds: ")) +
                                      "identity fields are changed in SIAO only"});
  }

  const mapping::Mapping& m_;
  rapidjson::SizeType index_;
  const Value& wanted_;  // the person as translated from Rosalie's body
  const Value& held_;    // the person as v2 reads them
  rapidjson::StringBuffer buffer_;
  JsonWriter w_;
  int fields_ = 0;
  bool to_head_ = false;
  std::optional<rapidjson::Document> rosalie_;
};

// A new person's body; a new head joins as other_adult and is made head afterwards (v2 then makes the
// previous head other_adult, in one write).
std::string new_person_body(const Value& person, bool as_other_adult) {
  return resources::json_text([&](JsonWriter& w) {
    w.StartObject();
    for (const auto& field : person.GetObject()) {
      w.Key(field.name.GetString(), field.name.GetStringLength());
      if (as_other_adult && std::string_view(field.name.GetString()) == "role") resources::put(w, "other_adult");
      else field.value.Accept(w);
    }
    w.EndObject();
  });
}

}  // namespace

http::Response update_family(const Services& s, pqxx::transaction_base& tx, audit::Exchange& ex) {
  const auto& m = mapping_of(ex);
  const std::string_view cle = ex.request().path_param("cleFamille");
  const auto body = rosalie_body(ex, s.schemas, "rosalie-famille", {"cleFamille"});
  if (view(body["cleFamille"]) != cle)
    unprocessable({{"/cleFamille", "must be the cleFamille of the path (" + std::string(cle) + ")"}});
  const auto& personnes = body["personnes"];
  check_persons(personnes, false);
  const auto canonical = translate_in(m, "famille", body);
  const auto& wanted = canonical["members"];

  const auto family = read_family(s, tx, ex, m, cle, true);
  const auto& held = member_at(family.household, "members");
  if (!held.IsArray()) throw std::logic_error("the contract's read rules hide a household's members from a PUT");
  std::unordered_map<std::int64_t, const Value*> held_by_id;
  bool has_head = false;
  for (const auto& member : held.GetArray()) {
    held_by_id.emplace(id_at(member, "id"), &member);
    has_head = has_head || string_at(member, "role") == "head";
  }

  const auto partner = partner_of(ex);
  std::vector<std::string> keys;
  keys.reserve(personnes.Size());
  for (const auto& p : personnes.GetArray()) keys.emplace_back(view(p["idPersonneRosalie"]));
  std::unordered_map<std::string_view, std::int64_t> known;
  const auto resolved = resolve_keys(tx, partner, "person", keys);
  for (const auto& [key, id] : resolved) known.emplace(key, id);

  // Everything is decided before anything is written.
  std::vector<http::FieldError> conflicts;
  std::vector<Patch> patches;
  std::vector<rapidjson::SizeType> arrivals;
  for (rapidjson::SizeType i = 0; i < personnes.Size(); ++i) {
    auto found = known.find(keys[i]);
    if (found == known.end()) {
      arrivals.push_back(i);
      continue;
    }
    auto member = held_by_id.find(found->second);
    if (member == held_by_id.end())
      refuse(409, "person-in-another-family",
             "The idPersonneRosalie " + keys[i] + " names SIAO person " + std::to_string(found->second) +
                 ", who is not in this family.",
             {{json::pointer_append("/personnes", i) + "/idPersonneRosalie",
               "names SIAO person " + std::to_string(found->second) + ", of another household"}});
    PersonChanges changes(m, i, wanted[i], *member->second);
    changes.identity(conflicts);
    changes.others();
    if (auto patch = changes.patch(found->second)) patches.push_back(std::move(*patch));
  }
  if (!conflicts.empty())
    refuse(409, "identity-conflict",
           "SIAO is the master of identity fields: these differ from what it holds, and nothing was applied.",
           std::move(conflicts));

  const std::string household_path = "/api/v2/households/" + std::to_string(family.id);
  if (string_at(canonical, "territory") != string_at(family.household, "territory")) {
    static constexpr PointerPair kTerritory[] = {{"/territory", "/departement"}};
    auto patch = resources::json_text([&](JsonWriter& w) {
      w.StartObject();
      resources::put(w, "territory", string_at(canonical, "territory"));
      w.EndObject();
    });
    execute(s, tx, ex, {http::Method::patch, household_path, std::move(patch), {{"if-match", "*"}}}, m,
            Origin{.fixed = kTerritory});
  }

  std::vector<storage::NewPartnerKey> new_keys;
  std::vector<std::int64_t> new_ids;
  for (auto i : arrivals) {
    const bool made_head_after = has_head && string_at(wanted[i], "role") == "head";
    const auto answer = execute(s, tx, ex,
                                {http::Method::post, household_path + "/members",
                                 new_person_body(wanted[i], made_head_after), {}},
                                m, Origin{.document = "personne", .prefix = json::pointer_append("/personnes", i)});
    const auto id = id_at(parse_canonical(answer.body), "id");
    new_keys.push_back({"person", keys[i], id});
    new_ids.push_back(id);
    if (made_head_after) patches.push_back({i, id, R"({"role":"head"})", true});
  }
  std::stable_partition(patches.begin(), patches.end(), [](const Patch& p) { return p.to_head; });
  for (const auto& p : patches)
    execute(s, tx, ex,
            {http::Method::patch, "/api/v2/persons/" + std::to_string(p.person), p.body, {{"if-match", "*"}}}, m,
            Origin{.document = "personne", .prefix = json::pointer_append("/personnes", p.index)});
  // The new persons' keys, for the answer: they are written only when the exchange's versions are.
  std::vector<std::pair<std::int64_t, std::string>> arrived_keys;
  arrived_keys.reserve(new_keys.size());
  for (const auto& k : new_keys) arrived_keys.emplace_back(k.siao_id, k.key);
  // Written with the exchange's versions, in one statement.
  ex.add_partner_keys(std::string(partner), std::move(new_keys), [](const std::string& key, std::int64_t) {
    refuse(409, "conflict", "A concurrent request recorded the idPersonneRosalie " + key + ": read the family again.");
  });

  // Every person of the family, Rosalie's or not, in SIAO's order (new persons have the newest ids).
  std::vector<std::int64_t> ids;
  ids.reserve(held.Size() + new_ids.size());
  for (const auto& member : held.GetArray()) ids.push_back(id_at(member, "id"));
  auto person_keys = keys_of(tx, partner, "person", ids);
  person_keys.insert(person_keys.end(), arrived_keys.begin(), arrived_keys.end());
  std::sort(person_keys.begin(), person_keys.end());
  ids.insert(ids.end(), new_ids.begin(), new_ids.end());
  std::vector<PersonIds> persons;
  persons.reserve(ids.size());
  for (auto id : ids) {
    auto it = std::lower_bound(person_keys.begin(), person_keys.end(), id,
                               [](const auto& pair, std::int64_t value) { return pair.first < value; });
    persons.push_back({id, it != person_keys.end() && it->first == id ? std::string_view(it->second) : std::string_view()});
  }
  return json_answer(200, recorded_family(cle, family.id, persons));
}

}  // namespace siao::adapters::rosalie
