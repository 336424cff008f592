// POST /api/v1.1/familles: the family becomes a v2 household (POST /api/v2/households), then its key and its
// persons' keys are kept; a key already taken refuses the whole exchange (nothing of it stays).
#include <rapidjson/reader.h>

#include <charconv>

#include "adapters/rosalie/errors.hpp"
#include "adapters/rosalie/family.hpp"
#include "gateway/domain/identifiers.hpp"
#include "gateway/json/pointer.hpp"
#include "gateway/storage/partner_keys.hpp"

namespace siao::adapters::rosalie {

namespace {

// The ids of a household as v2 answers it, its own and its members' in order, read without building a
// document: all this exchange needs of that answer.
class HouseholdIds : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, HouseholdIds> {
 public:
  std::int64_t id = 0;
  std::vector<std::int64_t> members;

  bool StartObject() { return ++depth_, true; }
  bool EndObject(rapidjson::SizeType) { return --depth_, true; }
  bool StartArray() {
    ++depth_;
    if (next_is_members_) members_depth_ = depth_;
    next_is_members_ = false;
    return true;
  }
  bool EndArray(rapidjson::SizeType) {
    if (depth_ == members_depth_) members_depth_ = -1;
    return --depth_, true;
  }
  bool Key(const char* s, rapidjson::SizeType n, bool) {
    const std::string_view key(s, n);
    next_is_id_ = key == "id" && (depth_ == 1 || (members_depth_ > 0 && depth_ == members_depth_ + 1));
    next_is_members_ = depth_ == 1 && key == "members";
    return true;
  }
  bool String(const char* s, rapidjson::SizeType n, bool) {
    if (next_is_id_) {
      std::int64_t value = 0;
      std::from_chars(s, s + n, value);
      if (depth_ == 1) id = value;
      else members.push_back(value);
    }
    return Default();
  }
  bool Default() {
    next_is_id_ = next_is_members_ = false;
    return true;
  }

 private:
  int depth_ = 0;
  int members_depth_ = -1;
  bool next_is_id_ = false;
  bool next_is_members_ = false;
};

HouseholdIds household_ids(const std::string& body) {
  HouseholdIds ids;
  rapidjson::Reader reader;
  rapidjson::StringStream in(body.c_str());
  if (reader.Parse<rapidjson::kParseIterativeFlag>(in, ids).IsError() || ids.id == 0)
    throw std::logic_error("a canonical household answer without its id");
  return ids;
}

// `person_keys`: each person's idPersonneRosalie, in the body's order.
[[noreturn]] void key_taken(const std::vector<std::string>& person_keys, std::string_view cle, std::string_view key,
                            std::int64_t siao_id) {
  const std::string id = std::to_string(siao_id);
  // Keys come back household first: a household id under the family's key is the family already there.
  if (key == cle && domain::is_siao_id(id, domain::ResourceKind::household))
    refuse(409, "family-exists", "The cleFamille " + std::string(cle) + " already names SIAO household " + id + ".",
           {{"/cleFamille", "already names SIAO household " + id}});
  for (std::size_t i = 0; i < person_keys.size(); ++i)
    if (person_keys[i] == key)
      refuse(409, "person-exists",
             "The idPersonneRosalie " + std::string(key) + " already names SIAO person " + id + ", of another family.",
             {{json::pointer_append("/personnes", i) + "/idPersonneRosalie", "already names SIAO person " + id}});
  throw std::logic_error("a partner key was taken that the family does not hold");
}

}  // namespace

http::Response create_family(const Services& s, pqxx::transaction_base& tx, audit::Exchange& ex) {
  const auto& m = mapping_of(ex);
  const auto body = rosalie_body(ex, s.schemas, "rosalie-famille", {"cleFamille"});
  const auto& personnes = body["personnes"];
  check_persons(personnes, true);
  const auto canonical = translate_in(m, "famille", body);

  const auto answer = execute(s, tx, ex, {http::Method::post, "/api/v2/households", text_of(canonical), {}}, m,
                              Origin{.document = "famille"});
  const auto household = household_ids(answer.body);
  const auto household_id = household.id;
  if (household.members.size() != personnes.Size())
    throw std::logic_error("a household was created with another number of members than sent");

  const std::string_view cle = view(body["cleFamille"]);
  std::vector<storage::NewPartnerKey> keys;
  std::vector<PersonIds> ids;
  keys.reserve(personnes.Size() + 1);
  ids.reserve(personnes.Size());
  keys.push_back({"household", std::string(cle), household_id});
  for (rapidjson::SizeType i = 0; i < personnes.Size(); ++i) {
    const auto person_id = household.members[i];
    const auto key = view(personnes[i]["idPersonneRosalie"]);
    keys.push_back({"person", std::string(key), person_id});
    ids.push_back({person_id, key});
  }
  // Written with the exchange's versions, in one statement; a key already taken refuses the whole family.
  std::vector<std::string> person_keys;
  person_keys.reserve(personnes.Size());
  for (const auto& p : personnes.GetArray()) person_keys.emplace_back(view(p["idPersonneRosalie"]));
  ex.add_partner_keys(std::string(partner_of(ex)), std::move(keys),
                      [person_keys = std::move(person_keys), cle = std::string(cle)](const std::string& key,
                                                                                     std::int64_t siao_id) {
                        key_taken(person_keys, cle, key, siao_id);
                      });

  auto r = json_answer(201, recorded_family(cle, household_id, ids));
  r.set("Location", family_url(cle));
  return r;
}

}  // namespace siao::adapters::rosalie
